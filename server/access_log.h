// The access log: one JSON line per HTTP call, for log pipelines. No patient data and no token; the path
// is escaped, so a decoded %0a or %00 cannot forge or hide a line.
#pragma once

#include <string>

#include "server/request_context.h"

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace pumpcds::server {

/// The line for a call (without its newline); `context` is null when the call was refused before routing.
std::string accessLogLine(const httplib::Request& request, const httplib::Response& response,
                          const RequestContext* context);

} // namespace pumpcds::server
