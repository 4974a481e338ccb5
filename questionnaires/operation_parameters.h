// The Parameters resources of the FHIR operations the questionnaires layer answers ($questionnaire-package,
// $populate): reading the input, and writing the OperationOutcome an output carries.
#pragma once

#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "base/result.h"
#include "fhir/json_write.h"

namespace pumpcds::questionnaires {

/// The input `body` of `operation` ("$populate") as a Parameters resource. InvalidArgument, prefixed with
/// the operation, when it nests too deep, is not JSON (with line and column) or is another resource.
Result<rapidjson::Document> readParameters(std::string_view body, std::string_view operation);

/// {"name": `name`, "resource": OperationOutcome}, when there are issues; nothing otherwise.
void writeOutcomeParameter(fhir::JsonWriter& out, const char* name,
                           const std::vector<fhir::OutcomeIssue>& issues);

} // namespace pumpcds::questionnaires
