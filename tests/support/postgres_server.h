// A real PostgreSQL server for tests: Debian's binaries, a fresh cluster in a temporary directory, listening
// on a free loopback port and a socket in that directory, trusted without a password, fsync off. When the
// tests run as root (CI in a container), the server runs as `nobody`: PostgreSQL refuses to run as root.
#pragma once

#include <memory>
#include <string>

#include "tests/support/child_process.h"

namespace pumpcds::testing {

class PostgresServer {
public:
  /// Starts it; check error() (empty when it runs).
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// Why it could not start ("" when it runs).
  [[nodiscard]] const std::string& error() const { return error_; }
  /// A new, empty database named after `wanted` (at most 50 bytes) and unique in this server; returns its
  /// URL, or "" (and ADD_FAILURE) when it could not be made.
  std::string createDatabase(const std::string& wanted);
  [[nodiscard]] std::string url(const std::string& database) const;
  [[nodiscard]] int port() const { return port_; }
  /// Stops the server at once (fast shutdown), to test what a lost database does.
  void stop();
  /// Starts it again on the same port and data; false (and error() says why) when it does not come up.
  bool start();

private:
  std::vector<std::string> asServerUser(std::vector<std::string> command) const;

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  std::string error_;
  int databases_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

/// One server for the whole test program, started on first use.
PostgresServer& sharedPostgres();

} // namespace pumpcds::testing
