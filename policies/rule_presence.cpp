// Evidence rules about what is on record: `has` (a coded resource) and `latest_value` (an observation).
#include <algorithm>

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

std::string dateOf(const fhir::Resource& resource) {
  return resource.start ? fhir::formatDate(*resource.start) : std::string("undated");
}

std::string found(const fhir::Resource& resource) {
  return resource.text.empty() ? fhir::describe(resource.codes) : resource.text;
}

class HasRule final : public Rule {
public:
  std::vector<std::string> types;
  std::vector<const ValueSet*> value_sets;
  std::optional<int> within_months; ///< overlapping this look-back window
  std::optional<int> min_months;    ///< onset at least this long ago
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override { out.insert(types.begin(), types.end()); }
};

class LatestValueRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets;
  std::optional<int> within_months;
  std::optional<double> below;      ///< value < below holds
  std::optional<double> at_least;   ///< value >= at_least holds
  std::optional<int> min_age_years; ///< the bounds are for patients this old; younger: unknown
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override { out.insert("Observation"); }
};

Outcome HasRule::evaluate(const RuleContext& context) const {
  const HasRule& rule = *this;
  std::vector<const fhir::Resource*> candidates = findCoded(context, rule.types, rule.value_sets);
  if (rule.within_months) {
    const fhir::Seconds start = windowStart(context.as_of, *rule.within_months);
    std::erase_if(candidates, [&](const fhir::Resource* resource) {
      return !overlaps(*resource, start, context.as_of.endSeconds());
    });
  }
  Outcome outcome;
  std::vector<std::string> too_recent;
  for (const fhir::Resource* resource : candidates) {
    if (rule.min_months) {
      const fhir::Seconds latest_onset = monthsBefore(context.as_of, *rule.min_months).endSeconds();
      if (!resource->start || *resource->start >= latest_onset) {
        too_recent.push_back(found(*resource) + " (onset " + dateOf(*resource) + ")");
        continue;
      }
    }
    outcome.evidence.push_back(resource->reference());
    if (outcome.note.empty()) {
      outcome.note = "found " + found(*resource) + " (" + dateOf(*resource) + ")";
    }
  }
  if (!outcome.evidence.empty()) {
    if (outcome.evidence.size() > 1) {
      outcome.note += " and " + std::to_string(outcome.evidence.size() - 1) + " more";
    }
    outcome.truth = Truth::True;
    return outcome;
  }
  if (!too_recent.empty()) {
    return {Truth::Absent,
            {},
            rule.looks_for + " is on record but not for " + std::to_string(*rule.min_months) +
                " months: " + joinWords(too_recent)};
  }
  return notFound(context.record, rule.types, rule.looks_for);
}

Outcome LatestValueRule::evaluate(const RuleContext& context) const {
  const LatestValueRule& rule = *this;
  if (rule.min_age_years) {
    // A cut-off for adults (BMI < 18.5) says nothing about a child, whose BMI is judged for age and sex.
    for (const auto& patient : context.record.ofType("Patient")) {
      if (patient.birth_date && monthsBefore(context.as_of, 12 * *rule.min_age_years) < *patient.birth_date) {
        return {Truth::Unknown,
                {},
                "the patient is under " + std::to_string(*rule.min_age_years) + " on " +
                    context.as_of.toString() +
                    " and the cut-off is for adults: a clinician's assessment for age is needed"};
      }
    }
  }
  std::vector<const fhir::Resource*> candidates = findCoded(context, {"Observation"}, rule.value_sets);
  const fhir::Seconds start = rule.within_months ? windowStart(context.as_of, *rule.within_months)
                                                 : std::numeric_limits<fhir::Seconds>::min();
  std::erase_if(candidates, [&](const fhir::Resource* resource) {
    return !resource->value || !overlaps(*resource, start, context.as_of.endSeconds());
  });
  if (candidates.empty()) {
    // No measurement says nothing either way: the value cannot be judged.
    Outcome outcome = notFound(context.record, {"Observation"}, rule.looks_for);
    outcome.truth = Truth::Unknown;
    return outcome;
  }
  const fhir::Resource* latest = *std::max_element(candidates.begin(), candidates.end(),
                                                   [](const fhir::Resource* a, const fhir::Resource* b) {
                                                     return a->start.value_or(0) < b->start.value_or(0);
                                                   });
  const double value = *latest->value;
  const bool holds = (!rule.below || value < *rule.below) && (!rule.at_least || value >= *rule.at_least);
  char number[32];
  std::snprintf(number, sizeof number, "%g", value);
  return {holds ? Truth::True : Truth::False,
          {latest->reference()},
          "latest " + found(*latest) + " is " + number +
              (latest->value_unit.empty() ? "" : " " + latest->value_unit) + " (" + dateOf(*latest) + ")"};
}

RulePtr readHas(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"types", "value_sets", "within_months", "onset_at_least_months", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<HasRule>();
  rule->types = in.stringList(body, "types", at, true);
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 1200);
  rule->min_months = in.optionalInt(body, "onset_at_least_months", at, 1, 1200);
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

RulePtr readLatestValue(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"value_sets", "within_months", "below", "at_least", "min_age_years", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<LatestValueRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 1200);
  rule->min_age_years = in.optionalInt(body, "min_age_years", at, 1, 150);
  rule->below = in.optionalNumber(body, "below", at);
  rule->at_least = in.optionalNumber(body, "at_least", at);
  if (!rule->below && !rule->at_least) {
    in.fail(at, "give \"below\" or \"at_least\"");
  }
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

} // namespace

const RuleKind kHasKind{"has", readHas};
const RuleKind kLatestValueKind{"latest_value", readLatestValue};

} // namespace pumpcds::policy
