#include "requests/hook_request_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/json_write.h"
#include "fhir/prefetch_templates.h"

namespace pumpcds::requests {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void raw(Writer& out, const std::string& json) {
  out.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
}

void writePatient(Writer& out, const HookRequestParts& parts) {
  if (!parts.patient_json.empty()) {
    raw(out, parts.patient_json);
    return;
  }
  out.StartObject();
  out.Key("resourceType");
  out.String("Patient");
  out.Key("id");
  out.String(parts.patient_id);
  if (!parts.birth_date.empty()) {
    out.Key("birthDate");
    out.String(parts.birth_date);
  }
  if (!parts.state.empty()) {
    out.Key("address");
    out.StartArray();
    out.StartObject();
    out.Key("state");
    out.String(parts.state);
    out.EndObject();
    out.EndArray();
  }
  out.EndObject();
}

void writeAttestations(Writer& out, const HookRequestParts& parts) {
  out.StartObject();
  out.Key("resourceType");
  out.String("QuestionnaireResponse");
  out.Key("id");
  out.String("attestations");
  out.Key("status");
  out.String("completed");
  out.Key("subject");
  out.StartObject();
  out.Key("reference");
  out.String("Patient/" + parts.patient_id);
  out.EndObject();
  if (!parts.attestation_questionnaire.empty()) {
    out.Key("questionnaire");
    out.String(parts.attestation_questionnaire);
  }
  if (!parts.attestation_authored.empty()) {
    out.Key("authored");
    out.String(parts.attestation_authored);
  }
  out.Key("item");
  out.StartArray();
  for (const auto& [link_id, answer] : parts.attestations) {
    out.StartObject();
    out.Key("linkId");
    out.String(link_id);
    out.Key("answer");
    out.StartArray();
    out.StartObject();
    out.Key("valueBoolean");
    out.Bool(answer);
    out.EndObject();
    out.EndArray();
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

void writeCoverage(Writer& out, const HookRequestParts& parts) {
  out.StartObject();
  out.Key("resourceType");
  out.String("Coverage");
  out.Key("id");
  out.String(parts.coverage_id);
  out.Key("status");
  out.String("active");
  out.Key("beneficiary");
  out.StartObject();
  out.Key("reference");
  out.String("Patient/" + parts.patient_id);
  out.EndObject();
  out.Key("payor");
  out.StartArray();
  out.StartObject();
  out.Key("display");
  out.String(parts.payor);
  out.EndObject();
  out.EndArray();
  if (!parts.coverage_type.empty()) {
    out.Key("type");
    out.StartObject();
    out.Key("text");
    out.String(parts.coverage_type);
    out.EndObject();
  }
  out.EndObject();
}

void writeSearchset(Writer& out, const HookRequestParts& parts, const std::string& type) {
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("type");
  out.String("searchset");
  out.Key("link");
  out.StartArray();
  out.StartObject();
  out.Key("relation");
  out.String("self");
  out.Key("url");
  out.String(parts.self_link_base + type + "?patient=" + parts.patient_id);
  out.EndObject();
  out.EndArray();
  out.Key("entry");
  out.StartArray();
  if (const auto found = parts.resources.find(type); found != parts.resources.end()) {
    for (const auto& resource : found->second) {
      out.StartObject();
      out.Key("resource");
      raw(out, resource);
      out.EndObject();
    }
  }
  if (type == "QuestionnaireResponse" && !parts.attestations.empty()) {
    out.StartObject();
    out.Key("resource");
    writeAttestations(out, parts);
    out.EndObject();
  }
  if (type == "Coverage" && !parts.payor.empty()) {
    out.StartObject();
    out.Key("resource");
    writeCoverage(out, parts);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

} // namespace

std::string writeHookRequest(const HookRequestParts& parts) {
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("hook");
  out.String(parts.hook);
  out.Key("hookInstance");
  out.String(parts.hook_instance);
  if (!parts.fhir_server.empty()) {
    out.Key("fhirServer");
    out.String(parts.fhir_server);
  }
  if (!parts.access_token.empty()) {
    out.Key("fhirAuthorization");
    out.StartObject();
    out.Key("access_token");
    out.String(parts.access_token);
    out.Key("token_type");
    out.String("Bearer");
    out.Key("expires_in");
    out.Int(300);
    out.Key("scope");
    out.String("patient/*.read");
    out.Key("subject");
    out.String(parts.hook_instance);
    out.EndObject();
  }
  out.Key("context");
  out.StartObject();
  if (!parts.user_id.empty()) {
    out.Key("userId");
    out.String(parts.user_id);
  }
  out.Key("patientId");
  out.String(parts.patient_id);
  out.Key("draftOrders");
  fhir::writeCollectionBundle(out, {parts.draft_orders.begin(), parts.draft_orders.end()});
  out.EndObject();
  if (!parts.prefetch) {
    out.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
  }
  out.Key("prefetch");
  out.StartObject();
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    const std::string& type = prefetch.type;
    if (parts.unread.count(type) != 0) {
      continue;
    }
    out.Key(prefetch.key.c_str());
    if (type == "Patient") {
      writePatient(out, parts);
      continue;
    }
    const bool has_resources = parts.resources.count(type) != 0 ||
                               (type == "QuestionnaireResponse" && !parts.attestations.empty()) ||
                               (type == "Coverage" && !parts.payor.empty());
    if (parts.none.count(type) != 0 && !has_resources) {
      out.Null();
      continue;
    }
    writeSearchset(out, parts, type);
  }
  out.EndObject();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace pumpcds::requests
