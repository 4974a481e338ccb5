// The library's JSON Schemas (policies/schema) for tests: load them, pick the one for a library file,
// and validate a file's text against it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <rapidjson/schema.h>

namespace pumpcds::testing {

std::string readSchemaText(const std::string& name);

/// Loads each schema once; resolves "policy.schema.json#/..." references between them.
class Schemas : public rapidjson::IRemoteSchemaDocumentProvider {
public:
  const rapidjson::SchemaDocument& get(const std::string& name);
  const rapidjson::SchemaDocument* GetRemoteDocument(const char* uri, rapidjson::SizeType length) override;

private:
  std::map<std::string, std::unique_ptr<rapidjson::SchemaDocument>> documents_;
};

/// Which schema describes a library file (path relative to the library).
std::string schemaFor(const std::string& path);

/// "" when `text` is valid against `schema`, else where and why not.
std::string validate(Schemas& schemas, const std::string& schema, const std::string& text);

} // namespace pumpcds::testing
