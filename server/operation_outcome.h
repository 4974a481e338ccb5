// The one mapping from Status to HTTP: status code and a FHIR OperationOutcome body naming the problem.
#pragma once

#include <string>

#include "fhir/result.h"

namespace pumpcds::server {

int httpStatusFor(StatusCode code);

/// {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":...,"diagnostics":message}]}
std::string operationOutcomeJson(const Status& status);

} // namespace pumpcds::server
