// Evidence rule `opioid_weaning`: the opioid dose on the reference date against the highest total daily
// dose in the look-back window, both in MME/day summed over concurrent prescriptions.
#include <algorithm>
#include <cstdio>
#include <map>

#include "policies/mme.h"
#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

class OpioidWeaningRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets;
  const ValueSet* strengths = nullptr; ///< product -> ingredient_code, strength_value/unit
  const ValueSet* factors = nullptr;   ///< ingredient -> mme_factor_cdc2022
  std::optional<int> within_months;
  double min_percent = 50;
  /// Shorter prescriptions are acute courses (a few days after a fracture), not the long-term therapy
  /// weaning is about: they are left out.
  int min_course_days = 0;
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override { out.insert(types.begin(), types.end()); }

  const std::vector<std::string> types = {"MedicationRequest", "MedicationStatement"};
};

Outcome OpioidWeaningRule::evaluate(const RuleContext& context) const {
  const OpioidWeaningRule& rule = *this;
  const fhir::Seconds window_start = windowStart(context.as_of, rule.within_months.value_or(12));
  const fhir::Seconds window_end = context.as_of.endSeconds();
  std::map<fhir::Seconds, double> change; // MME/day starting (+) or ending (-) at each instant
  Outcome outcome;
  std::vector<std::string> unconverted;
  std::vector<std::string> acute;
  for (const fhir::Resource* medication : findCoded(context, rule.types, rule.value_sets)) {
    if (!overlaps(*medication, window_start, window_end)) {
      continue;
    }
    if (rule.min_course_days > 0 && medication->start && medication->end &&
        *medication->end - *medication->start <
            static_cast<fhir::Seconds>(rule.min_course_days) * fhir::kSecondsPerDay) {
      acute.push_back(medication->reference());
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
    Outcome none = notFound(context.record, rule.types, rule.looks_for);
    if (!acute.empty()) {
      none.note += "; acute courses shorter than " + std::to_string(rule.min_course_days) +
                   " days are not long-term therapy: " + joinWords(acute);
    }
    return none;
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
  if (!acute.empty()) {
    outcome.note += "; acute courses left out: " + joinWords(acute);
  }
  outcome.truth = percent + 1e-9 >= rule.min_percent ? Truth::True : Truth::False;
  return outcome;
}

RulePtr readOpioidWeaning(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"value_sets", "strengths", "factors", "within_months", "min_percent",
                       "min_course_days", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<OpioidWeaningRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->strengths = reader.valueSet(body, "strengths", at);
  rule->factors = reader.valueSet(body, "factors", at);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 120);
  rule->min_percent = in.optionalNumber(body, "min_percent", at).value_or(rule->min_percent);
  rule->min_course_days = in.optionalInt(body, "min_course_days", at, 1, 365).value_or(0);
  rule->looks_for = reader.looksFor(body, at);
  return rule->strengths != nullptr && rule->factors != nullptr ? rule : nullptr;
}

} // namespace

const RuleKind kOpioidWeaningKind{"opioid_weaning", readOpioidWeaning};

} // namespace pumpcds::policy
