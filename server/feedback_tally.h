// CDS Hooks feedback: what clinicians did with the cards (accepted, or overridden and why), checked and
// counted for /metrics so a payer can see which requests clinicians dismiss and for what reason.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "store/audit_record.h"

namespace pumpcds::server {

class FeedbackTally {
public:
  /// Counts checked feedback items (server/feedback_request.h). A reason code pumpcds did not offer is
  /// counted as "other". Called from every worker thread.
  void count(const std::vector<store::FeedbackItem>& items, const std::vector<fhir::Coding>& offered);

  /// Prometheus counters by outcome and by override reason.
  [[nodiscard]] std::string metricsText() const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, long> outcomes_;
  std::map<std::string, long> reasons_;
};

} // namespace pumpcds::server
