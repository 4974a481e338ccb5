#include "server/feedback_tally.h"

namespace pumpcds::server {

void FeedbackTally::count(const std::vector<store::FeedbackItem>& items,
                          const std::vector<fhir::Coding>& offered) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& item : items) {
    ++outcomes_[item.outcome];
    if (item.outcome == "overridden" && !item.override_code.empty()) {
      std::string reason = "other";
      for (const auto& known : offered) {
        reason = known.code == item.override_code ? item.override_code : reason;
      }
      ++reasons_[reason];
    }
  }
}

std::string FeedbackTally::metricsText() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::string out = "# HELP pumpcds_feedback_total Card feedback received, by outcome.\n"
                    "# TYPE pumpcds_feedback_total counter\n";
  for (const char* outcome : {"accepted", "overridden"}) {
    const auto found = outcomes_.find(outcome);
    out += std::string("pumpcds_feedback_total{outcome=\"") + outcome + "\"} " +
           std::to_string(found == outcomes_.end() ? 0 : found->second) + "\n";
  }
  out +=
      "# HELP pumpcds_feedback_override_reasons_total Overridden cards, by the reason the clinician gave.\n"
      "# TYPE pumpcds_feedback_override_reasons_total counter\n";
  for (const auto& [reason, count] : reasons_) {
    out +=
        "pumpcds_feedback_override_reasons_total{reason=\"" + reason + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

} // namespace pumpcds::server
