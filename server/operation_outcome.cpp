#include "server/operation_outcome.h"

#include <httplib.h>

#include "fhir/json_write.h"

namespace pumpcds::server {

int httpStatusFor(StatusCode code) {
  switch (code) {
  case StatusCode::Ok:
    return 200;
  case StatusCode::InvalidArgument:
    return 400;
  case StatusCode::NotFound:
    return 404;
  case StatusCode::FailedPrecondition:
    return 412;
  case StatusCode::Unavailable:
    return 503;
  case StatusCode::DeadlineExceeded:
    return 504;
  case StatusCode::Unauthenticated:
    return 401;
  case StatusCode::Internal:
    return 500;
  }
  return 500;
}

namespace {

// FHIR IssueType codes.
const char* issueTypeFor(StatusCode code) {
  switch (code) {
  case StatusCode::InvalidArgument:
    return "invalid";
  case StatusCode::NotFound:
    return "not-found";
  case StatusCode::FailedPrecondition:
    return "incomplete";
  case StatusCode::Unavailable:
    return "transient";
  case StatusCode::DeadlineExceeded:
    return "timeout";
  case StatusCode::Unauthenticated:
    return "login";
  case StatusCode::Ok:
  case StatusCode::Internal:
    return "exception";
  }
  return "exception";
}

} // namespace

std::string operationOutcomeJson(const Status& status) {
  rapidjson::StringBuffer buffer;
  fhir::JsonWriter out(buffer);
  fhir::writeOperationOutcome(out, {{"error", issueTypeFor(status.code()), status.message()}});
  return std::string(buffer.GetString(), buffer.GetSize());
}

void sendError(httplib::Response& response, const Status& status) {
  response.status = httpStatusFor(status.code());
  response.set_content(operationOutcomeJson(status), "application/json");
}

} // namespace pumpcds::server
