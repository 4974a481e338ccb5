#include "fhir/prefetch_templates.h"

#include <cctype>
#include <set>

#include "fhir/resource_parser.h"

namespace pumpcds::fhir {

const std::vector<PrefetchTemplate>& prefetchTemplates() {
  static const std::vector<PrefetchTemplate> kTemplates = {
      {"patient", "Patient/{{context.patientId}}", "Patient"},
      {"coverage", "Coverage?patient={{context.patientId}}&status=active&_include=Coverage:payor",
       "Coverage"},
      {"conditions", "Condition?patient={{context.patientId}}", "Condition"},
      {"observations", "Observation?patient={{context.patientId}}", "Observation"},
      {"medicationRequests", "MedicationRequest?patient={{context.patientId}}", "MedicationRequest"},
      {"medicationStatements", "MedicationStatement?patient={{context.patientId}}", "MedicationStatement"},
      {"procedures", "Procedure?patient={{context.patientId}}", "Procedure"},
      {"allergies", "AllergyIntolerance?patient={{context.patientId}}", "AllergyIntolerance"},
      {"devices", "Device?patient={{context.patientId}}", "Device"},
      {"encounters", "Encounter?patient={{context.patientId}}", "Encounter"},
      {"serviceRequests", "ServiceRequest?patient={{context.patientId}}", "ServiceRequest"},
      {"documents", "DocumentReference?patient={{context.patientId}}", "DocumentReference"},
      {"questionnaireResponses", "QuestionnaireResponse?patient={{context.patientId}}",
       "QuestionnaireResponse"},
  };
  return kTemplates;
}

std::string resourceTypeOfQuery(std::string_view query) {
  query = query.substr(0, query.find('?'));
  while (!query.empty() && query.back() == '/') {
    query.remove_suffix(1);
  }
  const auto looksLikeType = [](std::string_view segment) {
    return !segment.empty() && std::isupper(static_cast<unsigned char>(segment.front())) != 0 &&
           segment.find_first_of(".:") == std::string_view::npos;
  };
  const auto last_slash = query.rfind('/');
  const std::string_view last = last_slash == std::string_view::npos ? query : query.substr(last_slash + 1);
  if (looksLikeType(last)) {
    return std::string(last);
  }
  if (last_slash == std::string_view::npos) {
    return {};
  }
  const std::string_view head = query.substr(0, last_slash);
  const auto head_slash = head.rfind('/');
  const std::string_view previous = head_slash == std::string_view::npos ? head : head.substr(head_slash + 1);
  return looksLikeType(previous) ? std::string(previous) : std::string();
}

namespace {

std::string outcomeText(const JsonValue& outcome) {
  for (const JsonValue* issue : items(member(outcome, "issue"))) {
    std::string text = stringAt(issue, "diagnostics");
    if (text.empty()) {
      text = conceptText(member(issue, "details"));
    }
    if (!text.empty()) {
      return text;
    }
  }
  return "no diagnostics given";
}

void readBundle(std::string_view key, const JsonValue& bundle, const std::string& key_type,
                PatientRecord& record) {
  std::string self_type;
  bool paged = false;
  for (const JsonValue* link : items(member(bundle, "link"))) {
    const std::string relation = stringAt(link, "relation");
    if (relation == "self") {
      self_type = resourceTypeOfQuery(stringAt(link, "url"));
    } else if (relation == "next") {
      paged = true;
    }
  }
  std::set<std::string> entry_types;
  for (const JsonValue* entry : items(member(bundle, "entry"))) {
    const JsonValue* resource_json = member(entry, "resource");
    if (resource_json == nullptr) {
      continue;
    }
    auto resource = parseResource(*resource_json);
    if (!resource) {
      continue;
    }
    if (resource->type == "OperationOutcome") {
      record.addIssue("prefetch '" + std::string(key) + "' carried an error: " + outcomeText(*resource_json));
      continue;
    }
    // Resources pulled in by _include are evidence, but their search was not ours.
    if (stringAt(member(entry, "search"), "mode") != "include") {
      entry_types.insert(resource->type);
    }
    record.add(std::move(*resource));
  }
  if (paged) {
    record.addIssue("prefetch '" + std::string(key) +
                    "' holds only the first page of its search; later pages were not read");
    return;
  }
  // Only a search answers "what is there?"; a collection or transaction Bundle is evidence only.
  const std::string bundle_type = stringAt(&bundle, "type");
  if (!bundle_type.empty() && bundle_type != "searchset") {
    return;
  }
  if (!self_type.empty()) {
    record.markRead(self_type);
  } else if (!entry_types.empty()) {
    for (const auto& type : entry_types) {
      record.markRead(type);
    }
  } else if (!key_type.empty()) {
    record.markRead(key_type);
  }
}

} // namespace

void readPrefetchEntry(std::string_view key, const JsonValue& value, const std::string& key_type,
                       PatientRecord& record) {
  if (value.IsNull()) {
    if (!key_type.empty()) {
      record.markRead(key_type);
    }
    return;
  }
  if (!value.IsObject()) {
    record.addIssue("prefetch '" + std::string(key) + "' is not a FHIR resource and was skipped");
    return;
  }
  const std::string type = stringAt(&value, "resourceType");
  if (type == "OperationOutcome") {
    record.addIssue("prefetch '" + std::string(key) + "' could not be read: " + outcomeText(value));
    return;
  }
  if (type == "Bundle") {
    readBundle(key, value, key_type, record);
    return;
  }
  auto resource = parseResource(value);
  if (!resource) {
    record.addIssue("prefetch '" + std::string(key) + "' has no resourceType and was skipped");
    return;
  }
  // A lone resource answers a read, not a search: only the Patient (one per record) is then fully read.
  if (resource->type == "Patient") {
    record.markRead(resource->type);
  }
  record.add(std::move(*resource));
}

} // namespace pumpcds::fhir
