#include "policies/evaluator.h"

#include <algorithm>

#include "policies/rule_support.h"
#include "policies/rules.h"

namespace pumpcds::policy {

Origin determineOrigin(const Policy& policy, const EvaluationInput& input,
                       std::vector<std::string>& evidence) {
  const RuleContext context{input.record, input.draft_orders, input.as_of, {}};
  for (const fhir::Resource* condition : findCoded(context, {"Condition"}, policy.malignant_sets)) {
    evidence.push_back(condition->reference());
  }
  if (!evidence.empty()) {
    return Origin::Malignant;
  }
  return input.record.wasRead("Condition") ? Origin::NonMalignant : Origin::Unknown;
}

OrderDetermination evaluateOrder(const Policy& policy, const PumpOrder& order, const EvaluationInput& input) {
  OrderDetermination result;
  result.order = order;
  result.as_of = input.as_of;
  result.policy = &policy;
  result.origin = determineOrigin(policy, input, result.origin_evidence);
  result.record_issues = input.record.issues();
  for (const auto& criterion : policy.criteria) {
    if (!criterion.appliesTo(order.kind, result.origin)) {
      continue;
    }
    const RuleContext context{input.record, input.draft_orders, input.as_of, criterion.id};
    Outcome outcome = evaluateRule(criterion.rule, context);
    CriterionResult criterion_result;
    criterion_result.criterion = &criterion;
    switch (outcome.truth) {
    case Truth::True:
      criterion_result.status = CriterionStatus::Met;
      break;
    case Truth::False:
      criterion_result.status = CriterionStatus::Unmet;
      break;
    case Truth::Absent:
    case Truth::Unknown:
      criterion_result.status = CriterionStatus::Missing;
      break;
    }
    for (auto& reference : outcome.evidence) {
      if (std::find(criterion_result.evidence.begin(), criterion_result.evidence.end(), reference) ==
          criterion_result.evidence.end()) {
        criterion_result.evidence.push_back(std::move(reference));
      }
    }
    criterion_result.note = std::move(outcome.note);
    result.criteria.push_back(std::move(criterion_result));
  }
  result.decision = decide(result.criteria);
  return result;
}

} // namespace pumpcds::policy
