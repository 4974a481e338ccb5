// The HTTP face of pumpcds: routes, CORS, limits, access log and metrics over cpp-httplib.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "auth/jwt_verifier.h"
#include "hooks/hook_service.h"
#include "server/config.h"
#include "server/feedback_tally.h"
#include "server/hook_metrics.h"
#include "store/audit_queue.h"
#include "store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace pumpcds::server {

class HttpServer {
public:
  /// `verifier` checks the JWT of every hook and feedback call; without one, those calls are refused
  /// unless config.allow_unauthenticated.
  /// `audit` (with its `store`) keeps a record of every hook call and stores feedback; without them
  /// feedback is only checked and counted.
  HttpServer(const Config& config, hooks::HookService& service,
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
  using LibraryLoader = std::function<Result<policy::PolicyLibrary::Ptr>()>;
  void setLibraryLoader(LibraryLoader loader) { load_library_ = std::move(loader); }
  /// Loads the library again (SIGHUP, POST /admin/reload) and serves it from the next call on; a library
  /// that does not load is refused with its errors (logged) and the one in service is kept. Calls in
  /// flight finish on the library they started with. Returns the revision now served.
  Result<std::string> reloadLibrary();

private:
  void installRoutes();
  void installAdminRoutes();
  void healthz(httplib::Response& response) const;
  [[nodiscard]] Status checkTransport() const;
  /// Whether the call may go on; if not, the response is a bare 401 and the reason is logged.
  bool authorized(const httplib::Request& request, httplib::Response& response);
  std::string metricsText() const;
  /// Queues the audit record of a hook call that was authorized (answered or refused as invalid).
  void audit(const httplib::Request& request, int status, const hooks::HookOutcome* outcome,
             double total_ms) const;

  Config config_;
  hooks::HookService& service_;
  std::shared_ptr<auth::JwtVerifier> verifier_;
  store::Store* store_;
  bool shared_store_; ///< PostgreSQL: other replicas write to the same store
  store::AuditQueue* audit_;
  std::atomic<long> unauthorized_{0};
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<httplib::Server> admin_server_; ///< only when config.admin_port is set
  bool admin_bound_ = false;
  LibraryLoader load_library_;
  std::mutex reload_mutex_; ///< one reload at a time
  std::atomic<long> reloads_ok_{0};
  std::atomic<long> reloads_failed_{0};
  std::atomic<long long> last_load_microseconds_{0};
  std::atomic<long> requests_{0};
  std::atomic<long> hook_calls_{0};
  std::atomic<long> client_errors_{0};
  std::atomic<long> server_errors_{0};
  std::atomic<long> cards_returned_{0};
  std::atomic<long long> hook_microseconds_{0};
  std::atomic<long long> fhir_requests_{0};
  std::atomic<long long> fhir_failures_{0};
  std::atomic<long long> fhir_microseconds_{0};
  FeedbackTally feedback_;
  HookMetrics hook_metrics_;
};

} // namespace pumpcds::server
