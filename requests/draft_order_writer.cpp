#include "requests/draft_order_writer.h"

#include <cctype>

#include "fhir/coding.h"
#include "fhir/json_write.h"

namespace pumpcds::requests {
namespace {

using fhir::JsonWriter;
using fhir::writeString;

void openDraft(JsonWriter& out, std::string_view type, const std::string& id, const std::string& patient_id,
               const std::string& authored) {
  out.StartObject();
  out.Key("resourceType");
  writeString(out, type);
  out.Key("id");
  out.String(id);
  out.Key("status");
  out.String("draft");
  out.Key("intent");
  out.String("order");
  if (!patient_id.empty()) {
    out.Key("subject");
    out.StartObject();
    out.Key("reference");
    out.String("Patient/" + patient_id);
    out.EndObject();
  }
  if (!authored.empty()) {
    out.Key("authoredOn");
    out.String(authored);
  }
}

// "key": {"coding": [{"system", "code"}]} (no coding when code is empty), with "text" when given.
void writeCodeableConcept(JsonWriter& out, std::string_view key, std::string_view system,
                          std::string_view code, std::string_view text = {}) {
  out.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  out.StartObject();
  if (!code.empty()) {
    out.Key("coding");
    out.StartArray();
    out.StartObject();
    out.Key("system");
    writeString(out, system);
    out.Key("code");
    writeString(out, code);
    out.EndObject();
    out.EndArray();
  }
  if (!text.empty()) {
    out.Key("text");
    writeString(out, text);
  }
  out.EndObject();
}

void writeRaw(JsonWriter& out, const char* key, const std::string& json) {
  out.Key(key);
  out.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
}

} // namespace

std::string draftPumpOrderJson(const DraftPumpOrder& order) {
  const bool hcpcs = !order.code.empty() && std::isalpha(static_cast<unsigned char>(order.code.front())) != 0;
  const std::string type = !order.type.empty() ? order.type : hcpcs ? "DeviceRequest" : "ServiceRequest";
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  openDraft(out, type, order.id, order.patient_id, order.authored);
  writeCodeableConcept(out, type == "DeviceRequest" ? "codeCodeableConcept" : "code",
                       hcpcs ? fhir::systems::kHcpcs : fhir::systems::kCpt, order.code);
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string draftDrugOrderJson(const DraftDrugOrder& drug) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  openDraft(out, "MedicationRequest", drug.id, drug.patient_id, drug.authored);
  writeCodeableConcept(out, "medicationCodeableConcept", fhir::systems::kRxNorm, drug.code, drug.text);
  out.Key("dosageInstruction");
  out.StartArray();
  out.StartObject();
  writeCodeableConcept(out, "route", fhir::systems::kSnomed,
                       drug.route.empty() ? kIntrathecalRoute : drug.route);
  if (!drug.dose_json.empty()) {
    out.Key("doseAndRate");
    out.StartArray();
    out.StartObject();
    writeRaw(out, "doseQuantity", drug.dose_json);
    out.EndObject();
    out.EndArray();
  }
  out.EndObject();
  out.EndArray();
  if (!drug.dispense_json.empty()) {
    out.Key("dispenseRequest");
    out.StartObject();
    writeRaw(out, "quantity", drug.dispense_json);
    out.EndObject();
  }
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace pumpcds::requests
