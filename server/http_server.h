// The HTTP transport of pumpcds: listeners, TLS, the bounded worker pool, limits, CORS, the engine's own
// refusals and the access log, over cpp-httplib. What each route does lives in server/routes/.
#pragma once

#include <memory>
#include <string>

#include "auth/jwt_verifier.h"
#include "hooks/hook_service.h"
#include "server/authorizer.h"
#include "server/library_reloader.h"
#include "server/request_context.h"
#include "server/routes/routes.h"
#include "server/server_settings.h"
#include "server/service_metrics.h"
#include "store/audit_queue.h"
#include "store/store.h"

namespace httplib {
class Server;
} // namespace httplib

namespace pumpcds::server {

class HttpServer {
public:
  /// `verifier` checks the JWT of every hook and feedback call; without one, those calls are refused
  /// unless config.allow_unauthenticated.
  /// `audit` (with its `store`) keeps a record of every hook call and stores feedback; without them
  /// feedback is only checked and counted.
  HttpServer(const ServerSettings& config, hooks::HookService& service,
             std::shared_ptr<auth::JwtVerifier> verifier = nullptr, store::Store* store = nullptr,
             store::AuditQueue* audit = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds (port 0: any free port) and returns the port; InvalidArgument for a TLS setting that cannot
  /// work or plain HTTP beyond loopback, Unavailable when the address cannot be had.
  Result<int> bind();
  [[nodiscard]] bool tls() const { return !config_.tls_cert.empty(); }
  /// The admin listener (config.admin_port): binds it and returns its port; -1 when none is configured.
  Result<int> bindAdmin();
  /// Serves (the admin listener too, when bound) until stop() is called. Blocks.
  void run();
  void stop();

  /// Where the policy library comes from again, for reloads.
  void setLibraryLoader(LibraryReloader::Loader loader) { reloader_.setLoader(std::move(loader)); }
  /// Loads the library again (SIGHUP, POST /admin/reload): see LibraryReloader::reload.
  Result<std::string> reloadLibrary() { return reloader_.reload(); }

  [[nodiscard]] const RequestContexts& requestContextsForTest() const { return calls_; }

private:
  void installTransport();
  [[nodiscard]] Status checkTransport() const;

  ServerSettings config_;
  ServiceMetrics metrics_;
  RequestContexts calls_;
  Authorizer authorizer_;
  LibraryReloader reloader_;
  RouteContext routes_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<httplib::Server> admin_server_; ///< only when config.admin_port is set
  bool admin_bound_ = false;
};

} // namespace pumpcds::server
