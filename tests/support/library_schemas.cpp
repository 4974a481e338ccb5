#include "tests/support/library_schemas.h"

#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

namespace pumpcds::testing {

std::string readSchemaText(const std::string& name) {
  std::ifstream stream(std::string(PUMPCDS_SOURCE_DIR) + "/policies/schema/" + name);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

const rapidjson::SchemaDocument& Schemas::get(const std::string& name) {
  if (auto found = documents_.find(name); found != documents_.end()) {
    return *found->second;
  }
  rapidjson::Document json;
  json.Parse(readSchemaText(name).c_str());
  auto schema = std::make_unique<rapidjson::SchemaDocument>(json, this);
  return *documents_.emplace(name, std::move(schema)).first->second;
}

const rapidjson::SchemaDocument* Schemas::GetRemoteDocument(const char* uri, rapidjson::SizeType length) {
  std::string name(uri, length);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".jso") == 0) {
    name += 'n'; // RapidJSON 1.1.0 passes a remote URI without its last character
  }
  return &get(name);
}

std::string schemaFor(const std::string& path) {
  if (path.rfind("valuesets/", 0) == 0) {
    return "valuesets.schema.json";
  }
  if (path.find("_test.json") != std::string::npos) {
    return path.rfind("rules/", 0) == 0 ? "rule-cases.schema.json" : "cases.schema.json";
  }
  if (path.rfind("rules/", 0) == 0) {
    return "rules.schema.json";
  }
  if (path == "routing.json" || path == "orders.json" || path == "cards.json") {
    return path.substr(0, path.size() - 5) + ".schema.json";
  }
  return "policy.schema.json";
}

std::string validate(Schemas& schemas, const std::string& schema, const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  if (document.HasParseError()) {
    return "not JSON";
  }
  rapidjson::SchemaValidator validator(schemas.get(schema));
  if (document.Accept(validator)) {
    return {};
  }
  rapidjson::StringBuffer pointer;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(pointer);
  return std::string("at ") + pointer.GetString() + ": fails '" + validator.GetInvalidSchemaKeyword() + "'";
}

} // namespace pumpcds::testing
