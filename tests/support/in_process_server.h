// The HTTP server in this test's own process (as cpp-httplib's own tests run theirs): the bundled
// library behind a HookService, served by HttpServer on a free loopback port on a thread, called with a
// real HTTP client. A route or the metrics page is then a unit test, not a child process.
#pragma once

#include <memory>
#include <thread>

#include <httplib.h>

#include "hooks/hook_service.h"
#include "server/http_server.h"
#include "server/server_settings.h"

namespace pumpcds::testing {

class InProcessServer {
public:
  /// Serves with `settings` (no JWT verifier: calls are taken only when they allow unauthenticated ones).
  explicit InProcessServer(server::ServerSettings settings = defaultSettings());
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] httplib::Client client() const;
  [[nodiscard]] server::HttpServer& http() { return *http_; }

  /// Loopback, any free port, calls taken without a token, sequential card uuids.
  static server::ServerSettings defaultSettings();

private:
  std::unique_ptr<hooks::HookService> service_;
  std::unique_ptr<server::HttpServer> http_;
  std::thread serving_;
  int port_ = -1;
};

} // namespace pumpcds::testing
