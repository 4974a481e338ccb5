#include "hooks/cds_request.h"

#include <rapidjson/document.h>

#include "base/text.h"
#include "fhir/date.h"
#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"
#include "fhir/resource_parser.h"

namespace pumpcds::hooks {

using fhir::JsonValue;

namespace {

Status requiredString(const JsonValue& object, std::string_view key, std::string_view where,
                      std::string& out) {
  const JsonValue* value = fhir::member(object, key);
  const std::string name = std::string(where) + std::string(key);
  if (value == nullptr || value->IsNull()) {
    return invalidArgument("'" + name + "' is required");
  }
  if (!value->IsString() || value->GetStringLength() == 0) {
    return invalidArgument("'" + name + "' must be a non-empty string");
  }
  if (std::string_view(value->GetString(), value->GetStringLength()).find('\0') != std::string_view::npos) {
    return invalidArgument("'" + name + "' contains a NUL character");
  }
  out = value->GetString();
  return {};
}

std::string templateTypeFor(std::string_view key) {
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    if (prefetch.key == key) {
      return prefetch.type;
    }
  }
  return {};
}

// A FHIR date or dateTime (fhir::parseFhirTemporal: partial dates allowed, a real day and time), year 1 on.
bool validDateTime(const JsonValue* value) {
  const auto span =
      value != nullptr && value->IsString() ? fhir::parseFhirTemporal(value->GetString()) : std::nullopt;
  return span && span->start >= fhir::Date{1, 1, 1}.startSeconds();
}

// One clinician signs a handful of orders at once; thousands in one call is an attack on the service.
constexpr size_t kMostDraftOrders = 100;

// The resources of context.draftOrders: a Bundle per CDS Hooks 2.0 (an array of resources, or a lone
// resource, as older clients send, are tolerated). An order's authoredOn, when sent, must be a real date:
// an impossible one is refused, not replaced by today.
Status readDraftOrders(const JsonValue& draft_orders, CdsRequest& request) {
  std::vector<const JsonValue*> resources;
  if (fhir::stringAt(&draft_orders, "resourceType") == "Bundle") {
    for (const JsonValue* entry : fhir::items(fhir::member(draft_orders, "entry"))) {
      if (const JsonValue* resource = fhir::member(entry, "resource")) {
        resources.push_back(resource);
      }
    }
  } else {
    resources = fhir::items(&draft_orders);
  }
  if (resources.size() > kMostDraftOrders) {
    return invalidArgument("'context.draftOrders' holds " + std::to_string(resources.size()) +
                           " resources; at most " + std::to_string(kMostDraftOrders) +
                           " are checked in one call");
  }
  for (const JsonValue* resource : resources) {
    if (auto parsed = fhir::parseResource(*resource)) {
      if (const JsonValue* authored = fhir::member(*resource, "authoredOn");
          authored != nullptr && !validDateTime(authored)) {
        return invalidArgument("'context.draftOrders' " + base::printable(parsed->reference(), 100) +
                               ": authoredOn " +
                               (authored->IsString() ? "'" + base::printable(authored->GetString(), 40) + "'"
                                                     : std::string("(not a string)")) +
                               " is not a valid date");
      }
      request.draft_order_json[parsed->reference()] = fhir::jsonText(*resource);
      request.draft_orders.push_back(std::move(*parsed));
    }
  }
  return {};
}

// Da Vinci CRD: extension["davinci-crd.configuration"] is an object of option code -> boolean or integer.
Status readConfiguration(const JsonValue& document, CdsRequest& request) {
  const JsonValue* configuration =
      fhir::member(fhir::member(document, "extension"), "davinci-crd.configuration");
  if (configuration == nullptr || configuration->IsNull()) {
    return {};
  }
  if (!configuration->IsObject()) {
    return invalidArgument(
        "'extension.davinci-crd.configuration' must be an object of option codes and values");
  }
  for (const auto& option : configuration->GetObject()) {
    cards::ConfigurationValue value;
    if (option.value.IsBool()) {
      value.type = cards::ConfigurationValue::Type::Boolean;
      value.boolean = option.value.GetBool();
    } else if (option.value.IsInt64()) {
      value.type = cards::ConfigurationValue::Type::Integer;
      value.integer = option.value.GetInt64();
    }
    request.configuration.emplace_back(std::string(option.name.GetString(), option.name.GetStringLength()),
                                       value);
  }
  return {};
}

} // namespace

Result<CdsRequest> parseCdsRequest(std::string_view body) {
  // FHIR resources nest a few dozen levels at most; far deeper is an attack or a broken client.
  constexpr int kMaxNesting = 256;
  if (fhir::nestsDeeperThan(body, kMaxNesting)) {
    return invalidArgument("request body nests objects or arrays deeper than " + std::to_string(kMaxNesting) +
                           " levels");
  }
  rapidjson::Document document;
  // Invalid UTF-8 anywhere is refused here, so nothing of it is echoed into a response or a log.
  document.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    return invalidArgument("request body is not valid JSON: " + fhir::describeParseError(document, body));
  }
  if (!document.IsObject()) {
    return invalidArgument("request body must be a JSON object");
  }
  CdsRequest request;
  for (const auto& [key, out] :
       {std::pair<const char*, std::string*>{"hook", &request.hook},
        std::pair<const char*, std::string*>{"hookInstance", &request.hook_instance}}) {
    if (Status status = requiredString(document, key, "", *out); !status.isOk()) {
      return status;
    }
  }
  request.fhir_server = fhir::stringAt(&document, "fhirServer");
  const JsonValue* authorization = fhir::member(document, "fhirAuthorization");
  request.has_fhir_authorization = authorization != nullptr && authorization->IsObject();
  if (request.has_fhir_authorization) {
    request.access_token = fhir::stringAt(authorization, "access_token");
  }
  const JsonValue* context = fhir::member(document, "context");
  if (context == nullptr || context->IsNull()) {
    return invalidArgument("'context' is required");
  }
  if (!context->IsObject()) {
    return invalidArgument("'context' must be an object");
  }
  if (Status status = requiredString(*context, "patientId", "context.", request.patient_id); !status.isOk()) {
    return status;
  }
  request.user_id = fhir::stringAt(context, "userId");
  request.encounter_id = fhir::stringAt(context, "encounterId");
  const JsonValue* draft_orders = fhir::member(*context, "draftOrders");
  if (draft_orders == nullptr || draft_orders->IsNull()) {
    return invalidArgument("'context.draftOrders' is required for " + request.hook);
  }
  if (!draft_orders->IsObject() && !draft_orders->IsArray()) {
    return invalidArgument("'context.draftOrders' must be a FHIR Bundle");
  }
  PUMPCDS_RETURN_IF_ERROR(readDraftOrders(*draft_orders, request));
  for (const JsonValue* selection : fhir::items(fhir::member(*context, "selections"))) {
    if (selection->IsString()) {
      request.selections.emplace_back(selection->GetString());
    }
  }
  PUMPCDS_RETURN_IF_ERROR(readConfiguration(document, request));
  request.record.setPatient(request.patient_id);
  const JsonValue* prefetch = fhir::member(document, "prefetch");
  if (prefetch != nullptr && !prefetch->IsNull()) {
    if (!prefetch->IsObject()) {
      return invalidArgument("'prefetch' must be an object of prefetch keys");
    }
    for (const auto& entry : prefetch->GetObject()) {
      const std::string key(entry.name.GetString(), entry.name.GetStringLength());
      request.has_prefetch = true;
      const std::string type = templateTypeFor(key);
      if (fhir::readPrefetchEntry(key, entry.value, type, request.record) == fhir::PrefetchState::Failed &&
          !type.empty()) {
        request.prefetch_failed.insert(type);
      }
    }
  }
  return request;
}

} // namespace pumpcds::hooks
