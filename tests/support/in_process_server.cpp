#include "tests/support/in_process_server.h"

#include <stdexcept>

#include "cards/uuid_source.h"
#include "library/policy_library.h"

namespace pumpcds::testing {

server::ServerSettings InProcessServer::defaultSettings() {
  server::ServerSettings settings;
  settings.host = "127.0.0.1";
  settings.port = 0;
  settings.allow_unauthenticated = true;
  settings.threads = 4;
  return settings;
}

InProcessServer::InProcessServer(server::ServerSettings settings) {
  auto library = policy::PolicyLibrary::loadBundled();
  if (!library.isOk()) {
    throw std::runtime_error("the bundled library does not load: " + library.status().message());
  }
  service_ =
      std::make_unique<hooks::HookService>(library.value(), std::make_unique<cards::SequentialUuidSource>());
  http_ = std::make_unique<server::HttpServer>(settings, *service_);
  auto port = http_->bind();
  if (!port.isOk()) {
    throw std::runtime_error("cannot bind: " + port.status().message());
  }
  port_ = port.value();
  serving_ = std::thread([this] { http_->run(); });
  // Ready when it answers.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (auto answer = client().Get("/healthz"); answer && answer->status == 200) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the in-process server did not answer /healthz");
}

InProcessServer::~InProcessServer() {
  http_->stop();
  if (serving_.joinable()) {
    serving_.join();
  }
}

httplib::Client InProcessServer::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  return client;
}

} // namespace pumpcds::testing
