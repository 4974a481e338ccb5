// Who may call: a hook or feedback call (and discovery, with --protect-discovery) goes on only with a
// CDS Hooks 2.0 JWT that the verifier accepts, or when the server was started --allow-unauthenticated.
#pragma once

#include <memory>

#include "auth/jwt_verifier.h"
#include "server/request_context.h"
#include "server/service_metrics.h"

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace pumpcds::server {

class Authorizer {
public:
  /// Without a verifier every call is refused, unless `allow_unauthenticated`.
  Authorizer(std::shared_ptr<auth::JwtVerifier> verifier, bool allow_unauthenticated,
             ServiceMetrics& metrics);

  /// Whether the call may go on (the verified caller is noted in `context`); if not, the response is a
  /// bare 401, as CDS Hooks asks, and the reason goes to the operator's log.
  bool authorize(const httplib::Request& request, httplib::Response& response, RequestContext* context);

  /// True when calls are served without a token (the health answer warns of it).
  [[nodiscard]] bool open() const { return !verifier_ && allow_unauthenticated_; }

private:
  std::shared_ptr<auth::JwtVerifier> verifier_;
  bool allow_unauthenticated_;
  ServiceMetrics& metrics_;
};

} // namespace pumpcds::server
