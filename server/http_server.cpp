#include "server/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>
#include <vector>

#include <httplib.h>
#include <rapidjson/document.h>

#include "fhir/date.h"
#include "fhir/fhir_client.h"
#include "fhir/json_read.h"
#include "fhir/json_write.h"
#include "fhir/text.h"
#include "hooks/service_catalog.h"
#include "server/feedback_request.h"
#include "server/operation_outcome.h"
#include "server/shedding_thread_pool.h"

namespace pumpcds::server {

namespace {

constexpr const char* kJson = "application/json";

// What the access log line says about the call being served on this worker thread: filled by the
// handler, written by the logger (cpp-httplib runs both on the thread that serves the connection).
struct CallRecord {
  std::string request_id;
  std::string service;
  std::vector<std::string> policies;
  std::vector<std::string> decisions;
  long long fhir_requests = 0;
  long long fhir_micros = 0;
  std::chrono::steady_clock::time_point started;
  std::string issuer; ///< the verified caller, for the audit trail
  std::string client;
};
thread_local CallRecord current_call;

// An id the client sent (X-Request-Id: letters, digits, '-', '_', '.', at most 64) or one made here.
std::string requestIdFor(const httplib::Request& request) {
  static std::atomic<unsigned long long> next{0};
  std::string sent = request.get_header_value("X-Request-Id");
  const bool usable = !sent.empty() && sent.size() <= 64 && std::all_of(sent.begin(), sent.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
  if (usable) {
    return sent;
  }
  char made[32];
  std::snprintf(made, sizeof made, "pc-%llx-%llu",
                static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count()),
                ++next);
  return made;
}

// Resident memory from /proc/self/statm (pages), for the metrics.
long long residentBytes() {
  long long pages_total = 0;
  long long pages_resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%lld %lld", &pages_total, &pages_resident) != 2) {
      pages_resident = 0;
    }
    std::fclose(statm);
  }
  return pages_resident * sysconf(_SC_PAGESIZE);
}

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

void sendError(httplib::Response& response, const Status& status) {
  response.status = httpStatusFor(status.code());
  response.set_content(operationOutcomeJson(status), kJson);
}

} // namespace

HttpServer::HttpServer(const Config& config, hooks::HookService& service,
                       std::shared_ptr<auth::JwtVerifier> verifier, store::Store* store,
                       store::AuditQueue* audit)
    : config_(config), service_(service), verifier_(std::move(verifier)), store_(store),
      shared_store_(config.usesPostgres()), audit_(audit) {
  if (config.tls_cert.empty()) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    server_ = std::make_unique<httplib::SSLServer>(
        config.tls_cert.c_str(), config.tls_key.c_str(),
        config.tls_client_ca.empty() ? nullptr : config.tls_client_ca.c_str());
  }
  server_->set_socket_options(reuseAddressOnly);
  server_->set_default_headers({{"X-Pumpcds-Version", PUMPCDS_VERSION}});
  installRoutes();
  if (config.admin_port >= 0) {
    admin_server_ = std::make_unique<httplib::Server>();
    admin_server_->set_socket_options(reuseAddressOnly);
    admin_server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
    installAdminRoutes();
  }
}

HttpServer::~HttpServer() = default;

bool HttpServer::authorized(const httplib::Request& request, httplib::Response& response) {
  Status status;
  if (verifier_) {
    auto caller = verifier_->verify(request.get_header_value("Authorization"), request.path);
    status = caller.status();
    if (caller.isOk()) {
      current_call.issuer = caller.value().iss;
      current_call.client = caller.value().sub;
    }
  } else if (!config_.allow_unauthenticated) {
    status = unauthenticated("no trusted issuer is configured (--issuers), so no hook call can be verified");
  }
  if (status.isOk()) {
    return true;
  }
  // Bare, as CDS Hooks asks: which check failed is for the operator's log, not for the caller.
  ++unauthorized_;
  std::fprintf(stderr, "auth: refused %s %s %s: %s\n", current_call.request_id.c_str(),
               request.method.c_str(), fhir::printable(request.path, 200).c_str(), status.message().c_str());
  response.status = 401;
  response.set_header("WWW-Authenticate", "Bearer");
  return false;
}

void HttpServer::installRoutes() {
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

  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    current_call =
        CallRecord{requestIdFor(request), {}, {}, {}, 0, 0, std::chrono::steady_clock::now(), {}, {}};
    response.set_header("X-Request-Id", current_call.request_id);
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

  const auto prefetch =
      config_.prefetch == "minimal" ? fhir::PrefetchMode::Minimal : fhir::PrefetchMode::Full;
  server.Get("/cds-services", [this, prefetch](const httplib::Request& request, httplib::Response& response) {
    if (config_.protect_discovery && !authorized(request, response)) {
      return;
    }
    const auto library = service_.library();
    response.set_content(hooks::discoveryJson(prefetch, library->readTypes(),
                                              cards::configurationOptions(library->cardSettings())),
                         kJson);
  });

  server.Post(
      R"(/cds-services/([^/]+))", [this](const httplib::Request& request, httplib::Response& response) {
        if (!authorized(request, response)) {
          return;
        }
        const auto started = std::chrono::steady_clock::now();
        ++hook_calls_;
        auto outcome = service_.handle(request.matches[1].str(), request.body);
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
                .count();
        hook_microseconds_ += micros;
        const std::string service = fhir::printable(request.matches[1].str(), 64);
        if (!outcome.isOk()) {
          sendError(response, outcome.status());
          audit(request, response.status, nullptr, static_cast<double>(micros) / 1000.0);
          hook_metrics_.observe(service, response.status, static_cast<double>(micros) / 1e6, {});
          return;
        }
        audit(request, 200, &outcome.value(), static_cast<double>(micros) / 1000.0);
        std::vector<std::pair<std::string, std::string>> decided;
        for (const auto& order : outcome.value().determination.orders) {
          decided.emplace_back(order.policy != nullptr ? order.policy->id : "",
                               std::string(policy::toString(order.decision)));
        }
        hook_metrics_.observe(service, 200, static_cast<double>(micros) / 1e6, decided);
        current_call.service = request.matches[1].str();
        for (const auto& order : outcome.value().determination.orders) {
          const policy::Policy* policy = order.policy != nullptr ? order.policy : order.prior_auth_policy;
          current_call.policies.push_back(policy != nullptr ? policy->id : "");
          current_call.decisions.emplace_back(policy::toString(order.decision));
        }
        current_call.fhir_requests = outcome.value().fetch.requests;
        current_call.fhir_micros = outcome.value().fetch_time.count();
        fhir_requests_ += outcome.value().fetch.requests;
        fhir_failures_ += outcome.value().fetch.failures;
        fhir_microseconds_ += outcome.value().fetch_time.count();
        if (outcome.value().fetch.requests > 0) {
          hook_metrics_.observeFetch(static_cast<double>(outcome.value().fetch_time.count()) / 1e6,
                                     outcome.value().fetch.failure_causes);
        }
        // Counted as the cards were written: a draft order echoed back may hold any text.
        cards_returned_ += static_cast<long>(outcome.value().cards);
        response.set_content(outcome.value().response_json, kJson);
      });

  server.Post(R"(/cds-services/([^/]+)/feedback)", [this](const httplib::Request& request,
                                                          httplib::Response& response) {
    if (!authorized(request, response)) {
      return;
    }
    if (hooks::findService(request.matches[1].str()) == nullptr) {
      sendError(response, notFound("no CDS service '" + fhir::printable(request.matches[1].str(), 64) + "'"));
      return;
    }
    auto items = parseFeedback(request.body);
    if (!items.isOk()) {
      sendError(response, items.status());
      return;
    }
    if (store_ != nullptr) {
      // The cards of a call just answered may still be on their way to the store.
      if (audit_ != nullptr) {
        audit_->flush();
      }
      auto stored = store_->writeFeedback(items.value());
      // A card another replica returned may still be in that replica's audit queue (written within
      // milliseconds): give it a second before calling the card unknown.
      for (int wait = 0; wait < 10 && shared_store_ && !stored.isOk() &&
                         stored.status().code() == StatusCode::InvalidArgument;
           ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stored = store_->writeFeedback(items.value());
      }
      if (!stored.isOk()) {
        sendError(response, stored.status());
        return;
      }
    }
    feedback_.count(items.value(), service_.library()->cardSettings().override_reasons);
    response.status = 200;
  });

  // Known paths, other methods: 405 with what is allowed, not a 404 that says the path is unknown.
  for (const char* pattern : {R"(/cds-services.*)", R"(/healthz)", R"(/metrics)"}) {
    const auto not_allowed = [](const httplib::Request& request, httplib::Response& response) {
      const bool hooks = request.path.rfind("/cds-services/", 0) == 0;
      response.set_header("Allow", hooks ? "POST, OPTIONS" : "GET, OPTIONS");
      sendError(response, invalidArgument(fhir::printable(request.method, 16) + " is not allowed on " +
                                          fhir::printable(request.path, 200)));
      response.status = 405;
    };
    server.Put(pattern, not_allowed);
    server.Delete(pattern, not_allowed);
    server.Patch(pattern, not_allowed);
  }
  server.Get("/healthz", [this](const httplib::Request&, httplib::Response& response) { healthz(response); });
  if (config_.metrics && config_.admin_port < 0) {
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      response.set_content(metricsText(), "text/plain; version=0.0.4");
    });
  }

  server.set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) {
      return;
    }
    // The HTTP engine's own refusals get a body that says what was wrong, like every other error.
    const int status = response.status;
    if (status == 404) {
      sendError(response, notFound("no route for " + fhir::printable(request.method, 16) + " " +
                                   fhir::printable(request.path, 200)));
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
    ++requests_;
    if (response.status >= 500) {
      ++server_errors_;
    } else if (response.status >= 400) {
      ++client_errors_;
    }
    // One JSON line per call, for log pipelines: no patient data, no token. The path is escaped, so a
    // decoded %0a or %00 cannot forge or hide a line.
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - current_call.started)
                            .count();
    rapidjson::StringBuffer buffer;
    fhir::JsonWriter line(buffer);
    const auto text = [&line](const char* key, const std::string& value) {
      line.Key(key);
      fhir::writeString(line, value);
    };
    const auto list = [&line](const char* key, const std::vector<std::string>& values) {
      line.Key(key);
      line.StartArray();
      for (const auto& value : values) {
        fhir::writeString(line, value);
      }
      line.EndArray();
    };
    line.StartObject();
    text("requestId", current_call.request_id);
    text("method", fhir::printable(request.method, 16));
    text("path", fhir::printable(request.path, 200));
    line.Key("status");
    line.Int(response.status);
    line.Key("bytes");
    line.Uint64(response.body.size());
    line.Key("ms");
    line.Double(static_cast<double>(micros) / 1000.0);
    if (!current_call.service.empty()) {
      text("service", current_call.service);
      list("policies", current_call.policies);
      list("decisions", current_call.decisions);
      line.Key("fhirRequests");
      line.Int64(current_call.fhir_requests);
      line.Key("fhirMs");
      line.Double(static_cast<double>(current_call.fhir_micros) / 1000.0);
    }
    line.EndObject();
    std::fprintf(stderr, "%s\n", buffer.GetString());
  });
}

void HttpServer::healthz(httplib::Response& response) const {
  // A server that takes calls from anyone says so wherever an operator looks.
  const std::string unauthenticated =
      !verifier_ && config_.allow_unauthenticated ? ",\"warning\":\"hook calls are not authenticated\"" : "";
  response.set_content(std::string("{\"status\":\"ok\",\"version\":\"") + PUMPCDS_VERSION +
                           "\",\"libraryRevision\":\"" + service_.library()->revision() + "\"" +
                           unauthenticated + "}",
                       kJson);
}

// The operator's port: metrics, health and reload, never exposed to EHRs (loopback by default).
void HttpServer::installAdminRoutes() {
  httplib::Server& admin = *admin_server_;
  admin.Get("/healthz", [this](const httplib::Request&, httplib::Response& response) { healthz(response); });
  if (config_.metrics) {
    admin.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      response.set_content(metricsText(), "text/plain; version=0.0.4");
    });
  }
  admin.Post("/admin/reload", [this](const httplib::Request&, httplib::Response& response) {
    auto reloaded = reloadLibrary();
    if (!reloaded.isOk()) {
      sendError(response, reloaded.status());
      response.status = reloaded.status().code() == StatusCode::InvalidArgument ? 422 : 500;
      return;
    }
    response.set_content("{\"status\":\"reloaded\",\"libraryRevision\":\"" + reloaded.value() + "\"}", kJson);
  });
}

Result<std::string> HttpServer::reloadLibrary() {
  const std::lock_guard lock(reload_mutex_);
  if (!load_library_) {
    return Status(StatusCode::FailedPrecondition, "this server cannot reload its library");
  }
  const auto started = std::chrono::steady_clock::now();
  auto loaded = load_library_();
  if (!loaded.isOk()) {
    ++reloads_failed_;
    std::fprintf(stderr, "reload: the policy library is invalid; still serving %s:\n%s\n",
                 service_.library()->revision().substr(0, 12).c_str(), loaded.status().message().c_str());
    return invalidArgument("the policy library is invalid; the one in service is kept: " +
                           loaded.status().message());
  }
  last_load_microseconds_ =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
          .count();
  const std::string revision = loaded.value()->revision();
  const size_t policies = loaded.value()->policies().size();
  service_.replaceLibrary(std::move(loaded).value());
  ++reloads_ok_;
  std::fprintf(stderr, "reload: serving library %s (%zu policies, loaded in %.1f ms)\n",
               revision.substr(0, 12).c_str(), policies,
               static_cast<double>(last_load_microseconds_) / 1000.0);
  return revision;
}

void HttpServer::audit(const httplib::Request& request, int status, const hooks::HookOutcome* outcome,
                       double total_ms) const {
  if (audit_ == nullptr) {
    return;
  }
  store::AuditRecord record;
  record.time = fhir::currentInstant();
  record.request_id = current_call.request_id;
  record.service = fhir::printable(request.matches[1].str(), 64);
  record.issuer = current_call.issuer;
  record.client = current_call.client;
  record.library_revision = (outcome != nullptr ? outcome->library : service_.library())->revision();
  record.http_status = status;
  record.total_ms = total_ms;
  if (outcome != nullptr) {
    record.hook = outcome->hook;
    record.hook_instance = fhir::printable(outcome->hook_instance, 100);
    record.patient_id = fhir::printable(outcome->patient_id, 100);
    record.fhir_server_host = fhir::printable(fhir::urlHost(outcome->fhir_server), 200);
    record.fhir_ms = static_cast<double>(outcome->fetch_time.count()) / 1000.0;
    record.evaluation_ms = static_cast<double>(outcome->evaluation_time.count()) / 1000.0;
    for (const auto& order : outcome->determination.orders) {
      store::AuditOrder audited;
      audited.order = order.order.reference;
      audited.code = order.order.code.code;
      audited.policy = order.policy != nullptr ? order.policy->id : "";
      audited.decision = std::string(policy::toString(order.decision));
      audited.prior_auth = std::string(policy::toString(order.prior_auth));
      for (const auto& criterion : order.criteria) {
        if (criterion.criterion != nullptr) {
          audited.criteria.emplace_back(criterion.criterion->id,
                                        std::string(policy::toString(criterion.status)));
        }
      }
      record.orders.push_back(std::move(audited));
    }
    for (const auto& card : outcome->cards_written) {
      record.cards.push_back({card.uuid, card.order});
    }
  }
  // Never blocks the call: a full queue is counted in the metrics instead.
  (void)audit_->submit(std::move(record));
}

std::string HttpServer::metricsText() const {
  std::string out;
  const auto counter = [&out](const char* name, const char* help, long long value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
           std::to_string(value) + "\n";
  };
  counter("pumpcds_http_requests_total", "HTTP requests served.", requests_.load());
  counter("pumpcds_http_client_errors_total", "Responses with a 4xx status.", client_errors_.load());
  counter("pumpcds_http_server_errors_total", "Responses with a 5xx status.", server_errors_.load());
  counter("pumpcds_hook_calls_total", "Hook requests received.", hook_calls_.load());
  counter("pumpcds_http_shed_total", "Connections answered 503 because every worker was taken.",
          SheddingThreadPool::shedTotal());
  counter("pumpcds_unauthorized_total", "Hook and feedback calls refused for want of a valid JWT.",
          unauthorized_.load());
  counter("pumpcds_cards_total", "Cards returned.", cards_returned_.load());
  counter("pumpcds_hook_seconds_micros_total", "Microseconds spent handling hooks.",
          hook_microseconds_.load());
  counter("pumpcds_fhir_requests_total", "Requests sent to EHR FHIR servers (searches, pages, reads).",
          fhir_requests_.load());
  counter("pumpcds_fhir_failures_total", "Searches or reads of an EHR FHIR server that gave nothing usable.",
          fhir_failures_.load());
  counter("pumpcds_fhir_read_micros_total", "Microseconds spent reading records from EHR FHIR servers.",
          fhir_microseconds_.load());
  if (audit_ != nullptr) {
    const auto gauge = [&out](const char* name, const char* help, long long value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
             std::to_string(value) + "\n";
    };
    gauge("pumpcds_audit_queue_depth", "Audit records waiting to be stored.",
          static_cast<long long>(audit_->depth()));
    counter("pumpcds_audit_records_total", "Audit records stored.", audit_->written());
    counter("pumpcds_audit_dropped_total", "Audit records dropped because the queue was full.",
            audit_->dropped());
    counter("pumpcds_audit_failed_total", "Audit records the store refused (see the log).", audit_->failed());
  }
  const auto library = service_.library();
  out += "# HELP pumpcds_library_info The policy library being served.\n# TYPE pumpcds_library_info gauge\n"
         "pumpcds_library_info{revision=\"" +
         library->revision() + "\",policies=\"" + std::to_string(library->policies().size()) + "\"} 1\n";
  out += "# HELP pumpcds_library_reloads_total Library reloads (SIGHUP, /admin/reload) by result.\n"
         "# TYPE pumpcds_library_reloads_total counter\n"
         "pumpcds_library_reloads_total{result=\"ok\"} " +
         std::to_string(reloads_ok_.load()) + "\npumpcds_library_reloads_total{result=\"failed\"} " +
         std::to_string(reloads_failed_.load()) + "\n";
  out += "# HELP pumpcds_library_load_seconds How long the last successful reload took to load the library.\n"
         "# TYPE pumpcds_library_load_seconds gauge\npumpcds_library_load_seconds " +
         std::to_string(static_cast<double>(last_load_microseconds_.load()) / 1e6) + "\n";
  out += "# HELP process_resident_memory_bytes Resident memory of the server.\n"
         "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes " +
         std::to_string(residentBytes()) + "\n";
  return out + hook_metrics_.text() + feedback_.metricsText();
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
