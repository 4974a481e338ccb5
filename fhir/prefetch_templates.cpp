#include "fhir/prefetch_templates.h"

#include <cctype>
#include <set>

#include "base/text.h"
#include "fhir/resource_parser.h"

namespace pumpcds::fhir {

const std::vector<PrefetchTemplate>& prefetchTemplates() {
  static const std::vector<PrefetchTemplate> kTemplates = {
      {"patient", "Patient/{{context.patientId}}", "Patient"},
      {"coverage", "Coverage?patient={{context.patientId}}&status=active&_include=Coverage:payor&_count=100",
       "Coverage"},
      {"conditions", "Condition?patient={{context.patientId}}&_count=100", "Condition"},
      {"observations", "Observation?patient={{context.patientId}}&_count=100", "Observation"},
      {"medicationRequests",
       "MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication&_count=100",
       "MedicationRequest"},
      {"medicationStatements",
       "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication&_count=100",
       "MedicationStatement"},
      {"procedures", "Procedure?patient={{context.patientId}}&_count=100", "Procedure"},
      {"allergies", "AllergyIntolerance?patient={{context.patientId}}&_count=100", "AllergyIntolerance"},
      {"devices", "Device?patient={{context.patientId}}&_count=100", "Device"},
      {"deviceRequests", "DeviceRequest?patient={{context.patientId}}&_count=100", "DeviceRequest"},
      {"encounters", "Encounter?patient={{context.patientId}}&_count=100", "Encounter"},
      {"serviceRequests", "ServiceRequest?patient={{context.patientId}}&_count=100", "ServiceRequest"},
      {"documents", "DocumentReference?patient={{context.patientId}}&_count=100", "DocumentReference"},
      {"carePlans", "CarePlan?patient={{context.patientId}}&_count=100", "CarePlan"},
      {"questionnaireResponses", "QuestionnaireResponse?patient={{context.patientId}}&_count=100",
       "QuestionnaireResponse"},
  };
  return kTemplates;
}

std::vector<PrefetchTemplate> advertisedTemplates(PrefetchMode mode,
                                                  const std::set<std::string>& read_types) {
  std::vector<PrefetchTemplate> out;
  for (const auto& prefetch : prefetchTemplates()) {
    const bool routing = prefetch.type == "Patient" || prefetch.type == "Coverage";
    if (routing || (mode == PrefetchMode::Full && read_types.count(prefetch.type) != 0)) {
      out.push_back(prefetch);
    }
  }
  return out;
}

const PrefetchTemplate* templateForType(std::string_view type) {
  for (const auto& prefetch : prefetchTemplates()) {
    if (prefetch.type == type) {
      return &prefetch;
    }
  }
  return nullptr;
}

std::string expandQuery(const std::string& query, const std::string& patient_id) {
  const std::string encoded = base::percentEncoded(patient_id);
  std::string out = query;
  const std::string token = "{{context.patientId}}";
  for (auto at = out.find(token); at != std::string::npos; at = out.find(token, at + encoded.size())) {
    out.replace(at, token.size(), encoded);
  }
  return out;
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

std::string operationOutcomeText(const JsonValue& outcome) {
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

namespace {

PrefetchState readBundle(std::string_view key, const JsonValue& bundle, const std::string& key_type,
                         PatientRecord& record) {
  std::vector<Resource> resources;
  std::set<std::string> entry_types;
  std::vector<std::string> problems;
  const SearchPage page = readSearchPage(bundle, resources, entry_types, problems);
  for (const auto& problem : problems) {
    record.addIssue("the EHR's answer for " + std::string(key) + " carried an error: " + problem);
  }
  const std::string self_type = resourceTypeOfQuery(page.self);
  if (!page.next.empty()) {
    const std::string type = !self_type.empty() ? self_type : key_type;
    if (!type.empty()) {
      record.markUnreadable(type, type + " records came in pages and only the first was sent, so nothing was "
                                         "concluded from them");
    }
    return PrefetchState::Partial;
  }
  for (auto& resource : resources) {
    record.add(std::move(resource));
  }
  // Only a search answers "what is there?"; a collection or transaction Bundle is evidence only.
  const std::string bundle_type = stringAt(&bundle, "type");
  if (!bundle_type.empty() && bundle_type != "searchset") {
    return PrefetchState::Partial;
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
  return PrefetchState::Read;
}

} // namespace

SearchPage readSearchPage(const JsonValue& bundle, std::vector<Resource>& resources,
                          std::set<std::string>& match_types, std::vector<std::string>& problems) {
  SearchPage page;
  for (const JsonValue* link : items(member(bundle, "link"))) {
    const std::string relation = stringAt(link, "relation");
    if (relation == "self") {
      page.self = stringAt(link, "url");
    } else if (relation == "next") {
      page.next = stringAt(link, "url");
    }
  }
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
      problems.push_back(operationOutcomeText(*resource_json));
      continue;
    }
    // Resources pulled in by _include are evidence, but their search was not ours.
    if (stringAt(member(entry, "search"), "mode") != "include") {
      match_types.insert(resource->type);
    }
    resources.push_back(std::move(*resource));
  }
  return page;
}

PrefetchState readPrefetchEntry(std::string_view key, const JsonValue& value, const std::string& key_type,
                                PatientRecord& record) {
  if (value.IsNull()) {
    if (!key_type.empty()) {
      record.markRead(key_type);
    }
    return PrefetchState::Read;
  }
  if (!value.IsObject()) {
    record.addIssue("the EHR's answer for " + std::string(key) + " is not a FHIR resource and was skipped");
    return PrefetchState::Other;
  }
  const std::string type = stringAt(&value, "resourceType");
  if (type == "OperationOutcome") {
    const std::string reason = "the EHR could not send " + std::string(key_type.empty() ? key : key_type) +
                               " records: " + operationOutcomeText(value);
    if (key_type.empty()) {
      record.addIssue(reason);
    } else {
      record.markUnreadable(key_type, reason);
    }
    return PrefetchState::Failed;
  }
  if (type == "Bundle") {
    return readBundle(key, value, key_type, record);
  }
  auto resource = parseResource(value);
  if (!resource) {
    record.addIssue("the EHR's answer for " + std::string(key) + " has no resourceType and was skipped");
    return PrefetchState::Other;
  }
  // A lone resource answers a read, not a search: only the Patient (one per record) is then fully read.
  const bool complete = resource->type == "Patient";
  if (complete) {
    record.markRead(resource->type);
  }
  record.add(std::move(*resource));
  return complete ? PrefetchState::Read : PrefetchState::Partial;
}

} // namespace pumpcds::fhir
