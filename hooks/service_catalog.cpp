#include "hooks/service_catalog.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "fhir/prefetch_templates.h"

namespace pumpcds::hooks {

const std::vector<ServiceDefinition>& services() {
  static const std::vector<ServiceDefinition> kServices = {
      {"pumpcds-order-sign", "order-sign", "Intrathecal pain pump: prior-authorization documentation check",
       "When an order for an intrathecal pain pump (trial, permanent placement or removal) is signed, checks "
       "the "
       "patient's record against the payer's medical policy and lists, item by item, what documentation is "
       "missing, what contraindication is on record, and which criteria are met."},
      {"pumpcds-order-select", "order-select", "Intrathecal pain pump: documentation gaps while ordering",
       "The same check as pumpcds-order-sign, offered while the pump order is being composed so the gaps can "
       "be "
       "closed before signing."},
  };
  return kServices;
}

const ServiceDefinition* findService(std::string_view id) {
  for (const auto& service : services()) {
    if (service.id == id) {
      return &service;
    }
  }
  return nullptr;
}

std::string discoveryJson(fhir::PrefetchMode mode, const std::set<std::string>& read_types,
                          const std::vector<cards::ConfigurationOption>& options) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> out(buffer);
  out.SetIndent(' ', 2);
  out.StartObject();
  out.Key("services");
  out.StartArray();
  for (const auto& service : services()) {
    out.StartObject();
    out.Key("hook");
    out.String(service.hook);
    out.Key("id");
    out.String(service.id);
    out.Key("title");
    out.String(service.title);
    out.Key("description");
    out.String(service.description);
    out.Key("prefetch");
    out.StartObject();
    for (const auto& prefetch : fhir::advertisedTemplates(mode, read_types)) {
      out.Key(prefetch.key);
      out.String(prefetch.query);
    }
    out.EndObject();
    out.Key("usageRequirements");
    out.String("Send fhirServer and fhirAuthorization (a token that can read the patient's record): what "
               "prefetch does not hold is read from the FHIR server. A null prefetch key means the EHR has "
               "no such data and is not queried.");
    if (!options.empty()) {
      out.Key("extension");
      out.StartObject();
      out.Key("davinci-crd.configuration-options");
      out.StartArray();
      for (const auto& option : options) {
        out.StartObject();
        out.Key("code");
        out.String(option.code);
        out.Key("type");
        out.String(option.type);
        out.Key("name");
        out.String(option.name);
        out.Key("description");
        out.String(option.description);
        out.Key("default");
        out.RawValue(option.default_json.c_str(), option.default_json.size(),
                     option.type == "boolean" ? rapidjson::kTrueType : rapidjson::kNumberType);
        out.EndObject();
      }
      out.EndArray();
      out.EndObject();
    }
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

} // namespace pumpcds::hooks
