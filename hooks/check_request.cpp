#include "hooks/check_request.h"

#include <cctype>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/coding.h"

namespace pumpcds::hooks {

std::string checkRequestJson(const CheckRequest& check) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
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
    out.StartObject();
    out.Key("resource");
    out.StartObject();
    out.Key("resourceType");
    out.String(hcpcs ? "DeviceRequest" : "ServiceRequest");
    out.Key("id");
    out.String("check-" + std::to_string(i + 1));
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
    out.Key(hcpcs ? "codeCodeableConcept" : "code");
    out.StartObject();
    out.Key("coding");
    out.StartArray();
    out.StartObject();
    out.Key("system");
    out.String(hcpcs ? std::string(fhir::systems::kHcpcs) : std::string(fhir::systems::kCpt));
    out.Key("code");
    out.String(code);
    out.EndObject();
    out.EndArray();
    out.EndObject();
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
