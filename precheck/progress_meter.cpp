#include "precheck/progress_meter.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace pumpcds::precheck {

ProgressMeter::ProgressMeter(std::ostream& out, bool terminal, size_t expected)
    : out_(out), terminal_(terminal), expected_(expected), started_(std::chrono::steady_clock::now()),
      drawn_(started_) {}

std::string ProgressMeter::line(size_t done, size_t skipped) const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char text[200];
  if (expected_ > 0) {
    const size_t shown = std::min(done, expected_);
    const double eta = rate > 0 ? static_cast<double>(expected_ - shown) / rate : 0;
    const int filled = static_cast<int>(30 * shown / expected_);
    std::snprintf(text, sizeof text, "[%-30.*s] %zu/%zu patients, %.0f/s, ETA %.0fs, %zu skipped", filled,
                  "##############################", shown, expected_, rate, eta, skipped);
  } else {
    std::snprintf(text, sizeof text, "%zu patients, %.0f/s, %zu skipped", done, rate, skipped);
  }
  return text;
}

void ProgressMeter::update(size_t done, size_t skipped) {
  const auto now = std::chrono::steady_clock::now();
  if (now - drawn_ < (terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000))) {
    return;
  }
  drawn_ = now;
  if (terminal_) {
    out_ << "\r" << line(done, skipped) << "\033[K" << std::flush;
  } else {
    out_ << "pumpcds precheck: " << line(done, skipped) << "\n" << std::flush;
  }
}

void ProgressMeter::finish(size_t done, size_t skipped) {
  out_ << (terminal_ ? "\r" : "pumpcds precheck: ") << line(done, skipped) << (terminal_ ? "\033[K\n" : "\n")
       << std::flush;
}

} // namespace pumpcds::precheck
