// Evidence rule `negative_drug_test`: a drug test in the window that finds nothing the patient is not
// prescribed. Each result is read on its own: the test's own value, each component of a panel, and each
// member Observation a panel points to. A substance found is expected only when a prescription current at
// the test explains it, ingredient by ingredient (fentanyl found in a patient on oxycodone is a positive).
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "policies/lab_result.h"
#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

constexpr int kPrescriptionLookbackDays = 90;

class NegativeDrugTestRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets; ///< the drug tests
  const ValueSet* negative_results = nullptr;
  const ValueSet* positive_results = nullptr;
  /// Analyte codes with `explained_by`: the RxNorm ingredients whose prescription explains finding them.
  const ValueSet* analytes = nullptr;
  /// Drug product codes with `ingredient_code`: how a prescription's product maps to its ingredient.
  const ValueSet* ingredient_map = nullptr;
  std::optional<int> within_months;
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  // The tests, and what is prescribed (which explains an expected positive).
  void addReadTypes(std::set<std::string>& out) const override {
    out.insert({"Observation", "MedicationRequest", "MedicationStatement"});
  }
};

/// One result to judge: what it measured, how it reads, and the Observation it is part of.
struct Finding {
  const fhir::Resource* test;
  std::vector<fhir::Coding> analyte;
  std::string label;
  Polarity polarity;
};

fhir::ObservationResult ownResult(const fhir::Resource& test) {
  return {test.codes, test.text, test.value_string, test.value_codes, test.interpretation};
}

bool hasOwnResult(const fhir::Resource& test) {
  return !test.value_string.empty() || !test.value_codes.empty() || !test.interpretation.empty();
}

// Every result `test` holds: its own, its components', and its hasMember Observations' (one level).
std::vector<Finding> findingsOf(const fhir::Resource& test, const NegativeDrugTestRule& rule,
                                const RuleContext& context) {
  std::vector<Finding> out;
  const auto add = [&](const fhir::Resource& owner, const fhir::ObservationResult& result) {
    const std::vector<fhir::Coding>& analyte = result.codes.empty() ? owner.codes : result.codes;
    const std::string label = !result.text.empty() ? result.text : fhir::describe(analyte);
    out.push_back(
        {&owner, analyte, label, resultPolarity(result, *rule.negative_results, *rule.positive_results)});
  };
  const auto addAll = [&](const fhir::Resource& owner) {
    if (hasOwnResult(owner)) {
      add(owner, ownResult(owner));
    }
    for (const auto& component : owner.components) {
      add(owner, component);
    }
  };
  addAll(test);
  for (const auto& reference : test.member_references) {
    const fhir::Resource* member = context.record.find(reference);
    if (member != nullptr && member->type == "Observation" && counts(*member, context.as_of)) {
      addAll(*member);
    }
  }
  return out;
}

std::set<std::string> split(const std::string& list) {
  std::set<std::string> out;
  std::stringstream stream(list);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) {
      out.insert(item);
    }
  }
  return out;
}

// The RxNorm ingredients of a prescription: its own code when it is an ingredient, and what the map says.
std::set<std::string> ingredientsOf(const fhir::Resource& medication, const ValueSet& map) {
  std::set<std::string> out;
  for (const auto& code : medication.codes) {
    if (code.system != fhir::systems::kRxNorm) {
      continue;
    }
    out.insert(code.code);
    if (const CodeProperties* properties = map.properties(code)) {
      if (std::string ingredient = properties->string("ingredient_code"); !ingredient.empty()) {
        out.insert(std::move(ingredient));
      }
    }
  }
  return out;
}

enum class Explained { Yes, No, CannotTell };

// Whether a prescription current at the test explains the substance found.
Explained explained(const Finding& finding, const NegativeDrugTestRule& rule, const RuleContext& context,
                    std::string& by) {
  std::set<std::string> explaining;
  for (const auto& code : finding.analyte) {
    if (const CodeProperties* properties = rule.analytes->properties(code)) {
      const auto listed = split(properties->string("explained_by"));
      explaining.insert(listed.begin(), listed.end());
    }
  }
  if (explaining.empty()) {
    return Explained::No; // nothing anyone prescribes (or an analyte the library does not know)
  }
  if (!context.record.wasRead("MedicationRequest") && !context.record.wasRead("MedicationStatement")) {
    return Explained::CannotTell;
  }
  const fhir::Seconds at = finding.test->start.value_or(context.as_of.startSeconds());
  for (const char* type : {"MedicationRequest", "MedicationStatement"}) {
    for (const auto& medication : context.record.ofType(type)) {
      if (!counts(medication, context.as_of) ||
          !overlaps(medication, at - kPrescriptionLookbackDays * fhir::kSecondsPerDay,
                    at + fhir::kSecondsPerDay)) {
        continue;
      }
      for (const auto& ingredient : ingredientsOf(medication, *rule.ingredient_map)) {
        if (explaining.count(ingredient) != 0) {
          by = medication.reference();
          return Explained::Yes;
        }
      }
    }
  }
  return Explained::No;
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
  std::vector<std::string> doubts;
  for (const auto& [day, tests] : by_day) {
    const std::string date = fhir::formatDate(day * fhir::kSecondsPerDay);
    std::vector<Finding> findings;
    for (const fhir::Resource* test : tests) {
      const auto found = findingsOf(*test, rule, context);
      findings.insert(findings.end(), found.begin(), found.end());
    }
    bool any_result = false;
    std::vector<std::string> unexplained;
    std::vector<std::string> undecided;
    std::set<std::string> evidence;
    for (const auto& finding : findings) {
      evidence.insert(finding.test->reference());
      if (finding.polarity == Polarity::NoResult) {
        continue;
      }
      any_result = true;
      if (finding.polarity == Polarity::Negative) {
        continue;
      }
      std::string by;
      switch (explained(finding, rule, context, by)) {
      case Explained::Yes:
        break;
      case Explained::No:
        unexplained.push_back(finding.label);
        positive.evidence.push_back(finding.test->reference());
        break;
      case Explained::CannotTell:
        undecided.push_back(finding.label);
        break;
      }
    }
    if (any_result && unexplained.empty() && undecided.empty()) {
      return {Truth::True,
              {evidence.begin(), evidence.end()},
              "negative drug test on " + date + " (anything found is prescribed)"};
    }
    if (!unexplained.empty() && positive.note.empty()) {
      positive.note =
          "drug test on " + date + " found " + joinWords(unexplained) + ", not prescribed to the patient";
    }
    if (!any_result) {
      doubts.push_back("the drug test on " + date + " has no readable result");
    } else if (!undecided.empty()) {
      doubts.push_back("the drug test on " + date + " found " + joinWords(undecided) +
                       ", and prescriptions were not read to tell whether it is prescribed");
    }
  }
  if (!positive.evidence.empty()) {
    positive.truth = Truth::False;
    return positive;
  }
  return {
      Truth::Unknown, {}, doubts.empty() ? std::string("no negative drug test") : joinWords(doubts, "; ")};
}

RulePtr readNegativeDrugTest(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at,
                      {"value_sets", "within_months", "negative_results", "positive_results", "analytes",
                       "ingredient_map", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<NegativeDrugTestRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->negative_results = reader.valueSet(body, "negative_results", at);
  rule->positive_results = reader.valueSet(body, "positive_results", at);
  rule->analytes = reader.valueSet(body, "analytes", at);
  rule->ingredient_map = reader.valueSet(body, "ingredient_map", at);
  rule->within_months = in.optionalInt(body, "within_months", at, 1, 1200);
  rule->looks_for = reader.looksFor(body, at);
  const bool complete = rule->negative_results != nullptr && rule->positive_results != nullptr &&
                        rule->analytes != nullptr && rule->ingredient_map != nullptr;
  return complete ? rule : nullptr;
}

} // namespace

const RuleKind kNegativeDrugTestKind{"negative_drug_test", readNegativeDrugTest};

} // namespace pumpcds::policy
