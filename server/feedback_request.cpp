#include "server/feedback_request.h"

#include <rapidjson/document.h>

#include "base/text.h"
#include "fhir/date.h"
#include "fhir/json_read.h"

namespace pumpcds::server {
namespace {

// At most this many items in one call: an EHR reports on the cards of one hook response.
constexpr rapidjson::SizeType kMostItems = 100;

Result<store::FeedbackItem> parseItem(const fhir::JsonValue& item, const std::string& at) {
  store::FeedbackItem out;
  if (!item.IsObject()) {
    return invalidArgument(at + ": expected an object");
  }
  out.card = fhir::stringAt(&item, "card");
  if (out.card.empty() || out.card.size() > 64) {
    return invalidArgument(at + ".card: expected the card's uuid");
  }
  out.outcome = fhir::stringAt(&item, "outcome");
  if (out.outcome != "accepted" && out.outcome != "overridden") {
    return invalidArgument(at + ".outcome: expected accepted or overridden, got '" +
                           base::printable(out.outcome, 64) + "'");
  }
  out.outcome_timestamp = fhir::stringAt(&item, "outcomeTimestamp");
  if (!fhir::parseFhirTemporal(out.outcome_timestamp)) {
    return invalidArgument(at +
                           ".outcomeTimestamp: expected when the clinician acted (a FHIR instant), got '" +
                           base::printable(out.outcome_timestamp, 64) + "'");
  }
  const fhir::JsonValue* accepted = fhir::member(item, "acceptedSuggestions");
  if (accepted != nullptr) {
    if (out.outcome != "accepted" || !accepted->IsArray()) {
      return invalidArgument(at + ".acceptedSuggestions: only an accepted card has them, as an array");
    }
    for (const fhir::JsonValue* suggestion : fhir::items(accepted)) {
      const std::string id = fhir::stringAt(suggestion, "id");
      if (id.empty() || id.size() > 64) {
        return invalidArgument(at + ".acceptedSuggestions: each needs the suggestion's uuid in 'id'");
      }
      out.accepted_suggestions.push_back(id);
    }
  }
  const fhir::JsonValue* reason = fhir::member(item, "overrideReason");
  if (reason != nullptr) {
    if (out.outcome != "overridden" || !reason->IsObject()) {
      return invalidArgument(at + ".overrideReason: only an overridden card has one, as an object");
    }
    const fhir::JsonValue* coding = fhir::member(*reason, "reason");
    out.override_system = base::printable(fhir::stringAt(coding, "system"), 200);
    out.override_code = base::printable(fhir::stringAt(coding, "code"), 100);
    // Free text a clinician typed: kept for the medical director in the store, never logged.
    out.override_comment = base::printable(fhir::stringAt(reason, "userComment"), 2000);
  }
  return out;
}

} // namespace

Result<std::vector<store::FeedbackItem>> parseFeedback(std::string_view body) {
  rapidjson::Document document;
  if (!fhir::nestsDeeperThan(body, 64)) {
    document.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  }
  const fhir::JsonValue* items = document.HasParseError() ? nullptr : fhir::member(document, "feedback");
  if (!document.IsObject() || items == nullptr || !items->IsArray()) {
    return invalidArgument("feedback body must be a JSON object with a 'feedback' array");
  }
  if (items->Empty() || items->Size() > kMostItems) {
    return invalidArgument("'feedback' must hold 1 to " + std::to_string(kMostItems) + " items");
  }
  std::vector<store::FeedbackItem> out;
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    PUMPCDS_ASSIGN_OR_RETURN(auto item, parseItem((*items)[i], "feedback[" + std::to_string(i) + "]"));
    out.push_back(std::move(item));
  }
  return out;
}

} // namespace pumpcds::server
