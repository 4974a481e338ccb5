#include <chrono>

#include <httplib.h>

#include "base/text.h"
#include "hooks/hook_audit.h"
#include "server/operation_outcome.h"
#include "server/routes/routes.h"

namespace pumpcds::server {

namespace {

// What the access log says of an answered hook call.
void noteAnswer(RequestContext& context, const std::string& service, const hooks::HookOutcome& outcome) {
  context.service = service;
  for (const auto& order : outcome.determination.orders) {
    const policy::Policy* policy = order.policy != nullptr ? order.policy : order.prior_auth_policy;
    context.policies.push_back(policy != nullptr ? policy->id : "");
    context.decisions.emplace_back(policy::toString(order.decision));
  }
  context.fhir_requests = outcome.fetch.requests;
  context.fhir_micros = outcome.fetch_time.count();
}

} // namespace

void installHookRoute(httplib::Server& server, RouteContext& routes) {
  server.Post(R"(/cds-services/([^/]+))", [&routes](const httplib::Request& request,
                                                    httplib::Response& response) {
    RequestContext* context = routes.calls.find(request);
    if (!routes.authorizer.authorize(request, response, context)) {
      return;
    }
    const auto started = std::chrono::steady_clock::now();
    routes.metrics.hook_calls_total.add();
    const std::string service_id = request.matches[1].str();
    auto outcome = routes.service.handle(service_id, request.body);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const hooks::HookOutcome* answered = outcome.isOk() ? &outcome.value() : nullptr;
    if (answered != nullptr) {
      response.status = 200;
      response.set_content(answered->response_json, kJson);
      if (context != nullptr) {
        noteAnswer(*context, service_id, *answered);
      }
    } else {
      sendError(response, outcome.status());
    }
    const std::string service = base::printable(service_id, 64);
    routes.metrics.observeHook(service, response.status, seconds, answered);
    if (routes.audit != nullptr) {
      hooks::AuditedCall call{context != nullptr ? context->request_id : "",
                              service_id,
                              context != nullptr ? context->issuer : "",
                              context != nullptr ? context->client : "",
                              response.status,
                              seconds * 1000.0};
      // Never blocks the call: a full queue is counted in the metrics instead.
      (void)routes.audit->submit(hooks::auditRecordOf(call, answered, *routes.service.library()));
    }
  });
}

} // namespace pumpcds::server
