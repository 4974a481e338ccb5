#include <httplib.h>

#include "cards/card_options.h"
#include "hooks/service_catalog.h"
#include "server/routes/routes.h"

namespace pumpcds::server {

void installDiscoveryRoute(httplib::Server& server, RouteContext& routes) {
  const auto prefetch =
      routes.config.minimal_prefetch ? fhir::PrefetchMode::Minimal : fhir::PrefetchMode::Full;
  server.Get(
      "/cds-services", [&routes, prefetch](const httplib::Request& request, httplib::Response& response) {
        if (routes.config.protect_discovery &&
            !routes.authorizer.authorize(request, response, routes.calls.find(request))) {
          return;
        }
        const auto library = routes.service.library();
        response.set_content(hooks::discoveryJson(prefetch, library->readTypes(),
                                                  cards::configurationOptions(library->cardSettings())),
                             kJson);
      });
}

} // namespace pumpcds::server
