// Writing FHIR JSON with RapidJSON's writer: the small shapes several writers share (a Coding, a
// Reference), so each is spelled once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/coding.h"

namespace pumpcds::fhir {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void writeString(JsonWriter& out, std::string_view text) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

/// {"system", "code", "display"}; display left out when empty (FHIR has no empty strings).
inline void writeCoding(JsonWriter& out, const Coding& coding) {
  out.StartObject();
  out.Key("system");
  writeString(out, coding.system);
  out.Key("code");
  writeString(out, coding.code);
  if (!coding.display.empty()) {
    out.Key("display");
    writeString(out, coding.display);
  }
  out.EndObject();
}

/// "key": {"reference": "Type/id"}.
inline void writeReference(JsonWriter& out, const char* key, std::string_view reference) {
  out.Key(key);
  out.StartObject();
  out.Key("reference");
  writeString(out, reference);
  out.EndObject();
}

/// {"resourceType":"Bundle","type":"collection","entry":[{"resource": ...}...]}, each resource's JSON as
/// given.
inline void writeCollectionBundle(JsonWriter& out, const std::vector<std::string_view>& resources) {
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("type");
  out.String("collection");
  out.Key("entry");
  out.StartArray();
  for (const std::string_view resource : resources) {
    out.StartObject();
    out.Key("resource");
    out.RawValue(resource.data(), resource.size(), rapidjson::kObjectType);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

/// One issue of an OperationOutcome.
struct OutcomeIssue {
  const char* severity; ///< fatal | error | warning | information
  const char* code;     ///< a FHIR IssueType: invalid, not-found, informational ...
  std::string diagnostics;
};

/// {"resourceType":"OperationOutcome","issue":[{"severity","code","diagnostics"}...]}.
inline void writeOperationOutcome(JsonWriter& out, const std::vector<OutcomeIssue>& issues) {
  out.StartObject();
  out.Key("resourceType");
  out.String("OperationOutcome");
  out.Key("issue");
  out.StartArray();
  for (const auto& issue : issues) {
    out.StartObject();
    out.Key("severity");
    out.String(issue.severity);
    out.Key("code");
    out.String(issue.code);
    out.Key("diagnostics");
    writeString(out, issue.diagnostics);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

} // namespace pumpcds::fhir
