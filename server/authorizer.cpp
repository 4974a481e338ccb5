#include "server/authorizer.h"

#include <cstdio>

#include <httplib.h>

#include "base/text.h"

namespace pumpcds::server {

Authorizer::Authorizer(std::shared_ptr<auth::JwtVerifier> verifier, bool allow_unauthenticated,
                       ServiceMetrics& metrics)
    : verifier_(std::move(verifier)), allow_unauthenticated_(allow_unauthenticated), metrics_(metrics) {}

bool Authorizer::authorize(const httplib::Request& request, httplib::Response& response,
                           RequestContext* context) {
  Status status;
  if (verifier_) {
    auto caller = verifier_->verify(request.get_header_value("Authorization"), request.path);
    status = caller.status();
    if (caller.isOk() && context != nullptr) {
      context->issuer = caller.value().iss;
      context->client = caller.value().sub;
    }
  } else if (!allow_unauthenticated_) {
    status = unauthenticated("no trusted issuer is configured (--issuers), so no hook call can be verified");
  }
  if (status.isOk()) {
    return true;
  }
  metrics_.unauthorized_total.add();
  std::fprintf(stderr, "auth: refused %s %s %s: %s\n", context != nullptr ? context->request_id.c_str() : "",
               request.method.c_str(), base::printable(request.path, 200).c_str(), status.message().c_str());
  response.status = 401;
  response.set_header("WWW-Authenticate", "Bearer");
  return false;
}

} // namespace pumpcds::server
