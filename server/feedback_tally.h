// CDS Hooks feedback: what clinicians did with the cards (accepted, or overridden and why), checked and
// counted for /metrics so a payer can see which requests clinicians dismiss and for what reason.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "fhir/result.h"

namespace pumpcds::server {

class FeedbackTally {
public:
  /// Checks a feedback body ({"feedback": [{"card", "outcome", "overrideReason"?, ...}]}) and counts it.
  /// A reason code pumpcds did not offer is counted as "other". Fails, counting nothing, naming the first
  /// bad item. Called from every worker thread.
  Status record(std::string_view body, const std::vector<fhir::Coding>& offered);

  /// Prometheus counters by outcome and by override reason.
  [[nodiscard]] std::string metricsText() const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, long> outcomes_;
  std::map<std::string, long> reasons_;
};

} // namespace pumpcds::server
