#include "tests/support/synthea_request.h"

#include <map>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/prefetch_templates.h"

namespace pumpcds::testing {

// An order-sign request whose prefetch holds every resource of the bundle, grouped by type as a FHIR
// server's searches would return them, plus a Coverage with `payor`.
std::string syntheaRequest(const std::string& bundle_text, const std::string& payor) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_text.c_str());
  std::map<std::string, std::vector<const rapidjson::Value*>> by_type;
  for (const auto& entry : bundle["entry"].GetArray()) {
    by_type[entry["resource"]["resourceType"].GetString()].push_back(&entry["resource"]);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  out.StartObject();
  out.Key("hook");
  out.String("order-sign");
  out.Key("hookInstance");
  out.String("synthea");
  out.Key("context");
  out.StartObject();
  out.Key("patientId");
  out.String((*by_type["Patient"].front())["id"].GetString());
  out.Key("draftOrders");
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("entry");
  out.StartArray();
  const std::string order = R"({"resource":{"resourceType":"ServiceRequest","id":"trial","status":"draft",
    "intent":"order","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"62326"}]},
    "authoredOn":"2025-11-20"}})";
  out.RawValue(order.c_str(), order.size(), rapidjson::kObjectType);
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.Key("prefetch");
  out.StartObject();
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    out.Key(prefetch.key.c_str());
    if (prefetch.type == "Patient") {
      by_type["Patient"].front()->Accept(out);
      continue;
    }
    out.StartObject();
    out.Key("resourceType");
    out.String("Bundle");
    out.Key("type");
    out.String("searchset");
    out.Key("entry");
    out.StartArray();
    if (prefetch.type == "Coverage") {
      const std::string coverage =
          R"({"resource":{"resourceType":"Coverage","id":"cov","status":"active","payor":[{"display":")" +
          payor + R"("}]}})";
      out.RawValue(coverage.c_str(), coverage.size(), rapidjson::kObjectType);
    }
    for (const rapidjson::Value* resource : by_type[prefetch.type]) {
      out.StartObject();
      out.Key("resource");
      resource->Accept(out);
      out.EndObject();
    }
    out.EndArray();
    out.EndObject();
  }
  out.EndObject();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace pumpcds::testing
