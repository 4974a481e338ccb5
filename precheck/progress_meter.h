// Progress of a long run on stderr: a bar redrawn in place on a terminal (patients done, rate, ETA),
// plain lines every few seconds otherwise (a log, a Kubernetes Job), so neither floods.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace pumpcds::precheck {

class ProgressMeter {
public:
  /// `expected`: patients to check (0: unknown, no ETA).
  ProgressMeter(std::ostream& out, bool terminal, size_t expected);
  /// Called as patients finish; draws when enough time has passed since the last draw.
  void update(size_t done, size_t skipped);
  /// The last line.
  void finish(size_t done, size_t skipped);

private:
  [[nodiscard]] std::string line(size_t done, size_t skipped) const;

  std::ostream& out_;
  bool terminal_;
  size_t expected_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point drawn_;
};

} // namespace pumpcds::precheck
