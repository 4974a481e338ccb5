#include "tests/support/synthea_request.h"

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "requests/draft_order_writer.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::testing {

namespace {

void addEntries(const std::string& bundle_text, const std::string& state, requests::HookRequestParts& parts) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_text.c_str());
  for (auto& entry : bundle["entry"].GetArray()) {
    rapidjson::Value& resource = entry["resource"];
    const std::string type = resource["resourceType"].GetString();
    if (type == "Patient" && parts.patient_json.empty()) {
      moveToState(resource, state, bundle.GetAllocator());
      parts.patient_json = fhir::jsonText(resource);
      parts.patient_id = resource["id"].GetString();
    } else {
      parts.resources[type].push_back(fhir::jsonText(resource));
    }
  }
}

} // namespace

void moveToState(rapidjson::Value& patient, const std::string& state,
                 rapidjson::Document::AllocatorType& allocator) {
  if (state.empty()) {
    return;
  }
  rapidjson::Value address(rapidjson::kObjectType);
  address.AddMember("state", rapidjson::Value(state.c_str(), allocator), allocator);
  rapidjson::Value addresses(rapidjson::kArrayType);
  addresses.PushBack(address, allocator);
  patient.RemoveMember("address");
  patient.AddMember("address", addresses, allocator);
}

// An order-sign request whose prefetch holds every resource of the bundle, grouped by type as a FHIR
// server's searches would return them, plus a Coverage with `payor`.
std::string syntheaRequest(const std::string& bundle_text, const std::string& payor,
                           const SyntheaOptions& options) {
  requests::HookRequestParts parts;
  parts.hook_instance = "synthea";
  addEntries(bundle_text, options.state, parts);
  if (!options.extra_bundle.empty()) {
    addEntries(options.extra_bundle, "", parts);
  }
  parts.payor = payor;
  parts.coverage_id = "cov";
  parts.draft_orders.push_back(
      requests::draftPumpOrderJson({"62326", "ServiceRequest", "trial", "", options.order_date}));
  return requests::writeHookRequest(parts);
}

} // namespace pumpcds::testing
