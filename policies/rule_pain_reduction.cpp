// Evidence rule `pain_reduction`: the percent fall in pain from the last score before the latest trial
// procedure to the lowest score during it or within followup_days after it.
#include <algorithm>
#include <cstdio>

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

class PainReductionRule final : public Rule {
public:
  std::vector<const ValueSet*> trial_sets;
  std::vector<const ValueSet*> score_sets;
  double min_percent = 50;
  int baseline_days = 30; ///< how far before the trial a baseline may be
  int followup_days = 3;  ///< how long after the trial scores count
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  // The trial procedure and the pain scores around it.
  void addReadTypes(std::set<std::string>& out) const override { out.insert({"Procedure", "Observation"}); }
};

Outcome PainReductionRule::evaluate(const RuleContext& context) const {
  const PainReductionRule& rule = *this;
  const auto trials = findCoded(context, {"Procedure"}, rule.trial_sets);
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
  const std::string trial_label = "the trial on " + fhir::formatDate(trial_start);
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

RulePtr readPainReduction(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"trial_value_sets", "score_value_sets", "min_percent", "baseline_days",
                       "followup_days", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<PainReductionRule>();
  rule->trial_sets = reader.valueSets(body, "trial_value_sets", at, true);
  rule->score_sets = reader.valueSets(body, "score_value_sets", at, true);
  rule->min_percent = in.optionalNumber(body, "min_percent", at).value_or(rule->min_percent);
  rule->baseline_days = in.optionalInt(body, "baseline_days", at, 0, 365).value_or(rule->baseline_days);
  rule->followup_days = in.optionalInt(body, "followup_days", at, 0, 365).value_or(rule->followup_days);
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

} // namespace

const RuleKind kPainReductionKind{"pain_reduction", readPainReduction};

} // namespace pumpcds::policy
