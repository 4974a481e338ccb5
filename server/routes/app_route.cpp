#include <filesystem>

#include <httplib.h>

#include "server/routes/routes.h"

namespace pumpcds::server {

void installAppRoutes(httplib::Server& server, RouteContext& routes) {
  const std::string& dir = routes.config.app_dir;
  if (dir.empty()) {
    return;
  }
  // The app's own pages, and only the two built libraries it loads from its npm packages (pinned by
  // app/package-lock.json), never the rest of node_modules.
  const std::filesystem::path root(dir);
  server.set_mount_point("/app/lib/fhirclient", (root / "node_modules/fhirclient/build").string());
  server.set_mount_point("/app/lib/lforms", (root / "node_modules/lforms/dist/lforms").string());
  server.set_mount_point("/app", (root / "site").string());
}

} // namespace pumpcds::server
