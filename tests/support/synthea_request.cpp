#include "tests/support/synthea_request.h"

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "hooks/draft_order_writer.h"
#include "hooks/hook_request_writer.h"

namespace pumpcds::testing {
// An order-sign request whose prefetch holds every resource of the bundle, grouped by type as a FHIR
// server's searches would return them, plus a Coverage with `payor`.
std::string syntheaRequest(const std::string& bundle_text, const std::string& payor) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_text.c_str());
  hooks::HookRequestParts parts;
  parts.hook_instance = "synthea";
  for (const auto& entry : bundle["entry"].GetArray()) {
    const rapidjson::Value& resource = entry["resource"];
    const std::string type = resource["resourceType"].GetString();
    if (type == "Patient" && parts.patient_json.empty()) {
      parts.patient_json = fhir::jsonText(resource);
      parts.patient_id = resource["id"].GetString();
    } else {
      parts.resources[type].push_back(fhir::jsonText(resource));
    }
  }
  parts.payor = payor;
  parts.coverage_id = "cov";
  parts.draft_orders.push_back(
      hooks::draftPumpOrderJson({"62326", "ServiceRequest", "trial", "", "2025-11-20"}));
  return hooks::writeHookRequest(parts);
}

} // namespace pumpcds::testing
