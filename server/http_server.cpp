#include "server/http_server.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include <httplib.h>

#include "base/text.h"
#include "fhir/fhir_client.h"
#include "server/access_log.h"
#include "server/operation_outcome.h"
#include "server/shedding_thread_pool.h"

namespace pumpcds::server {

namespace {
// cpp-httplib also sets SO_REUSEPORT by default, which lets a second server bind the same port and silently
// share its traffic; a port in use must be an error at start. SO_REUSEADDR alone still allows a quick
// restart.
void reuseAddressOnly(int socket) {
  int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

// Binds `server` to host:port (0: any free port) and returns the port; `what` follows the address in the
// error (" for --admin-port").
Result<int> listenOn(httplib::Server& server, const std::string& host, int port, const std::string& what) {
  if (port == 0) {
    port = server.bind_to_any_port(host.c_str());
    if (port < 0) {
      return Status(StatusCode::Unavailable, "cannot listen on " + host + " (any port)" + what);
    }
  } else if (!server.bind_to_port(host.c_str(), port)) {
    return Status(StatusCode::Unavailable, "cannot listen on " + host + ":" + std::to_string(port) + what +
                                               " (in use, or not allowed)");
  }
  return port;
}

} // namespace

HttpServer::HttpServer(const ServerSettings& config, hooks::HookService& service,
                       std::shared_ptr<auth::JwtVerifier> verifier, store::Store* store,
                       store::AuditQueue* audit)
    : config_(config), metrics_(MetricSources{[] { return SheddingThreadPool::shedTotal(); },
                                              [&service] { return service.library(); }, audit}),
      authorizer_(std::move(verifier), config.allow_unauthenticated, metrics_),
      reloader_(service, metrics_), routes_{config_,  service,   authorizer_, calls_,
                                            metrics_, reloader_, store,       audit} {
  if (config.tls_cert.empty()) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    server_ = std::make_unique<httplib::SSLServer>(
        config.tls_cert.c_str(), config.tls_key.c_str(),
        config.tls_client_ca.empty() ? nullptr : config.tls_client_ca.c_str());
  }
  server_->set_socket_options(reuseAddressOnly);
  server_->set_default_headers({{"X-Pumpcds-Version", PUMPCDS_VERSION}});
  installTransport();
  installDiscoveryRoute(*server_, routes_);
  installHookRoute(*server_, routes_);
  installFeedbackRoute(*server_, routes_);
  installQuestionnaireRoutes(*server_, routes_);
  installAppRoutes(*server_, routes_);
  installMethodNotAllowed(*server_);
  // With an admin port, /metrics is the operator's alone.
  installOperatorRoutes(*server_, routes_, config_.metrics && config_.admin_port < 0);
  if (config.admin_port >= 0) {
    // The operator's port: metrics, health and reload, never exposed to EHRs (loopback by default).
    admin_server_ = std::make_unique<httplib::Server>();
    admin_server_->set_socket_options(reuseAddressOnly);
    admin_server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
    installOperatorRoutes(*admin_server_, routes_, config_.metrics);
    installReloadRoute(*admin_server_, routes_);
  }
}

HttpServer::~HttpServer() = default;

void HttpServer::installTransport() {
  httplib::Server& server = *server_;
  server.new_task_queue = [this] {
    return new SheddingThreadPool(static_cast<size_t>(config_.threads),
                                  static_cast<size_t>(config_.max_queued));
  };
  server.set_payload_max_length(config_.max_body_bytes);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the client's
  // delayed ACK hold every keep-alive response for ~40 ms.
  server.set_tcp_nodelay(true);
  // A client that stops sending or reading loses its worker after a few seconds, not the default minute,
  // and a keep-alive connection idle past a few seconds is closed: slow or idle clients cannot hold
  // every worker for long.
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(1000);

  server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    const RequestContext& context = calls_.open(request, requestIdFor(request));
    response.set_header("X-Request-Id", context.request_id);
    // Every worker is taken: say so at once rather than keep the caller waiting. The health check still
    // answers, so an orchestrator does not restart a server that is only busy.
    if (SheddingThreadPool::isShedding() && request.path != "/healthz") {
      sendError(response, Status(StatusCode::Unavailable, "the server is at capacity; retry in a second"));
      response.set_header("Retry-After", "1");
      response.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    // HTTP/1.1 gives a request with neither Content-Length nor Transfer-Encoding no body, but cpp-httplib
    // 0.11 would read one until the client closes, holding a worker: such a POST is refused here, before
    // the body is read (the pre-routing handler runs first).
    if (request.method == "POST" && !request.has_header("Content-Length") &&
        !request.has_header("Transfer-Encoding")) {
      sendError(response, invalidArgument("a POST needs a Content-Length (or a chunked body)"));
      response.status = 411;
      response.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // CORS for browser-based CDS clients (the CDS Hooks sandbox): every response carries the headers.
  server.set_post_routing_handler([this](const httplib::Request&, httplib::Response& response) {
    response.set_header("Access-Control-Allow-Origin", config_.allowed_origin);
    response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    response.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept");
    response.set_header("Access-Control-Expose-Headers", "Content-Type");
    response.set_header("Access-Control-Max-Age", "86400");
  });
  server.Options(R"(.*)",
                 [](const httplib::Request&, httplib::Response& response) { response.status = 204; });

  server.set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) {
      return;
    }
    // The HTTP engine's own refusals get a body that says what was wrong, like every other error.
    const int status = response.status;
    if (status == 404) {
      sendError(response, notFound("no route for " + base::printable(request.method, 16) + " " +
                                   base::printable(request.path, 200)));
    } else if (status == 413) {
      sendError(response, invalidArgument("request body is larger than the server accepts (" +
                                          std::to_string(config_.max_body_bytes) + " bytes)"));
    } else if (status == 414) {
      sendError(response, invalidArgument("request line is longer than the server accepts"));
    } else if (status == 400) {
      sendError(response, invalidArgument("malformed HTTP request"));
    }
    response.status = status;
  });
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(std::move(error));
        } catch (const std::exception& exception) {
          what = exception.what();
        } catch (...) {
        }
        std::cerr << "BUG: exception while serving " << request.method << " " << request.path << ": " << what
                  << "\n";
        sendError(response, internalError("internal error while handling the request"));
      });
  server.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    metrics_.observeResponse(response.status);
    const auto context = calls_.close(request);
    std::fprintf(stderr, "%s\n", accessLogLine(request, response, context ? &*context : nullptr).c_str());
  });
}

Status HttpServer::checkTransport() const {
  if (config_.tls_cert.empty() != config_.tls_key.empty()) {
    return invalidArgument("--tls-cert and --tls-key go together");
  }
  if (config_.tls_cert.empty() && !config_.tls_client_ca.empty()) {
    return invalidArgument("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (!server_->is_valid()) {
    return invalidArgument(
        "cannot serve HTTPS with --tls-cert '" + config_.tls_cert + "' and --tls-key '" + config_.tls_key +
        "'" + (config_.tls_client_ca.empty() ? "" : " and --tls-client-ca '" + config_.tls_client_ca + "'") +
        ": unreadable, not PEM, or the key does not match the certificate");
  }
  if (config_.tls_cert.empty() && !fhir::isLoopbackHost(config_.host) && !config_.allow_plain_http) {
    return invalidArgument(
        "listening on " + config_.host +
        " without TLS: give --tls-cert and --tls-key, or --allow-plain-http when a TLS proxy "
        "in front of pumpcds is the only way in");
  }
  return {};
}

Result<int> HttpServer::bind() {
  PUMPCDS_RETURN_IF_ERROR(checkTransport());
  return listenOn(*server_, config_.host, config_.port, "");
}

Result<int> HttpServer::bindAdmin() {
  if (!admin_server_) {
    return -1;
  }
  auto port = listenOn(*admin_server_, config_.admin_host, config_.admin_port, " for --admin-port");
  admin_bound_ = port.isOk();
  return port;
}

void HttpServer::run() {
  std::thread admin;
  if (admin_bound_) {
    admin = std::thread([this] { admin_server_->listen_after_bind(); });
  }
  server_->listen_after_bind();
  if (admin.joinable()) {
    admin_server_->stop();
    admin.join();
  }
}

void HttpServer::stop() {
  server_->stop();
  if (admin_server_) {
    admin_server_->stop();
  }
}

} // namespace pumpcds::server
