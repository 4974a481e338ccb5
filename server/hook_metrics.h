// Prometheus metrics of hook calls, counted from what was decided (never by scanning response text):
// latency as a histogram whose buckets show Da Vinci CRD's 5-second target, calls by service and status,
// orders by policy and decision, and the FHIR reads: their time per call and their failures by cause.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace pumpcds::server {

class HookMetrics {
public:
  /// One hook call: its service, HTTP status, time taken, and per order its policy id ("" for none) and
  /// decision. Called from every worker thread.
  void observe(const std::string& service, int status, double seconds,
               const std::vector<std::pair<std::string, std::string>>& policy_decisions);
  /// The FHIR reads of one hook call that read any: their time and the failures by cause.
  void observeFetch(double seconds, const std::map<std::string, int>& failure_causes);
  /// The metrics in Prometheus text format.
  [[nodiscard]] std::string text() const;

  /// Upper bounds of the latency buckets, in seconds; 5 is CRD's target for a hook response.
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};

private:
  class Histogram {
  public:
    void observe(double seconds);
    [[nodiscard]] std::string text(const std::string& name, const std::string& help) const;

  private:
    std::array<std::atomic<long long>, kBuckets.size()> buckets_{};
    std::atomic<long long> count_{0};
    std::atomic<long long> sum_micros_{0};
  };

  Histogram hook_seconds_;
  Histogram fetch_seconds_;
  mutable std::mutex mutex_;
  std::map<std::string, long long> fetch_failures_;                    ///< by cause
  std::map<std::pair<std::string, int>, long long> calls_;             ///< (service, status)
  std::map<std::pair<std::string, std::string>, long long> decisions_; ///< (policy, decision)
};

} // namespace pumpcds::server
