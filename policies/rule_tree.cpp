// The all / any / not combinators and the dispatch to evidence rules.
#include "policies/rules.h"

namespace pumpcds::policy {
namespace {

// Precedence for `all`: one False decides; else an Unknown; else an Absent; else True.
int allRank(Truth truth) {
  switch (truth) {
  case Truth::False:
    return 3;
  case Truth::Unknown:
    return 2;
  case Truth::Absent:
    return 1;
  case Truth::True:
    return 0;
  }
  return 2;
}

// Precedence for `any`: one True decides; else an Unknown; else an Absent; else False.
int anyRank(Truth truth) {
  switch (truth) {
  case Truth::True:
    return 3;
  case Truth::Unknown:
    return 2;
  case Truth::Absent:
    return 1;
  case Truth::False:
    return 0;
  }
  return 2;
}

void append(std::string& notes, const std::string& note) {
  if (note.empty()) {
    return;
  }
  if (!notes.empty()) {
    notes += "; ";
  }
  notes += note;
}

std::vector<Outcome> evaluateChildren(const Rule& rule, const RuleContext& context) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(rule.children.size());
  for (const auto& child : rule.children) {
    outcomes.push_back(evaluateRule(child, context));
  }
  return outcomes;
}

Outcome combine(std::vector<Outcome> outcomes, int (*rank)(Truth)) {
  Truth decided = rank == allRank ? Truth::True : Truth::False;
  for (const auto& outcome : outcomes) {
    if (rank(outcome.truth) > rank(decided)) {
      decided = outcome.truth;
    }
  }
  // Report the evidence and notes of the children that agree with the result; when it is unknown, also
  // those that looked and found nothing, since together they say what is missing.
  Outcome combined{decided, {}, {}};
  for (auto& outcome : outcomes) {
    if (outcome.truth == decided || (decided == Truth::Unknown && outcome.truth == Truth::Absent)) {
      combined.evidence.insert(combined.evidence.end(), outcome.evidence.begin(), outcome.evidence.end());
      append(combined.note, outcome.note);
    }
  }
  return combined;
}

} // namespace

Outcome evaluateRule(const Rule& rule, const RuleContext& context) {
  switch (rule.kind) {
  case RuleKind::All:
    return combine(evaluateChildren(rule, context), allRank);
  case RuleKind::Any:
    return combine(evaluateChildren(rule, context), anyRank);
  case RuleKind::FirstKnown: {
    // Coded data that shows the answer either way wins over what only an attestation could add.
    std::vector<Outcome> outcomes = evaluateChildren(rule, context);
    for (auto& outcome : outcomes) {
      if (outcome.truth == Truth::True || outcome.truth == Truth::False) {
        return std::move(outcome);
      }
    }
    return combine(std::move(outcomes), anyRank);
  }
  case RuleKind::Not: {
    Outcome inner = evaluateRule(rule.children.front(), context);
    switch (inner.truth) {
    case Truth::True:
      inner.truth = Truth::False;
      break;
    case Truth::False:
    case Truth::Absent: // looked for in data that was read, and not there: "no X" holds
      inner.truth = Truth::True;
      break;
    case Truth::Unknown:
      break;
    }
    return inner;
  }
  case RuleKind::Has:
    return evaluateHas(rule, context);
  case RuleKind::LatestValue:
    return evaluateLatestValue(rule, context);
  case RuleKind::NegativeDrugTest:
    return evaluateNegativeDrugTest(rule, context);
  case RuleKind::TherapyDuration:
    return evaluateTherapyDuration(rule, context);
  case RuleKind::PainReduction:
    return evaluatePainReduction(rule, context);
  case RuleKind::Documented:
    return evaluateDocumented(rule, context);
  case RuleKind::OrderedDrug:
    return evaluateOrderedDrug(rule, context);
  case RuleKind::AllergyToOrderedDrug:
    return evaluateAllergyToOrderedDrug(rule, context);
  case RuleKind::OrderIs:
    return evaluateOrderIs(rule, context);
  case RuleKind::OpioidWeaning:
    return evaluateOpioidWeaning(rule, context);
  }
  return {Truth::Unknown, {}, "unsupported rule"};
}

void collectReadTypes(const Rule& rule, std::set<std::string>& types) {
  switch (rule.kind) {
  case RuleKind::All:
  case RuleKind::Any:
  case RuleKind::Not:
  case RuleKind::FirstKnown:
    break;
  case RuleKind::Has:
  case RuleKind::TherapyDuration:
  case RuleKind::OpioidWeaning:
    types.insert(rule.types.begin(), rule.types.end());
    break;
  case RuleKind::LatestValue:
    types.insert("Observation");
    break;
  case RuleKind::NegativeDrugTest: // the test, and what is prescribed (an expected positive)
    types.insert({"Observation", "MedicationRequest", "MedicationStatement"});
    break;
  case RuleKind::PainReduction: // the trial procedure and the pain scores around it
    types.insert({"Procedure", "Observation"});
    break;
  case RuleKind::Documented:
    types.insert({"QuestionnaireResponse", "DocumentReference"});
    break;
  case RuleKind::AllergyToOrderedDrug:
    types.insert("AllergyIntolerance");
    break;
  case RuleKind::OrderedDrug:
  case RuleKind::OrderIs:
    break; // the request's own draft orders
  }
  for (const auto& child : rule.children) {
    collectReadTypes(child, types);
  }
}

} // namespace pumpcds::policy
