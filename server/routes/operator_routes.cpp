#include <httplib.h>

#include "base/text.h"
#include "server/operation_outcome.h"
#include "server/routes/routes.h"

namespace pumpcds::server {

void installOperatorRoutes(httplib::Server& server, RouteContext& routes, bool with_metrics) {
  server.Get("/healthz", [&routes](const httplib::Request&, httplib::Response& response) {
    // A server that takes calls from anyone says so wherever an operator looks.
    const std::string warning =
        routes.authorizer.open() ? ",\"warning\":\"hook calls are not authenticated\"" : "";
    response.set_content(std::string("{\"status\":\"ok\",\"version\":\"") + PUMPCDS_VERSION +
                             "\",\"libraryRevision\":\"" + routes.service.library()->revision() + "\"" +
                             warning + "}",
                         kJson);
  });
  if (with_metrics) {
    server.Get("/metrics", [&routes](const httplib::Request&, httplib::Response& response) {
      response.set_content(routes.metrics.text(), "text/plain; version=0.0.4");
    });
  }
}

void installReloadRoute(httplib::Server& server, RouteContext& routes) {
  server.Post("/admin/reload", [&routes](const httplib::Request&, httplib::Response& response) {
    auto reloaded = routes.reloader.reload();
    if (!reloaded.isOk()) {
      sendError(response, reloaded.status());
      response.status = reloaded.status().code() == StatusCode::InvalidArgument ? 422 : 500;
      return;
    }
    response.set_content("{\"status\":\"reloaded\",\"libraryRevision\":\"" + reloaded.value() + "\"}", kJson);
  });
}

void sendMethodNotAllowed(const httplib::Request& request, httplib::Response& response) {
  const bool posted = request.path.rfind("/cds-services/", 0) == 0 ||
                      request.path.find("/$") != std::string::npos; // a FHIR operation
  response.set_header("Allow", posted ? "POST, OPTIONS" : "GET, OPTIONS");
  sendError(response, invalidArgument(base::printable(request.method, 16) + " is not allowed on " +
                                      base::printable(request.path, 200)));
  response.status = 405;
}

void installMethodNotAllowed(httplib::Server& server) {
  for (const char* pattern :
       {R"(/cds-services.*)", R"(/fhir/Questionnaire.*)", R"(/healthz)", R"(/metrics)"}) {
    server.Put(pattern, sendMethodNotAllowed);
    server.Delete(pattern, sendMethodNotAllowed);
    server.Patch(pattern, sendMethodNotAllowed);
  }
}

} // namespace pumpcds::server
