#include "requests/check_request.h"

#include "fhir/prefetch_templates.h"
#include "requests/draft_order_writer.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::requests {

std::string checkRequestJson(const CheckRequest& check) {
  HookRequestParts parts;
  parts.hook_instance = "pumpcds-check";
  parts.fhir_server = check.fhir_server;
  parts.access_token = check.access_token;
  parts.user_id = "Practitioner/pumpcds-check";
  parts.patient_id = check.patient_id;
  parts.prefetch = !check.patient_json.empty();
  if (parts.prefetch) {
    // Every other key is left out, which is "not read": the hook reads those from the server.
    parts.patient_json = check.patient_json;
    for (const auto& prefetch : fhir::prefetchTemplates()) {
      if (prefetch.type != "Patient") {
        parts.unread.insert(prefetch.type);
      }
    }
  }
  const std::string authored = check.authored.toString();
  for (size_t i = 0; i < check.order_codes.size(); ++i) {
    parts.draft_orders.push_back(draftPumpOrderJson(
        {check.order_codes[i], "", "check-" + std::to_string(i + 1), check.patient_id, authored}));
  }
  for (size_t i = 0; i < check.drug_codes.size(); ++i) {
    DraftDrugOrder drug;
    drug.code = check.drug_codes[i];
    drug.id = "check-drug-" + std::to_string(i + 1);
    drug.patient_id = check.patient_id;
    drug.authored = authored;
    parts.draft_orders.push_back(draftDrugOrderJson(drug));
  }
  return writeHookRequest(parts);
}

} // namespace pumpcds::requests
