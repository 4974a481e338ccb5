// The routes of pumpcds, one small handler each (one file each, beside this one): a handler reads the
// call, hands it to the object that does the work (the hook service, the store, the reloader) and writes
// the answer; metrics, the audit trail and the access log observe the outcome.
#pragma once

#include "hooks/hook_service.h"
#include "server/authorizer.h"
#include "server/library_reloader.h"
#include "server/request_context.h"
#include "server/server_settings.h"
#include "server/service_metrics.h"
#include "store/audit_queue.h"
#include "store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace pumpcds::server {

/// What the handlers share; owned by the HttpServer, which outlives every call.
struct RouteContext {
  const ServerSettings& config;
  hooks::HookService& service;
  Authorizer& authorizer;
  RequestContexts& calls;
  ServiceMetrics& metrics;
  LibraryReloader& reloader;
  store::Store* store;      ///< feedback is stored here (none: only checked and counted)
  store::AuditQueue* audit; ///< every hook call's record is queued here (none: not audited)
};

constexpr const char* kJson = "application/json";

/// GET /cds-services: the services, with the prefetch the library reads.
void installDiscoveryRoute(httplib::Server& server, RouteContext& routes);
/// POST /cds-services/{id}: a hook call.
void installHookRoute(httplib::Server& server, RouteContext& routes);
/// POST /cds-services/{id}/feedback: what the clinician did with the cards.
void installFeedbackRoute(httplib::Server& server, RouteContext& routes);
/// GET /fhir/Questionnaire/{id} and GET /fhir/Questionnaire?url=: the questionnaires generated from the
/// library (Da Vinci DTR).
void installQuestionnaireRoutes(httplib::Server& server, RouteContext& routes);
/// GET /app/...: the DTR app's files, from ServerSettings::app_dir.
void installAppRoutes(httplib::Server& server, RouteContext& routes);
/// GET /healthz, and GET /metrics unless metrics are off.
void installOperatorRoutes(httplib::Server& server, RouteContext& routes, bool with_metrics);
/// POST /admin/reload (the admin port only).
void installReloadRoute(httplib::Server& server, RouteContext& routes);
/// Known paths with methods they do not take: 405 with what is allowed, not a 404.
void installMethodNotAllowed(httplib::Server& server);
/// The 405 itself, with Allow for the path (POST for hooks and operations, else GET).
void sendMethodNotAllowed(const httplib::Request& request, httplib::Response& response);

} // namespace pumpcds::server
