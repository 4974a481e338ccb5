#include "server/hook_metrics.h"

#include <cstdio>

namespace pumpcds::server {

void HookMetrics::observe(const std::string& service, int status, double seconds,
                          const std::vector<std::pair<std::string, std::string>>& policy_decisions) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++buckets_[i];
    }
  }
  ++count_;
  sum_micros_ += static_cast<long long>(seconds * 1e6);
  const std::lock_guard lock(mutex_);
  ++calls_[{service, status}];
  for (const auto& [policy, decision] : policy_decisions) {
    ++decisions_[{policy.empty() ? "none" : policy, decision}];
  }
}

std::string HookMetrics::text() const {
  std::string out = "# HELP pumpcds_hook_duration_seconds Time to answer a hook call (CRD asks for 5 s).\n"
                    "# TYPE pumpcds_hook_duration_seconds histogram\n";
  char line[160];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(line, sizeof line, "pumpcds_hook_duration_seconds_bucket{le=\"%g\"} %lld\n", kBuckets[i],
                  buckets_[i].load());
    out += line;
  }
  std::snprintf(line, sizeof line,
                "pumpcds_hook_duration_seconds_bucket{le=\"+Inf\"} %lld\n"
                "pumpcds_hook_duration_seconds_sum %.6f\npumpcds_hook_duration_seconds_count %lld\n",
                count_.load(), static_cast<double>(sum_micros_.load()) / 1e6, count_.load());
  out += line;
  const std::lock_guard lock(mutex_);
  out += "# HELP pumpcds_hook_responses_total Hook calls answered, by service and HTTP status.\n"
         "# TYPE pumpcds_hook_responses_total counter\n";
  for (const auto& [key, count] : calls_) {
    out += "pumpcds_hook_responses_total{service=\"" + key.first + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP pumpcds_orders_total Pump orders decided, by policy and decision.\n"
         "# TYPE pumpcds_orders_total counter\n";
  for (const auto& [key, count] : decisions_) {
    out += "pumpcds_orders_total{policy=\"" + key.first + "\",decision=\"" + key.second + "\"} " +
           std::to_string(count) + "\n";
  }
  return out;
}

} // namespace pumpcds::server
