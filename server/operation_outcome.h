// The one mapping from Status to HTTP: status code and a FHIR OperationOutcome body naming the problem.
#pragma once

#include <string>

#include "base/result.h"

namespace httplib {
struct Response;
} // namespace httplib

namespace pumpcds::server {

int httpStatusFor(StatusCode code);

/// {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":...,"diagnostics":message}]}
std::string operationOutcomeJson(const Status& status);

/// Answers with the HTTP status for `status` and its OperationOutcome.
void sendError(httplib::Response& response, const Status& status);

} // namespace pumpcds::server
