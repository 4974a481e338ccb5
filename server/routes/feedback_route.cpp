#include <httplib.h>

#include "base/text.h"
#include "hooks/service_catalog.h"
#include "server/feedback_request.h"
#include "server/operation_outcome.h"
#include "server/routes/routes.h"
#include "store/feedback_writer.h"

namespace pumpcds::server {

void installFeedbackRoute(httplib::Server& server, RouteContext& routes) {
  server.Post(R"(/cds-services/([^/]+)/feedback)", [&routes](const httplib::Request& request,
                                                             httplib::Response& response) {
    if (!routes.authorizer.authorize(request, response, routes.calls.find(request))) {
      return;
    }
    if (hooks::findService(request.matches[1].str()) == nullptr) {
      sendError(response, notFound("no CDS service '" + base::printable(request.matches[1].str(), 64) + "'"));
      return;
    }
    auto items = parseFeedback(request.body);
    if (!items.isOk()) {
      sendError(response, items.status());
      return;
    }
    if (routes.store != nullptr) {
      const Status stored =
          store::writeFeedback(*routes.store, routes.audit, routes.config.shared_store, items.value());
      if (!stored.isOk()) {
        sendError(response, stored);
        return;
      }
    }
    routes.metrics.observeFeedback(items.value(), routes.service.library()->cardSettings().override_reasons);
    response.status = 200;
  });
}

} // namespace pumpcds::server
