#include "policies/evaluator.h"

#include <algorithm>
#include <set>

#include "policies/rule_support.h"
#include "policies/rules.h"

namespace pumpcds::policy {
namespace {

// The status a rule's truth gives a criterion of `role`.
CriterionStatus statusOf(Truth truth, CriterionRole role) {
  switch (truth) {
  case Truth::True:
    return CriterionStatus::Met;
  case Truth::False:
    return CriterionStatus::Unmet;
  case Truth::Absent:
    // Looked for in data that was read and not there: missing documentation for a requirement, but
    // for a prior-authorization rule (an exemption) the record shows it does not apply.
    return role == CriterionRole::PriorAuth ? CriterionStatus::Unmet : CriterionStatus::Missing;
  case Truth::Unknown:
    return CriterionStatus::Missing;
  }
  return CriterionStatus::Missing;
}

// How a person reads a piece of evidence: what it is and when, from the record or the request's orders.
std::string evidenceLabel(const fhir::PatientRecord& record, const std::vector<fhir::Resource>& draft_orders,
                          const std::string& reference) {
  const fhir::Resource* resource = record.find(reference);
  for (const auto& order : draft_orders) {
    if (resource == nullptr && order.reference() == reference) {
      resource = &order;
    }
  }
  if (resource == nullptr) {
    return reference.substr(0, reference.find('/'));
  }
  std::string what = !resource->text.empty() ? resource->text : fhir::describe(resource->codes);
  if (what.empty()) {
    what = resource->type;
  }
  if (resource->authored_date) {
    return what + ", " + resource->authored_date->toString();
  }
  return resource->start ? what + ", " + fhir::formatDate(*resource->start) : what;
}

} // namespace

Origin determineOrigin(const Policy& policy, const EvaluationInput& input,
                       std::vector<std::string>& evidence) {
  const RuleContext context{input.record, input.draft_orders, input.as_of, {}, nullptr};
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
  result.record_issues = input.record.issuesFor(policy.read_types);
  for (const auto& criterion : policy.criteria) {
    if (!criterion.appliesTo(order.kind, result.origin)) {
      continue;
    }
    const RuleContext context{input.record, input.draft_orders, input.as_of, criterion.id, &order, &policy};
    Outcome outcome = criterion.rule->evaluate(context);
    CriterionResult criterion_result;
    criterion_result.criterion = &criterion;
    criterion_result.status = statusOf(outcome.truth, criterion.role);
    if (outcome.truth == Truth::Unknown) {
      std::set<std::string> read_types;
      criterion.rule->addReadTypes(read_types);
      criterion_result.unchecked =
          std::any_of(read_types.begin(), read_types.end(),
                      [&](const std::string& type) { return !input.record.wasRead(type); });
    }
    for (auto& reference : outcome.evidence) {
      if (std::find(criterion_result.evidence.begin(), criterion_result.evidence.end(), reference) ==
          criterion_result.evidence.end()) {
        criterion_result.evidence.push_back(std::move(reference));
      }
    }
    for (const auto& reference : criterion_result.evidence) {
      criterion_result.evidence_labels.push_back(evidenceLabel(input.record, input.draft_orders, reference));
    }
    criterion_result.note = std::move(outcome.note);
    result.criteria.push_back(std::move(criterion_result));
  }
  result.decision = decide(result.criteria);
  return result;
}

} // namespace pumpcds::policy
