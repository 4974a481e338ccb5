// Evidence rule `opioid_weaning`: the opioid dose on the reference date against the highest total daily
// dose in the look-back window, both in MME/day summed over concurrent prescriptions.
#include <algorithm>
#include <cstdio>
#include <map>

#include "policies/mme.h"
#include "policies/rule_support.h"

namespace pumpcds::policy {

Outcome evaluateOpioidWeaning(const Rule& rule, const RuleContext& context) {
  const fhir::Seconds window_start = windowStart(context.as_of, rule.within_months.value_or(12));
  const fhir::Seconds window_end = context.as_of.endSeconds();
  std::map<fhir::Seconds, double> change; // MME/day starting (+) or ending (-) at each instant
  Outcome outcome;
  std::vector<std::string> unconverted;
  for (const fhir::Resource* medication : findCoded(context, rule.types, rule.value_sets)) {
    if (!overlaps(*medication, window_start, window_end)) {
      continue;
    }
    std::string why;
    const auto dose = dailyMme(*medication, *rule.strengths, *rule.factors, why);
    if (!dose) {
      unconverted.push_back(why);
      continue;
    }
    const fhir::Seconds start = std::max(medication->start.value_or(window_start), window_start);
    const fhir::Seconds end = std::min(medication->end.value_or(window_end), window_end);
    change[start] += dose->mme;
    change[end] -= dose->mme;
    outcome.evidence.push_back(medication->reference());
  }
  if (change.empty()) {
    if (!unconverted.empty()) {
      return {
          Truth::Unknown, {}, "opioid doses could not be converted to MME: " + joinWords(unconverted, "; ")};
    }
    return notFound(context.record, rule.types, rule.looks_for);
  }
  double running = 0;
  double peak = 0;
  fhir::Seconds peak_at = window_start;
  for (const auto& [at, delta] : change) {
    running += delta;
    if (at < window_end && running > peak + 1e-9) {
      peak = running;
      peak_at = at;
    }
  }
  // What is taken on the reference date: the total still running just before the window ends.
  double current = 0;
  for (const auto& [at, delta] : change) {
    if (at < window_end) {
      current += delta;
    }
  }
  current = std::max(0.0, current);
  const double percent = peak > 0 ? (peak - current) / peak * 100.0 : 0;
  char summary[200];
  std::snprintf(summary, sizeof summary,
                "opioids %.0f MME/day at the highest (%s), %.0f MME/day on %s: %.0f%% lower (%.0f%% needed)",
                peak, fhir::formatDate(peak_at).c_str(), current, context.as_of.toString().c_str(), percent,
                rule.min_percent);
  outcome.note = summary;
  if (!unconverted.empty()) {
    outcome.note += "; not converted: " + joinWords(unconverted, "; ");
  }
  outcome.truth = percent + 1e-9 >= rule.min_percent ? Truth::True : Truth::False;
  return outcome;
}

} // namespace pumpcds::policy
