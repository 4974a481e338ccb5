#include "server/feedback_tally.h"

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/text.h"

namespace pumpcds::server {

Status FeedbackTally::record(std::string_view body, const std::vector<fhir::Coding>& offered) {
  rapidjson::Document document;
  if (!fhir::nestsDeeperThan(body, 64)) {
    document.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  }
  const fhir::JsonValue* items = document.HasParseError() ? nullptr : fhir::member(document, "feedback");
  if (!document.IsObject() || items == nullptr || !items->IsArray()) {
    return invalidArgument("feedback body must be a JSON object with a 'feedback' array");
  }
  std::vector<std::pair<std::string, std::string>> counted; // outcome, reason
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    const fhir::JsonValue& item = (*items)[i];
    const std::string at = "feedback[" + std::to_string(i) + "]";
    if (!item.IsObject() || fhir::stringAt(&item, "card").empty()) {
      return invalidArgument(at + ": expected an object with the card's uuid in 'card'");
    }
    const std::string outcome = fhir::stringAt(&item, "outcome");
    if (outcome != "accepted" && outcome != "overridden") {
      return invalidArgument(at + ".outcome: expected accepted or overridden, got '" +
                             fhir::printable(outcome, 64) + "'");
    }
    std::string reason;
    if (const fhir::JsonValue* override_reason = fhir::member(item, "overrideReason")) {
      const std::string code = fhir::stringAt(fhir::member(*override_reason, "reason"), "code");
      reason = "other";
      for (const auto& known : offered) {
        reason = known.code == code ? code : reason;
      }
    }
    counted.emplace_back(outcome, reason);
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [outcome, reason] : counted) {
    ++outcomes_[outcome];
    if (!reason.empty()) {
      ++reasons_[reason];
    }
  }
  return {};
}

std::string FeedbackTally::metricsText() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::string out = "# HELP pumpcds_feedback_total Card feedback received, by outcome.\n"
                    "# TYPE pumpcds_feedback_total counter\n";
  for (const char* outcome : {"accepted", "overridden"}) {
    const auto found = outcomes_.find(outcome);
    out += std::string("pumpcds_feedback_total{outcome=\"") + outcome + "\"} " +
           std::to_string(found == outcomes_.end() ? 0 : found->second) + "\n";
  }
  out +=
      "# HELP pumpcds_feedback_override_reasons_total Overridden cards, by the reason the clinician gave.\n"
      "# TYPE pumpcds_feedback_override_reasons_total counter\n";
  for (const auto& [reason, count] : reasons_) {
    out +=
        "pumpcds_feedback_override_reasons_total{reason=\"" + reason + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

} // namespace pumpcds::server
