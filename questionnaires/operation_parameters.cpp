#include "questionnaires/operation_parameters.h"

#include <string>

#include "fhir/json_read.h"

namespace pumpcds::questionnaires {

Result<rapidjson::Document> readParameters(std::string_view body, std::string_view operation) {
  const std::string prefix = std::string(operation) + ": ";
  if (fhir::nestsDeeperThan(body, 64)) {
    return invalidArgument(prefix + "the body nests deeper than 64 levels");
  }
  rapidjson::Document input;
  input.Parse(body.data(), body.size());
  if (input.HasParseError()) {
    return invalidArgument(prefix + "the body is not JSON: " + fhir::describeParseError(input, body));
  }
  if (!input.IsObject() || fhir::stringAt(&input, "resourceType") != "Parameters") {
    return invalidArgument(prefix + "expected a FHIR Parameters resource");
  }
  return input;
}

void writeOutcomeParameter(fhir::JsonWriter& out, const char* name,
                           const std::vector<fhir::OutcomeIssue>& issues) {
  if (issues.empty()) {
    return;
  }
  out.StartObject();
  out.Key("name");
  out.String(name);
  out.Key("resource");
  fhir::writeOperationOutcome(out, issues);
  out.EndObject();
}

} // namespace pumpcds::questionnaires
