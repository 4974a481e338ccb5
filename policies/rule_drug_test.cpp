// Evidence rule `negative_drug_test`: a drug test in the window that shows no substance that is not
// prescribed. An opioid found in a patient on an opioid is expected, not a positive (DESIGN.md).
#include <algorithm>
#include <map>

#include "fhir/text.h"

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

enum class Polarity { Negative, Positive, NoResult };

/// A drug-test class that is expected to be positive when the patient is prescribed its drugs.
struct ExpectedPositive {
  const ValueSet* tests = nullptr;
  const ValueSet* medications = nullptr;
};

class NegativeDrugTestRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets; ///< the drug tests
  const ValueSet* negative_results = nullptr;
  const ValueSet* positive_results = nullptr;
  std::vector<ExpectedPositive> expected_positives;
  std::optional<int> within_months;
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  // The test, and what is prescribed (an expected positive).
  void addReadTypes(std::set<std::string>& out) const override {
    out.insert({"Observation", "MedicationRequest", "MedicationStatement"});
  }
};

bool startsWithWord(const std::string& text, std::string_view prefix) {
  return fhir::lowerCase(text).rfind(prefix, 0) == 0;
}

Polarity polarityOf(const fhir::Resource& test, const NegativeDrugTestRule& rule) {
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
std::optional<bool> isPrescribed(const fhir::Resource& test, const NegativeDrugTestRule& rule,
                                 const RuleContext& context) {
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

Outcome NegativeDrugTestRule::evaluate(const RuleContext& context) const {
  const NegativeDrugTestRule& rule = *this;
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

RulePtr readNegativeDrugTest(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"value_sets", "within_months", "negative_results", "positive_results",
                       "expected_when_prescribed", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<NegativeDrugTestRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->negative_results = reader.valueSet(body, "negative_results", at);
  rule->positive_results = reader.valueSet(body, "positive_results", at);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 1200);
  rapidjson::SizeType index = 0;
  for (const fhir::JsonValue* pair : fhir::items(fhir::member(body, "expected_when_prescribed"))) {
    const std::string pair_at = at + "/expected_when_prescribed/" + std::to_string(index++);
    if (in.checkObject(pair, pair_at, {"tests", "medications"})) {
      rule->expected_positives.push_back(
          {reader.valueSet(*pair, "tests", pair_at), reader.valueSet(*pair, "medications", pair_at)});
    }
  }
  rule->looks_for = reader.looksFor(body, at);
  const bool complete = rule->negative_results != nullptr && rule->positive_results != nullptr &&
                        std::all_of(rule->expected_positives.begin(), rule->expected_positives.end(),
                                    [](const ExpectedPositive& e) { return e.tests && e.medications; });
  return complete ? rule : nullptr;
}

} // namespace

const RuleKind kNegativeDrugTestKind{"negative_drug_test", readNegativeDrugTest};

} // namespace pumpcds::policy
