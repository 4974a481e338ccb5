#include "tests/support/bulk_population.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"
#include "policy_cases/policy_test_runner.h"
#include "requests/draft_order_writer.h"
#include "requests/hook_request_writer.h"
#include "tests/support/synthea_request.h"

namespace pumpcds::testing {
namespace {

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool isShared(const std::string& type) {
  return type == "Organization" || type == "Medication";
}

// A case's resources often name no patient (the case is one record); in an export each must.
std::string withPatientReference(const std::string& json, const std::string& patient_id) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  const std::string type = fhir::stringAt(&document, "resourceType");
  if (type == "Patient" || isShared(type) || document.HasMember("subject") || document.HasMember("patient") ||
      document.HasMember("beneficiary")) {
    return json;
  }
  const char* field = type == "Coverage"                                 ? "beneficiary"
                      : type == "AllergyIntolerance" || type == "Device" ? "patient"
                                                                         : "subject";
  rapidjson::Value reference(rapidjson::kObjectType);
  reference.AddMember("reference",
                      rapidjson::Value(("Patient/" + patient_id).c_str(), document.GetAllocator()),
                      document.GetAllocator());
  document.AddMember(rapidjson::StringRef(field), reference, document.GetAllocator());
  return fhir::jsonText(document);
}

} // namespace

std::string resourceTypeOf(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  return fhir::stringAt(&document, "resourceType");
}

PopulationPatient syntheaPatient(const std::string& bundle_text, const std::string& extra_bundle,
                                 const std::string& new_id, const std::string& payor,
                                 const std::string& state) {
  PopulationPatient patient;
  patient.id = new_id;
  std::string old_id;
  std::map<std::string, std::string> urn_types; // urn:uuid:X -> Type
  std::vector<std::string> texts;
  for (const std::string* text : {&bundle_text, &extra_bundle}) {
    if (text->empty()) {
      continue;
    }
    rapidjson::Document bundle;
    bundle.Parse(text->c_str());
    for (auto& entry : bundle["entry"].GetArray()) {
      rapidjson::Value& resource = entry["resource"];
      const std::string type = resource["resourceType"].GetString();
      const std::string id = resource["id"].GetString();
      urn_types["urn:uuid:" + id] = type;
      if (type == "Patient" && old_id.empty()) {
        old_id = id;
        moveToState(resource, state, bundle.GetAllocator());
        texts.insert(texts.begin(), fhir::jsonText(resource));
      } else {
        texts.push_back(fhir::jsonText(resource));
      }
    }
  }
  for (auto& text : texts) {
    for (const auto& [urn, type] : urn_types) {
      if (text.find(urn) != std::string::npos) {
        replaceAll(text, "\"" + urn + "\"", "\"" + type + "/" + urn.substr(9) + "\"");
      }
    }
    replaceAll(text, old_id, new_id);
    patient.resources.push_back(std::move(text));
  }
  if (!payor.empty()) {
    patient.resources.push_back(R"({"resourceType":"Coverage","id":"cov-)" + new_id +
                                R"(","status":"active","beneficiary":{"reference":"Patient/)" + new_id +
                                R"("},"payor":[{"display":")" + payor + R"("}]})");
  }
  return patient;
}

std::vector<PopulationPatient> policyCasePatients(const policy::PolicyLibrary& library,
                                                  std::vector<std::string>& requests) {
  std::vector<PopulationPatient> patients;
  const auto cases =
      policy_cases::policyCaseRequests(library, policy_cases::policyTestFiles(policy::bundledLibraryFiles()));
  for (const auto& one : cases) {
    rapidjson::Document request;
    request.Parse(one.request_json.c_str());
    fhir::JsonValue* prefetch = request.HasMember("prefetch") ? &request["prefetch"] : nullptr;
    bool complete = prefetch != nullptr;
    // A type the case leaves out (not read) is sent as a search that found nothing, as an export that
    // holds none of it says.
    for (const auto& key : fhir::prefetchTemplates()) {
      if (complete && fhir::member(prefetch, key.key) == nullptr) {
        prefetch->AddMember(rapidjson::Value(key.key.c_str(), request.GetAllocator()), rapidjson::Value(),
                            request.GetAllocator());
      }
    }
    // An export holds resources, not a failed or paged read: such cases test what bulk data cannot say.
    complete = complete && !request.HasMember("fhirServer") &&
               one.request_json.find("OperationOutcome") == std::string::npos &&
               one.request_json.find("\"next\"") == std::string::npos;
    const auto orders =
        fhir::items(fhir::member(fhir::member(fhir::member(request, "context"), "draftOrders"), "entry"));
    for (const auto* entry : orders) {
      const std::string type = fhir::stringAt(fhir::member(*entry, "resource"), "resourceType");
      complete =
          complete && (type == "ServiceRequest" || type == "DeviceRequest" || type == "MedicationRequest");
      // A drug order by another route is not the pump drug `--own-orders` reads from a record.
      const std::string text = fhir::jsonText(*fhir::member(*entry, "resource"));
      complete = complete &&
                 (type != "MedicationRequest" || text.find(requests::kIntrathecalRoute) != std::string::npos);
    }
    if (!complete || orders.empty()) {
      continue;
    }
    const std::string id = "case-" + std::to_string(patients.size() + 1);
    PopulationPatient patient;
    patient.id = id;
    std::vector<std::string> texts;
    for (const auto& member : prefetch->GetObject()) {
      if (member.value.IsObject() && fhir::stringAt(&member.value, "resourceType") != "Bundle") {
        texts.insert(texts.begin(), fhir::jsonText(member.value)); // the Patient
      }
      for (const auto* entry : fhir::items(fhir::member(member.value, "entry"))) {
        texts.push_back(fhir::jsonText(*fhir::member(*entry, "resource")));
      }
    }
    for (const auto* entry : orders) {
      texts.push_back(fhir::jsonText(*fhir::member(*entry, "resource")));
    }
    std::string request_text = fhir::jsonText(request);
    // The case's patient is "p1" everywhere: in ids, references and context.
    for (auto* text : {&request_text}) {
      replaceAll(*text, "\"Patient/p1\"", "\"Patient/" + id + "\"");
      replaceAll(*text, "\"p1\"", "\"" + id + "\"");
    }
    for (auto& text : texts) {
      replaceAll(text, "\"Patient/p1\"", "\"Patient/" + id + "\"");
      replaceAll(text, "\"p1\"", "\"" + id + "\"");
      patient.resources.push_back(withPatientReference(text, id));
    }
    // A case's record holds only resources of the patient or shared ones (an Organization, a Medication).
    patients.push_back(std::move(patient));
    requests.push_back(std::move(request_text));
  }
  return patients;
}

std::string patientRequest(const PopulationPatient& patient, const std::string& code,
                           const std::string& authored) {
  requests::HookRequestParts parts;
  parts.hook_instance = "population";
  parts.patient_id = patient.id;
  // In the order pumpcds precheck gives a record (the Patient, then by type and id): the order of
  // evidence follows the record's.
  std::vector<std::tuple<std::string, std::string, std::string>> sorted;
  for (const auto& json : patient.resources) {
    rapidjson::Document document;
    document.Parse(json.c_str());
    const std::string type = fhir::stringAt(&document, "resourceType");
    sorted.emplace_back(type == "Patient" ? "" : type, fhir::stringAt(&document, "id"), json);
  }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [sort_type, id, json] : sorted) {
    const std::string type = sort_type.empty() ? "Patient" : sort_type;
    if (type == "Patient" && parts.patient_json.empty()) {
      parts.patient_json = json;
    } else if (type == "Medication") {
      parts.resources["MedicationRequest"].push_back(json);
    } else if (type == "Organization") {
      parts.resources["Coverage"].push_back(json);
    } else if (fhir::templateForType(type) != nullptr) {
      parts.resources[type].push_back(json);
    }
  }
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    parts.none.insert(prefetch.type);
  }
  parts.draft_orders.push_back(requests::draftPumpOrderJson({code, "", "precheck-1", patient.id, authored}));
  return requests::writeHookRequest(parts);
}

void writeBulkExport(const std::filesystem::path& dir, const std::vector<PopulationPatient>& patients,
                     uint32_t seed) {
  std::filesystem::create_directories(dir);
  std::vector<size_t> order(patients.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::mt19937 random(seed);
  std::shuffle(order.begin(), order.end(), random);
  std::map<std::string, std::vector<std::string>> lines; // file -> lines
  std::set<std::string> shared_written;
  for (const size_t index : order) {
    for (const auto& json : patients[index].resources) {
      const std::string type = resourceTypeOf(json);
      if (isShared(type)) {
        rapidjson::Document document;
        document.Parse(json.c_str());
        if (!shared_written.insert(type + "/" + fhir::stringAt(&document, "id")).second) {
          continue;
        }
      }
      const std::string file =
          type == "Observation" ? "Observation-" + std::to_string(1 + random() % 2) : type;
      lines[file].push_back(json);
    }
  }
  for (auto& [file, texts] : lines) {
    std::shuffle(texts.begin(), texts.end(), random); // no file is grouped by patient
    std::ofstream out(dir / (file + ".ndjson"), std::ios::binary);
    for (const auto& text : texts) {
      out << text << "\n";
    }
  }
}

void writeBundles(const std::filesystem::path& dir, const std::vector<PopulationPatient>& patients) {
  std::filesystem::create_directories(dir);
  for (const auto& patient : patients) {
    std::ofstream out(dir / (patient.id + ".json"), std::ios::binary);
    out << R"({"resourceType":"Bundle","type":"collection","entry":[)";
    for (size_t i = 0; i < patient.resources.size(); ++i) {
      out << (i == 0 ? "" : ",") << R"({"resource":)" << patient.resources[i] << "}";
    }
    out << "]}\n";
  }
}

} // namespace pumpcds::testing
