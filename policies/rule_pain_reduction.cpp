// Evidence rule `pain_reduction`: the percent fall in pain from the last score before the latest trial
// procedure to the lowest score during it or within followup_days after it.
#include <algorithm>
#include <cstdio>

#include "policies/rule_support.h"

namespace pumpcds::policy {

Outcome evaluatePainReduction(const Rule& rule, const RuleContext& context) {
  const auto trials = findCoded(context, {"Procedure"}, rule.value_sets);
  const fhir::Resource* trial = nullptr;
  for (const fhir::Resource* candidate : trials) {
    if (candidate->start && (trial == nullptr || *candidate->start > *trial->start)) {
      trial = candidate;
    }
  }
  if (trial == nullptr) {
    return notFound(context.record, {"Procedure"}, "a preliminary trial procedure");
  }
  const fhir::Seconds trial_start = *trial->start;
  const fhir::Seconds trial_end = trial->end.value_or(trial_start + fhir::kSecondsPerDay);
  const fhir::Seconds baseline_from =
      trial_start - static_cast<fhir::Seconds>(rule.baseline_days) * fhir::kSecondsPerDay;
  const fhir::Seconds followup_to =
      trial_end + static_cast<fhir::Seconds>(rule.followup_days) * fhir::kSecondsPerDay;
  const fhir::Resource* baseline = nullptr;
  const fhir::Resource* best = nullptr;
  for (const fhir::Resource* score : findCoded(context, {"Observation"}, rule.score_sets)) {
    if (!score->value || !score->start) {
      continue;
    }
    const fhir::Seconds when = *score->start;
    if (when >= baseline_from && when < trial_start) {
      if (baseline == nullptr || when > *baseline->start) {
        baseline = score;
      }
    } else if (when >= trial_start && when < followup_to) {
      if (best == nullptr || *score->value < *best->value) {
        best = score;
      }
    }
  }
  const std::string trial_label = "trial " + trial->reference() + " on " + fhir::formatDate(trial_start);
  if (baseline == nullptr || best == nullptr || *baseline->value <= 0) {
    return {Truth::Unknown,
            {trial->reference()},
            trial_label + " found, but no pain score " +
                (baseline == nullptr || *baseline->value <= 0 ? std::string("before it")
                                                              : std::string("during or after it")) +
                " to measure the reduction"};
  }
  const double percent = (*baseline->value - *best->value) / *baseline->value * 100.0;
  char summary[200];
  std::snprintf(summary, sizeof summary, "pain %g before, %g after %s: %.0f%% reduction (%.0f%% needed)",
                *baseline->value, *best->value, trial_label.c_str(), percent, rule.min_percent);
  return {percent + 1e-9 >= rule.min_percent ? Truth::True : Truth::False,
          {trial->reference(), baseline->reference(), best->reference()},
          summary};
}

} // namespace pumpcds::policy
