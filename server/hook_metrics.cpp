#include "server/hook_metrics.h"

#include <cstdio>

namespace pumpcds::server {

void HookMetrics::Histogram::observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++buckets_[i];
    }
  }
  ++count_;
  sum_micros_ += static_cast<long long>(seconds * 1e6);
}

std::string HookMetrics::Histogram::text(const std::string& name, const std::string& help) const {
  std::string out = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  char line[200];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %lld\n", name.c_str(), kBuckets[i],
                  buckets_[i].load());
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %lld\n%s_sum %.6f\n%s_count %lld\n", name.c_str(),
                count_.load(), name.c_str(), static_cast<double>(sum_micros_.load()) / 1e6, name.c_str(),
                count_.load());
  return out + line;
}

void HookMetrics::observeFetch(double seconds, const std::map<std::string, int>& failure_causes) {
  fetch_seconds_.observe(seconds);
  const std::lock_guard lock(mutex_);
  for (const auto& [cause, count] : failure_causes) {
    fetch_failures_[cause] += count;
  }
}

void HookMetrics::observe(const std::string& service, int status, double seconds,
                          const std::vector<std::pair<std::string, std::string>>& policy_decisions) {
  hook_seconds_.observe(seconds);
  const std::lock_guard lock(mutex_);
  ++calls_[{service, status}];
  for (const auto& [policy, decision] : policy_decisions) {
    ++decisions_[{policy.empty() ? "none" : policy, decision}];
  }
}

std::string HookMetrics::text() const {
  std::string out =
      hook_seconds_.text("pumpcds_hook_duration_seconds", "Time to answer a hook call (CRD asks for 5 s).") +
      fetch_seconds_.text("pumpcds_fhir_fetch_duration_seconds",
                          "Time a hook call spent reading the EHR's FHIR server (calls that read it).");
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
  out += "# HELP pumpcds_fhir_failures_total FHIR searches and reads that gave nothing usable, by cause.\n"
         "# TYPE pumpcds_fhir_failures_total counter\n";
  for (const auto& [cause, count] : fetch_failures_) {
    out += "pumpcds_fhir_failures_total{cause=\"" + cause + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

} // namespace pumpcds::server
