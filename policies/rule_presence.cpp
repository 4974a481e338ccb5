// Evidence rules about what is on record: `has` (a coded resource) and `latest_value` (an observation).
#include <algorithm>

#include "policies/rule_support.h"

namespace pumpcds::policy {
namespace {

std::string dateOf(const fhir::Resource& resource) {
  return resource.start ? fhir::formatDate(*resource.start) : std::string("undated");
}

std::string found(const fhir::Resource& resource) {
  return resource.text.empty() ? fhir::describe(resource.codes) : resource.text;
}

} // namespace

Outcome evaluateHas(const Rule& rule, const RuleContext& context) {
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
      const fhir::Seconds latest_onset = context.as_of.addMonths(-*rule.min_months).endSeconds();
      if (!resource->start || *resource->start >= latest_onset) {
        too_recent.push_back(found(*resource) + " (" + resource->reference() + ", onset " +
                             dateOf(*resource) + ")");
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

Outcome evaluateLatestValue(const Rule& rule, const RuleContext& context) {
  if (rule.min_age_years) {
    // A cut-off for adults (BMI < 18.5) says nothing about a child, whose BMI is judged for age and sex.
    for (const auto& patient : context.record.ofType("Patient")) {
      if (patient.birth_date && patient.birth_date->addMonths(12 * *rule.min_age_years) > context.as_of) {
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

} // namespace pumpcds::policy
