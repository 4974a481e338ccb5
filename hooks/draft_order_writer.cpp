#include "hooks/draft_order_writer.h"

namespace pumpcds::hooks {
namespace {

void writeString(JsonWriter& out, std::string_view text) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

} // namespace

void openDraftOrder(JsonWriter& out, std::string_view type, const std::string& id,
                    const std::string& patient_id, const std::string& authored) {
  out.StartObject();
  out.Key("resource");
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
  out.Key("authoredOn");
  out.String(authored);
}

void closeDraftOrder(JsonWriter& out) {
  out.EndObject();
  out.EndObject();
}

void writeCodeableConcept(JsonWriter& out, std::string_view key, std::string_view system,
                          std::string_view code, std::string_view text) {
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

} // namespace pumpcds::hooks
