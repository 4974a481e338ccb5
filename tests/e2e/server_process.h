// Runs the real `pumpcds` executable as a child process, for end-to-end tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace pumpcds::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `pumpcds ARGS...` to completion and captures its output.
CommandResult runPumpcds(const std::vector<std::string>& arguments);

/// Passed to ServerProcess: start the server as an operator would, without --allow-unauthenticated.
inline constexpr const char* kNoAuthDefault = "--test-no-auth-default";

/// `pumpcds serve --host 127.0.0.1 --port 0 --allow-unauthenticated ...`, started in the constructor (the
/// port is read from its first line of output) and stopped with SIGTERM in the destructor. With
/// "--issuers" or kNoAuthDefault among the arguments, --allow-unauthenticated is left out.
class ServerProcess {
public:
  /// `log_path`: where the server's stderr (its log) goes; "" keeps it in the data directory. Either way,
  /// when the test has failed, the log's end is printed as the server stops, so a crash is never silent.
  explicit ServerProcess(std::vector<std::string> extra_arguments = {}, const std::string& log_path = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] int port() const { return port_; }
  /// The admin listener's port, when started with --admin-port (0 otherwise).
  [[nodiscard]] int adminPort() const { return admin_port_; }
  /// Sends `signal` (SIGHUP: reload the library).
  void signal(int signal) const { process_.signal(signal); }
  /// The --data-dir it was given (a temporary directory of its own unless the test chose a store).
  [[nodiscard]] const std::string& dataDir() const { return data_dir_; }
  [[nodiscard]] bool running() const { return process_.running(); }
  /// Sends SIGTERM and waits; returns the exit status.
  int stop() { return process_.stop(); }

private:
  std::string data_dir_;
  std::string log_path_;
  ChildProcess process_;
  int port_ = 0;
  int admin_port_ = 0;
};

} // namespace pumpcds::testing
