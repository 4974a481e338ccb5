#include "hooks/check_request.h"

#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/coding.h"

namespace pumpcds::hooks {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// SNOMED CT 72607000 "Intrathecal route", how an EHR codes the route of a pump drug.
constexpr std::string_view kIntrathecalRoute = "72607000";

void writeCoded(Writer& out, const char* key, std::string_view system, std::string_view code) {
  out.Key(key);
  out.StartObject();
  out.Key("coding");
  out.StartArray();
  out.StartObject();
  out.Key("system");
  out.String(system.data(), static_cast<rapidjson::SizeType>(system.size()));
  out.Key("code");
  out.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  out.EndObject();
  out.EndArray();
  out.EndObject();
}

// Opens a draftOrders entry and its resource: a draft order of `type` for the patient, authored on the date.
void writeDraftOrderStart(Writer& out, const char* type, const std::string& id, const CheckRequest& check) {
  out.StartObject();
  out.Key("resource");
  out.StartObject();
  out.Key("resourceType");
  out.String(type);
  out.Key("id");
  out.String(id);
  out.Key("status");
  out.String("draft");
  out.Key("intent");
  out.String("order");
  out.Key("subject");
  out.StartObject();
  out.Key("reference");
  out.String("Patient/" + check.patient_id);
  out.EndObject();
  out.Key("authoredOn");
  out.String(check.authored.toString());
}

} // namespace

std::string checkRequestJson(const CheckRequest& check) {
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
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
    writeDraftOrderStart(out, hcpcs ? "DeviceRequest" : "ServiceRequest", "check-" + std::to_string(i + 1),
                         check);
    writeCoded(out, hcpcs ? "codeCodeableConcept" : "code",
               hcpcs ? fhir::systems::kHcpcs : fhir::systems::kCpt, code);
    out.EndObject();
    out.EndObject();
  }
  for (size_t i = 0; i < check.drug_codes.size(); ++i) {
    writeDraftOrderStart(out, "MedicationRequest", "check-drug-" + std::to_string(i + 1), check);
    writeCoded(out, "medicationCodeableConcept", fhir::systems::kRxNorm, check.drug_codes[i]);
    out.Key("dosageInstruction");
    out.StartArray();
    out.StartObject();
    writeCoded(out, "route", fhir::systems::kSnomed, kIntrathecalRoute);
    out.EndObject();
    out.EndArray();
    out.EndObject();
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace pumpcds::hooks
