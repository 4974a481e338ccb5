#include "hooks/check_request.h"

#include <cctype>

#include "fhir/coding.h"
#include "hooks/draft_order_writer.h"

namespace pumpcds::hooks {

std::string checkRequestJson(const CheckRequest& check) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  out.Key("hook");
  out.String("order-sign");
  out.Key("hookInstance");
  out.String("pumpcds-check");
  out.Key("fhirServer");
  out.String(check.fhir_server);
  if (!check.access_token.empty()) {
    out.Key("fhirAuthorization");
    out.StartObject();
    out.Key("access_token");
    out.String(check.access_token);
    out.Key("token_type");
    out.String("Bearer");
    out.Key("expires_in");
    out.Int(300);
    out.Key("scope");
    out.String("patient/*.read");
    out.Key("subject");
    out.String("pumpcds-check");
    out.EndObject();
  }
  out.Key("context");
  out.StartObject();
  out.Key("userId");
  out.String("Practitioner/pumpcds-check");
  out.Key("patientId");
  out.String(check.patient_id);
  out.Key("draftOrders");
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("type");
  out.String("collection");
  out.Key("entry");
  out.StartArray();
  for (size_t i = 0; i < check.order_codes.size(); ++i) {
    const std::string& code = check.order_codes[i];
    // HCPCS level II codes start with a letter; the pump devices among them are DeviceRequests.
    const bool hcpcs = !code.empty() && std::isalpha(static_cast<unsigned char>(code.front())) != 0;
    openDraftOrder(out, hcpcs ? "DeviceRequest" : "ServiceRequest", "check-" + std::to_string(i + 1),
                   check.patient_id, check.authored.toString());
    writeCodeableConcept(out, hcpcs ? "codeCodeableConcept" : "code",
                         hcpcs ? fhir::systems::kHcpcs : fhir::systems::kCpt, code);
    closeDraftOrder(out);
  }
  for (size_t i = 0; i < check.drug_codes.size(); ++i) {
    openDraftOrder(out, "MedicationRequest", "check-drug-" + std::to_string(i + 1), check.patient_id,
                   check.authored.toString());
    writeCodeableConcept(out, "medicationCodeableConcept", fhir::systems::kRxNorm, check.drug_codes[i]);
    out.Key("dosageInstruction");
    out.StartArray();
    out.StartObject();
    writeCodeableConcept(out, "route", fhir::systems::kSnomed, kIntrathecalRoute);
    out.EndObject();
    out.EndArray();
    closeDraftOrder(out);
  }
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace pumpcds::hooks
