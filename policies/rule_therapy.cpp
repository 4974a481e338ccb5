// Evidence rule `therapy_duration`: how many months of a therapy the record shows inside a window.
// Sessions (dated points) and periods are merged on a timeline, so overlapping records are not double
// counted; sessions no more than max_gap_days apart count as continuous therapy between them.
#include <algorithm>
#include <cmath>

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

struct Span {
  fhir::Seconds start;
  fhir::Seconds end;
};

// Therapy that was done, not only ordered or booked: a completed order, a finished or ongoing encounter, a
// performed procedure (a stopped one was done until it stopped). counts() already drops planned,
// cancelled and not-done records.
bool done(const fhir::Resource& resource) {
  const std::string& status = resource.status;
  if (resource.type == "ServiceRequest") {
    return status == "completed";
  }
  if (resource.type == "Encounter") {
    return status.empty() || status == "finished" || status == "in-progress" || status == "onleave";
  }
  if (resource.type == "Procedure") {
    return status.empty() || status == "completed" || status == "in-progress" || status == "stopped";
  }
  if (resource.type == "CarePlan") {
    return status.empty() || status == "active" || status == "completed";
  }
  return true;
}

// Therapy records: coded as the therapy, or filed under it (a Procedure whose category is "Physical
// therapy procedure" is a physical therapy session whatever its own code). A care plan counts by the
// activities it did, not by what it is filed under.
std::vector<const fhir::Resource*> therapyRecords(const RuleContext& context,
                                                  const std::vector<std::string>& types,
                                                  const std::vector<const ValueSet*>& sets) {
  std::vector<const fhir::Resource*> found;
  for (const auto& type : types) {
    for (const auto& resource : context.record.ofType(type)) {
      if (counts(resource, context.as_of) && done(resource) &&
          (inAny(sets, resource.codes) ||
           (resource.type != "CarePlan" && inAny(sets, resource.categories)))) {
        found.push_back(&resource);
      }
    }
  }
  return found;
}

class TherapyDurationRule final : public Rule {
public:
  std::vector<std::string> types;
  std::vector<const ValueSet*> value_sets;
  int min_months = 0;
  std::optional<int> within_months;
  int max_gap_days = 31; ///< sessions closer than this join into one span
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override { out.insert(types.begin(), types.end()); }
};

Outcome TherapyDurationRule::evaluate(const RuleContext& context) const {
  const TherapyDurationRule& rule = *this;
  const fhir::Seconds window_start = windowStart(context.as_of, rule.within_months.value_or(12));
  const fhir::Seconds window_end = context.as_of.endSeconds();
  std::vector<Span> spans;
  Outcome outcome;
  for (const fhir::Resource* resource : therapyRecords(context, rule.types, rule.value_sets)) {
    if (!overlaps(*resource, window_start, window_end)) {
      continue;
    }
    const fhir::Seconds start = std::max(resource->start.value_or(window_start), window_start);
    const fhir::Seconds end = std::min(resource->end.value_or(window_end), window_end);
    spans.push_back({start, std::max(end, start + fhir::kSecondsPerDay)});
    outcome.evidence.push_back(resource->reference());
  }
  if (spans.empty()) {
    return notFound(context.record, rule.types,
                    rule.looks_for + " in the last " + std::to_string(rule.within_months.value_or(12)) +
                        " months");
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  const fhir::Seconds max_gap = static_cast<fhir::Seconds>(rule.max_gap_days) * fhir::kSecondsPerDay;
  std::vector<Span> merged{spans.front()};
  for (const Span& span : spans) {
    Span& last = merged.back();
    if (span.start <= last.end + max_gap) {
      last.end = std::max(last.end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  fhir::Seconds covered = 0;
  for (const Span& span : merged) {
    covered += span.end - span.start;
  }
  // N months of therapy: as many days as the N calendar months that end on the last day of therapy
  // (6 months to 2025-11-19 is 2025-05-20 to 2025-11-19, 184 days).
  const fhir::Date last_day = fhir::Date::fromDays((merged.back().end - 1) / fhir::kSecondsPerDay);
  const fhir::Seconds needed = last_day.endSeconds() - monthsBefore(last_day, rule.min_months).endSeconds();
  const auto days = static_cast<int>(covered / fhir::kSecondsPerDay);
  char summary[200];
  std::snprintf(summary, sizeof summary, "%d days from %s to %s in %zu %s", days,
                fhir::formatDate(merged.front().start).c_str(), last_day.toString().c_str(),
                outcome.evidence.size(), outcome.evidence.size() == 1 ? "record" : "records");
  if (covered >= needed) {
    outcome.truth = Truth::True;
    outcome.note = rule.looks_for + ": " + summary;
    return outcome;
  }
  // Too little therapy on record is not proof of too little therapy: documentation is missing.
  outcome.truth = Truth::Absent;
  outcome.note = "only " + std::string(summary) + " of " + rule.looks_for + "; " +
                 std::to_string(rule.min_months) + " months are needed";
  return outcome;
}

RulePtr readTherapyDuration(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"types", "value_sets", "min_months", "within_months", "max_gap_days", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<TherapyDurationRule>();
  rule->types = in.stringList(body, "types", at, true);
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  const auto min_months = in.optionalInt(body, "min_months", at, 1, 120);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 1200);
  rule->max_gap_days = in.optionalInt(body, "max_gap_days", at, 1, 365).value_or(rule->max_gap_days);
  rule->looks_for = reader.looksFor(body, at);
  if (!min_months) {
    in.fail(at + "/min_months", "missing, expected the months of therapy required");
    return nullptr;
  }
  rule->min_months = *min_months;
  return rule;
}

} // namespace

const RuleKind kTherapyDurationKind{"therapy_duration", readTherapyDuration};

} // namespace pumpcds::policy
