// Evidence rule `negative_drug_test`: a drug test in the window that shows no substance that is not
// prescribed. An opioid found in a patient on an opioid is expected, not a positive (DESIGN.md).
#include <map>

#include "fhir/text.h"

#include "policies/rule_support.h"

namespace pumpcds::policy {
namespace {

enum class Polarity { Negative, Positive, NoResult };

bool startsWithWord(const std::string& text, std::string_view prefix) {
  return fhir::lowerCase(text).rfind(prefix, 0) == 0;
}

Polarity polarityOf(const fhir::Resource& test, const Rule& rule) {
  if (rule.negative_results->containsAny(test.interpretation) ||
      rule.negative_results->containsAny(test.value_codes) || startsWithWord(test.value_string, "neg") ||
      startsWithWord(test.value_string, "not detected")) {
    return Polarity::Negative;
  }
  if (rule.positive_results->containsAny(test.interpretation) ||
      rule.positive_results->containsAny(test.value_codes) || startsWithWord(test.value_string, "pos") ||
      startsWithWord(test.value_string, "detected")) {
    return Polarity::Positive;
  }
  return Polarity::NoResult;
}

constexpr int kPrescriptionLookbackDays = 90;

// Whether a positive result is explained by a prescription current at the time of the test.
// nullopt when it could be, but medications were not read.
std::optional<bool> isPrescribed(const fhir::Resource& test, const Rule& rule, const RuleContext& context) {
  const fhir::Seconds test_time = test.start.value_or(context.as_of.startSeconds());
  bool could_be_expected = false;
  for (const auto& expected : rule.expected_positives) {
    if (!expected.tests->containsAny(test.codes)) {
      continue;
    }
    could_be_expected = true;
    for (const char* type : {"MedicationRequest", "MedicationStatement"}) {
      for (const auto& medication : context.record.ofType(type)) {
        if (counts(medication, context.as_of) && expected.medications->containsAny(medication.codes) &&
            overlaps(medication, test_time - kPrescriptionLookbackDays * fhir::kSecondsPerDay,
                     test_time + fhir::kSecondsPerDay)) {
          return true;
        }
      }
    }
  }
  if (!could_be_expected) {
    return false;
  }
  if (!context.record.wasRead("MedicationRequest") && !context.record.wasRead("MedicationStatement")) {
    return std::nullopt;
  }
  return false;
}

} // namespace

Outcome evaluateNegativeDrugTest(const Rule& rule, const RuleContext& context) {
  const fhir::Seconds start = windowStart(context.as_of, rule.within_months.value_or(12));
  std::map<fhir::Seconds, std::vector<const fhir::Resource*>, std::greater<>> by_day; // newest first
  std::optional<fhir::Seconds> latest_before_window;
  for (const fhir::Resource* test : findCoded(context, {"Observation"}, rule.value_sets)) {
    if (test->start && overlaps(*test, start, context.as_of.endSeconds())) {
      by_day[*test->start / fhir::kSecondsPerDay].push_back(test);
    } else if (test->start && (!latest_before_window || *test->start > *latest_before_window)) {
      latest_before_window = test->start;
    }
  }
  if (by_day.empty()) {
    Outcome outcome = notFound(context.record, {"Observation"}, rule.looks_for);
    if (latest_before_window) {
      outcome.note += "; the latest drug test on record is from " + fhir::formatDate(*latest_before_window);
    }
    return outcome;
  }
  Outcome positive{Truth::Unknown, {}, {}};
  bool unresolved = false;
  for (const auto& [day, tests] : by_day) {
    bool any_result = false;
    bool day_positive = false;
    bool day_unresolved = false;
    std::vector<std::string> found_substances;
    for (const fhir::Resource* test : tests) {
      switch (polarityOf(*test, rule)) {
      case Polarity::Negative:
        any_result = true;
        break;
      case Polarity::Positive: {
        any_result = true;
        const auto prescribed = isPrescribed(*test, rule, context);
        if (!prescribed) {
          day_unresolved = true;
        } else if (!*prescribed) {
          day_positive = true;
          positive.evidence.push_back(test->reference());
          found_substances.push_back(test->text.empty() ? fhir::describe(test->codes) : test->text);
        }
        break;
      }
      case Polarity::NoResult:
        break;
      }
    }
    const std::string date = fhir::formatDate(day * fhir::kSecondsPerDay);
    if (any_result && !day_positive && !day_unresolved) {
      Outcome negative{Truth::True, {}, "negative drug test on " + date};
      for (const fhir::Resource* test : tests) {
        negative.evidence.push_back(test->reference());
      }
      return negative;
    }
    if (day_positive && positive.note.empty()) {
      positive.note = "drug test on " + date + " positive for " + joinWords(found_substances) +
                      ", which is not prescribed";
    }
    unresolved = unresolved || day_unresolved || !any_result;
  }
  if (!positive.evidence.empty()) {
    positive.truth = Truth::False;
    return positive;
  }
  return {Truth::Unknown,
          {},
          unresolved ? "drug tests in the window have no readable result, or positives could not be checked "
                       "against prescriptions"
                     : "no negative drug test"};
}

} // namespace pumpcds::policy
