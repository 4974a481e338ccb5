// The one place a metric family of /metrics is declared: each family is registered once, by name, with
// its type and help, and the registry renders every family in the Prometheus text format. A name
// registered twice is refused (a Prometheus parser refuses a page that repeats a HELP or TYPE line).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pumpcds::server {

/// A count that only goes up, from any thread.
class Counter {
public:
  void add(long long amount = 1) { value_ += amount; }
  [[nodiscard]] long long value() const { return value_.load(); }

private:
  std::atomic<long long> value_{0};
};

/// Counts by label values (one value per label name, in the order the family declared its labels).
class LabelledCounter {
public:
  explicit LabelledCounter(std::vector<std::string> label_names) : label_names_(std::move(label_names)) {}
  void add(const std::vector<std::string>& label_values, long long amount = 1);
  /// A series shown even before anything is counted (e.g. both feedback outcomes at 0).
  void declare(const std::vector<std::string>& label_values) { add(label_values, 0); }
  void render(const std::string& name, std::string& out) const;

private:
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, long long> counts_;
};

/// Durations in seconds, in cumulative buckets.
class Histogram {
public:
  /// Upper bounds of the buckets, in seconds; 5 is Da Vinci CRD's target for a hook response.
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};
  void observe(double seconds);
  void render(const std::string& name, std::string& out) const;

private:
  std::array<std::atomic<long long>, kBuckets.size()> buckets_{};
  std::atomic<long long> count_{0};
  std::atomic<long long> sum_micros_{0};
};

/// One sample of a family read when /metrics is asked for: its labels (name, value) and its value.
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

class MetricsRegistry {
public:
  enum class Kind { Counter, Gauge, Histogram };

  /// Each registers a family; a name already registered is a programming error and aborts at start.
  Counter& counter(const std::string& name, const std::string& help);
  LabelledCounter& labelledCounter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names);
  Histogram& histogram(const std::string& name, const std::string& help);
  /// A family whose samples are read when the page is rendered (queue depth, memory, library revision).
  void collected(const std::string& name, const std::string& help, Kind kind,
                 std::function<std::vector<Sample>()> read);

  /// Every family, in the order registered, in the Prometheus text format (version 0.0.4).
  [[nodiscard]] std::string text() const;

private:
  struct Family {
    std::string name;
    std::string help;
    Kind kind;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<LabelledCounter> labelled;
    std::unique_ptr<Histogram> histogram;
    std::function<std::vector<Sample>()> read;
  };
  Family& add(const std::string& name, const std::string& help, Kind kind);

  std::vector<std::unique_ptr<Family>> families_;
};

} // namespace pumpcds::server
