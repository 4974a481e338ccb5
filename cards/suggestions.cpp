#include "cards/suggestions.h"

#include <algorithm>

#include "fhir/json_write.h"

namespace pumpcds::cards {

namespace {

using Writer = fhir::JsonWriter;
using fhir::writeCoding;
using fhir::writeReference;

// context.userId names the user as "Practitioner/123" (or PractitionerRole, Patient, RelatedPerson): only
// a practitioner can be the requester of an order.
bool isPractitioner(const std::string& user_id) {
  return user_id.rfind("Practitioner/", 0) == 0 || user_id.rfind("PractitionerRole/", 0) == 0;
}

std::string citations(const OfferedSuggestion& offered) {
  std::string out;
  for (const auto* result : offered.closes) {
    out += (out.empty() ? "" : ", ") + result->criterion->citation;
  }
  return out;
}

} // namespace

std::vector<OfferedSuggestion> suggestionsFor(const policy::OrderDetermination& order,
                                              const CardSettings& settings, const CardOptions& options) {
  std::vector<OfferedSuggestion> offered;
  for (const auto& result : order.criteria) {
    if (result.status != policy::CriterionStatus::Missing ||
        result.criterion->role != policy::CriterionRole::Requirement) {
      continue;
    }
    for (const auto& id : result.criterion->suggestions) {
      const SuggestionTemplate* suggestion = settings.findSuggestion(id);
      if (suggestion == nullptr || options.suggestions_off.count(id) != 0) {
        continue;
      }
      auto known = std::find_if(offered.begin(), offered.end(),
                                [&](const OfferedSuggestion& o) { return o.suggestion == suggestion; });
      if (known == offered.end()) {
        offered.push_back({suggestion, {}});
        known = offered.end() - 1;
      }
      known->closes.push_back(&result);
    }
  }
  return offered;
}

std::string suggestionJson(const OfferedSuggestion& offered, const policy::OrderDetermination& order,
                           const HookContext& context, const std::string& uuid) {
  const SuggestionTemplate& suggestion = *offered.suggestion;
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("label");
  out.String(suggestion.label);
  out.Key("uuid");
  out.String(uuid);
  out.Key("actions");
  out.StartArray();
  out.StartObject();
  out.Key("type");
  out.String("create");
  out.Key("description");
  out.String(suggestion.label + " (for " + citations(offered) + ")");
  out.Key("resource");
  out.StartObject();
  out.Key("resourceType");
  out.String("ServiceRequest");
  out.Key("status");
  out.String("draft");
  out.Key("intent");
  out.String("order");
  out.Key("category");
  out.StartArray();
  out.StartObject();
  out.Key("coding");
  out.StartArray();
  writeCoding(out, suggestion.category);
  out.EndArray();
  out.EndObject();
  out.EndArray();
  out.Key("code");
  out.StartObject();
  out.Key("coding");
  out.StartArray();
  writeCoding(out, suggestion.code);
  out.EndArray();
  out.Key("text");
  out.String(suggestion.code.display);
  out.EndObject();
  writeReference(out, "subject", "Patient/" + context.patient_id);
  if (!context.encounter_id.empty()) {
    writeReference(out, "encounter", "Encounter/" + context.encounter_id);
  }
  out.Key("authoredOn");
  out.String(order.as_of.toString());
  if (isPractitioner(context.user_id)) {
    writeReference(out, "requester", context.user_id);
  }
  out.Key("reasonCode");
  out.StartArray();
  out.StartObject();
  out.Key("text");
  out.String("Prior-authorization documentation for " + citations(offered));
  out.EndObject();
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace pumpcds::cards
