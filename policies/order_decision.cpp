#include "policies/order_decision.h"

#include <algorithm>

#include "policies/fee_estimate.h"

namespace pumpcds::policy {
namespace {

const CriterionResult* findResult(const std::vector<CriterionResult>& results, const std::string& label) {
  for (const auto& result : results) {
    if (result.criterion->label == label) {
      return &result;
    }
  }
  return nullptr;
}

std::string cite(const Policy& policy, const CriterionResult& result) {
  return policy.citation + " " + result.criterion->label + " (" + result.criterion->short_name + ")";
}

} // namespace

PriorAuth decidePriorAuth(const Policy& policy, const std::vector<CriterionResult>& results,
                          std::string& reason) {
  const PriorAuthSpec& spec = *policy.prior_auth;
  for (const auto& label : spec.not_required_when) {
    if (const auto* result = findResult(results, label); result && result->status == CriterionStatus::Met) {
      reason = "no prior authorization for this order: " + cite(policy, *result);
      return PriorAuth::NotRequired;
    }
  }
  std::vector<std::string> unchecked;
  for (const auto& label : spec.exemptions) {
    const auto* result = findResult(results, label);
    if (result == nullptr) {
      continue;
    }
    if (result->status == CriterionStatus::Met) {
      reason = "exempt from prior authorization: " + cite(policy, *result);
      return PriorAuth::Exempt;
    }
    if (result->status == CriterionStatus::Missing) {
      unchecked.push_back(cite(policy, *result));
    }
  }
  const auto* required = findResult(results, spec.required_when);
  if (required == nullptr || required->status != CriterionStatus::Met) {
    reason = "the order is not one " + policy.citation + " requires prior authorization for";
    return PriorAuth::NotRequired;
  }
  if (!unchecked.empty()) {
    std::string list;
    for (const auto& item : unchecked) {
      list += (list.empty() ? "" : ", ") + item;
    }
    reason = "prior authorization is required (" + cite(policy, *required) +
             ") unless an exemption applies that the record could not show: " + list;
    return PriorAuth::Unknown;
  }
  reason = "prior authorization is required: " + cite(policy, *required) + "; no exemption applies";
  return PriorAuth::Required;
}

OrderDetermination decideOrder(const RoutingResult& route, const PumpOrder& order,
                               const EvaluationInput& input) {
  OrderDetermination result;
  if (route.policy != nullptr && route.policy->handles(order.kind)) {
    result = evaluateOrder(*route.policy, order, input);
  } else {
    result.order = order;
    result.as_of = input.as_of;
    result.record_issues = input.record.issues();
    result.decision = Decision::NoPolicy;
    result.no_policy_reason =
        route.policy != nullptr
            ? route.policy->publisher + " " + route.policy->citation + " sets no criteria for " +
                  std::string(toString(order.kind)) + " orders"
            : "no medical policy on file for this coverage is in force on " + input.as_of.toString();
  }
  result.coverage_seen = route.coverage_seen;
  result.coverage_unread = input.record.couldNotRead("Coverage");
  result.coverage = route.coverage;
  if (route.prior_auth != nullptr && route.prior_auth->prior_auth && route.prior_auth->handles(order.kind)) {
    const OrderDetermination prior_auth = evaluateOrder(*route.prior_auth, order, input);
    result.criteria.insert(result.criteria.end(), prior_auth.criteria.begin(), prior_auth.criteria.end());
    result.prior_auth_policy = route.prior_auth;
    result.prior_auth = decidePriorAuth(*route.prior_auth, prior_auth.criteria, result.prior_auth_reason);
    if (result.policy == nullptr) {
      result.origin = prior_auth.origin;
      result.origin_evidence = prior_auth.origin_evidence;
      // `decision` is about a medical policy's documentation and none applies; whether PA is needed is
      // `prior_auth`'s answer alone.
      result.decision = Decision::NoPolicy;
    }
  }
  if (result.prior_auth_policy == nullptr) {
    result.prior_auth_reason = "no prior-authorization rules on file for this plan";
  }
  for (const auto& patient : input.record.ofType("Patient")) {
    if (patient.deceased && (!patient.deceased_date || !(input.as_of < *patient.deceased_date))) {
      result.patient_deceased = true;
      result.deceased_date = patient.deceased_date;
    }
  }
  const Policy* priced = result.policy;
  if (priced != nullptr && priced->fees &&
      std::find(priced->fees->kinds.begin(), priced->fees->kinds.end(), order.kind) !=
          priced->fees->kinds.end()) {
    result.fee_estimate = estimateFees(*priced->fees, input.draft_orders);
  }
  return result;
}

} // namespace pumpcds::policy
