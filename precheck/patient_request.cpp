#include "precheck/patient_request.h"

#include <rapidjson/document.h>

#include "fhir/prefetch_templates.h"
#include "fhir/resource_parser.h"
#include "requests/draft_order_writer.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::precheck {
namespace {

// Every "reference" value in a resource's JSON, found by scanning the text: cheaper than a second parse,
// and a reference that is not "Type/id" of a shared resource simply finds nothing.
void addReferencedShared(const std::string& json,
                         const std::map<std::string, std::string, std::less<>>& shared,
                         std::set<std::string>& referenced) {
  constexpr std::string_view kKey = "\"reference\"";
  for (size_t at = json.find(kKey); at != std::string::npos; at = json.find(kKey, at + kKey.size())) {
    size_t start = json.find('"', json.find(':', at + kKey.size()));
    if (start == std::string::npos) {
      return;
    }
    const size_t end = json.find('"', start + 1);
    if (end == std::string::npos) {
      return;
    }
    std::string_view reference = std::string_view(json).substr(start + 1, end - start - 1);
    // "https://ehr/fhir/Medication/1" names Medication/1 too.
    if (const size_t slash = reference.rfind('/'); slash != std::string_view::npos) {
      const size_t type_start = reference.rfind('/', slash - 1);
      reference = reference.substr(type_start == std::string_view::npos ? 0 : type_start + 1);
    }
    if (shared.find(reference) != shared.end()) {
      referenced.emplace(reference);
    }
  }
}

// Where a search's _include would have put a shared resource.
std::string includedWith(std::string_view reference) {
  if (reference.rfind("Medication/", 0) == 0) {
    return "MedicationRequest";
  }
  if (reference.rfind("Organization/", 0) == 0) {
    return "Coverage";
  }
  return "";
}

// A draft MedicationRequest given intrathecally: the pump drug ordered with the pump, which the policies
// read (an allergy to it, its dose) as they do at signing.
bool isDraftPumpDrug(const rapidjson::Document& document) {
  if (fhir::stringAt(&document, "status") != "draft") {
    return false;
  }
  for (const auto* dosage : fhir::items(fhir::member(document, "dosageInstruction"))) {
    for (const auto& coding : fhir::codings(fhir::member(*dosage, "route"))) {
      if (coding.code == requests::kIntrathecalRoute) {
        return true;
      }
    }
  }
  return false;
}

bool isOwnPumpOrder(const std::string& type, const std::string& json, const policy::OrderCatalog& catalog) {
  if (type != "ServiceRequest" && type != "DeviceRequest" && type != "MedicationRequest") {
    return false;
  }
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (type == "MedicationRequest") {
    return !document.HasParseError() && isDraftPumpDrug(document);
  }
  const std::string status = fhir::stringAt(&document, "status");
  if (document.HasParseError() || (status != "draft" && status != "active" && status != "on-hold")) {
    return false;
  }
  const auto resource = fhir::parseResource(document);
  return resource && catalog.classify(*resource).has_value();
}

} // namespace

PatientRequest patientHookRequest(const PatientResources& patient,
                                  const std::map<std::string, std::string, std::less<>>& shared,
                                  const std::set<std::string>& unread, const PrecheckOrders& orders,
                                  const policy::OrderCatalog& catalog) {
  requests::HookRequestParts parts;
  parts.hook_instance = "pumpcds-precheck";
  parts.user_id = "Practitioner/pumpcds-precheck";
  parts.patient_id = patient.patient_id;
  parts.unread = unread;
  std::set<std::string> referenced;
  PatientRequest request;
  for (const auto& [type, json] : patient.resources) {
    if (type == "Patient" && parts.patient_json.empty()) {
      parts.patient_json = json;
      const PatientLabel label = patientLabel(json);
      request.name = label.name;
      request.birth_date = label.birth_date;
      continue;
    }
    if (orders.own_orders && isOwnPumpOrder(type, json, catalog)) {
      parts.draft_orders.push_back(json);
      continue;
    }
    if (isSharedType(type)) {
      // A bundle's own Medication or Organization: where a search's _include would have put it.
      if (const std::string with = includedWith(type + "/"); !with.empty()) {
        parts.resources[with].push_back(json);
      }
      continue;
    }
    if (fhir::templateForType(type) == nullptr) {
      continue; // nothing the policies read (Claim, Immunization, ...)
    }
    request.has_coverage = request.has_coverage || type == "Coverage";
    addReferencedShared(json, shared, referenced);
    parts.resources[type].push_back(json);
  }
  for (const auto& reference : referenced) {
    if (const std::string type = includedWith(reference); !type.empty()) {
      parts.resources[type].push_back(shared.find(reference)->second);
    }
  }
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    parts.none.insert(prefetch.type);
  }
  for (size_t i = 0; i < orders.codes.size(); ++i) {
    parts.draft_orders.push_back(requests::draftPumpOrderJson(
        {orders.codes[i], "", "precheck-" + std::to_string(i + 1), patient.patient_id, orders.authored}));
  }
  request.draft_orders = parts.draft_orders.size();
  request.json = requests::writeHookRequest(parts);
  return request;
}

PatientLabel patientLabel(std::string_view patient_json) {
  PatientLabel request;
  rapidjson::Document patient;
  patient.Parse(patient_json.data(), patient_json.size());
  request.birth_date = fhir::stringAt(&patient, "birthDate");
  const auto names = fhir::items(fhir::member(patient, "name"));
  const fhir::JsonValue* chosen = names.empty() ? nullptr : names.front();
  for (const auto* name : names) {
    if (fhir::stringAt(name, "use") == "official") {
      chosen = name;
      break;
    }
  }
  if (chosen == nullptr) {
    return request;
  }
  if (const std::string text = fhir::stringAt(chosen, "text"); !text.empty()) {
    request.name = text;
    return request;
  }
  for (const auto* given : fhir::items(fhir::member(*chosen, "given"))) {
    if (given->IsString()) {
      request.name += std::string(request.name.empty() ? "" : " ") + given->GetString();
    }
  }
  const std::string family = fhir::stringAt(chosen, "family");
  request.name += (request.name.empty() || family.empty() ? "" : " ") + family;
  return request;
}

} // namespace pumpcds::precheck
