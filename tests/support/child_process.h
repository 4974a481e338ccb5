// A child process for tests: started with its stdout piped to us, its first line read with a timeout,
// stopped with SIGTERM. Used to run `pumpcds serve` and the test FHIR server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace pumpcds::testing {

class ChildProcess {
public:
  /// Starts `arguments[0]` (a path) with the rest as its arguments; stderr goes to `stderr_path`
  /// ("" = /dev/null). Check running() to see whether it started.
  explicit ChildProcess(std::vector<std::string> arguments, const std::string& stderr_path = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The next line of its stdout (without the newline), or "" when none came within `timeout`.
  std::string readLine(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running() const;
  /// Sends `signal` without waiting.
  void signal(int signal) const;
  /// Sends SIGTERM and waits; returns its exit status (-1 when it did not exit normally).
  int stop();

private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

} // namespace pumpcds::testing
