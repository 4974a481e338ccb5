// The HTTP face of pumpcds: routes, CORS, limits, access log and metrics over cpp-httplib.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "hooks/hook_service.h"
#include "server/config.h"
#include "server/feedback_tally.h"

namespace httplib {
class Server;
}

namespace pumpcds::server {

class HttpServer {
public:
  HttpServer(const Config& config, const hooks::HookService& service);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds (port 0: any free port) and returns the port, or an Unavailable status.
  Result<int> bind();
  /// Serves until stop() is called. Blocks.
  void run();
  void stop();

private:
  void installRoutes();
  std::string metricsText() const;

  Config config_;
  const hooks::HookService& service_;
  std::unique_ptr<httplib::Server> server_;
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
};

} // namespace pumpcds::server
