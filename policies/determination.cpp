#include "policies/determination.h"

#include <algorithm>

namespace pumpcds::policy {

std::string_view toString(CriterionStatus status) {
  switch (status) {
  case CriterionStatus::Met:
    return "met";
  case CriterionStatus::Unmet:
    return "unmet";
  case CriterionStatus::Missing:
    return "missing";
  }
  return "missing";
}

std::string_view toString(PriorAuth prior_auth) {
  switch (prior_auth) {
  case PriorAuth::Required:
    return "required";
  case PriorAuth::NotRequired:
    return "not-required";
  case PriorAuth::Exempt:
    return "exempt";
  case PriorAuth::Unknown:
    return "unknown";
  }
  return "unknown";
}

std::string_view toString(Decision decision) {
  switch (decision) {
  case Decision::Complete:
    return "complete";
  case Decision::MissingDocumentation:
    return "missing-documentation";
  case Decision::Contraindicated:
    return "contraindicated";
  case Decision::NotCovered:
    return "not-covered";
  case Decision::NoPolicy:
    return "no-policy";
  }
  return "no-policy";
}

Decision decide(const std::vector<CriterionResult>& criteria) {
  bool unmet = false;
  bool missing = false;
  for (const auto& result : criteria) {
    if (result.criterion->role != CriterionRole::Requirement) {
      continue; // prior-authorization rules say whether PA is needed, not whether the record is complete
    }
    if (result.status == CriterionStatus::Unmet && result.criterion->contraindication) {
      return Decision::Contraindicated;
    }
    unmet = unmet || result.status == CriterionStatus::Unmet;
    missing = missing || result.status == CriterionStatus::Missing;
  }
  if (unmet) {
    return Decision::NotCovered;
  }
  return missing ? Decision::MissingDocumentation : Decision::Complete;
}

size_t itemsToAttest(const OrderDetermination& order) {
  return static_cast<size_t>(
      std::count_if(order.criteria.begin(), order.criteria.end(), [](const auto& result) {
        return result.criterion->role == CriterionRole::Requirement &&
               result.status == CriterionStatus::Missing && result.criterion->attestable;
      }));
}

} // namespace pumpcds::policy
