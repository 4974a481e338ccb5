// What one HTTP call gathers while it is served, for the access log and the audit trail: its id, when it
// started, the verified caller, and for a hook call what was decided. One context per request, opened by
// the pre-routing handler, found by the route's handler and closed by the logger (cpp-httplib hands all
// three the same request object).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace httplib {
struct Request;
} // namespace httplib

namespace pumpcds::server {

struct RequestContext {
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  std::string issuer; ///< the verified caller, for the audit trail
  std::string client;
  // A hook call's answer, for the access log.
  std::string service;
  std::vector<std::string> policies;
  std::vector<std::string> decisions;
  long long fhir_requests = 0;
  long long fhir_micros = 0;
};

class RequestContexts {
public:
  /// Starts the context of `request` (replacing one left by a request whose logger never ran).
  RequestContext& open(const httplib::Request& request, std::string request_id);
  /// The context of `request`; nullptr when none was opened (the HTTP engine refused the request before
  /// routing it).
  RequestContext* find(const httplib::Request& request);
  /// Ends the context of `request` and hands it over; empty when none was opened.
  std::optional<RequestContext> close(const httplib::Request& request);
  [[nodiscard]] size_t openCountForTest() const;

private:
  mutable std::mutex mutex_;
  std::unordered_map<const httplib::Request*, std::unique_ptr<RequestContext>> open_;
};

/// The id of a call: the client's X-Request-Id when usable (letters, digits, '-', '_', '.', at most 64),
/// else one made here.
std::string requestIdFor(const httplib::Request& request);

} // namespace pumpcds::server
