// The whole decision for one pump order, once routed to the coverage's medical and prior-authorization
// policies (PolicyLibrary::route): evaluate both, decide priorAuth, and price a refill where the policy has a
// fee table.
#pragma once

#include "policies/determination.h"
#include "policies/evaluator.h"
#include "policies/routing.h"

namespace pumpcds::policy {

/// `route` is where the record's coverage on `input.as_of` leads.
OrderDetermination decideOrder(const RoutingResult& route, const PumpOrder& order,
                               const EvaluationInput& input);

/// priorAuth from a prior-authorization policy's criteria: not-required when a no-PA rule is met
/// (device, analysis, refill, removal); exempt when an exemption is met; required when the order is of
/// a kind that needs PA and every exemption was shown not to apply; unknown when an exemption could not
/// be checked. `reason` cites the deciding criterion.
PriorAuth decidePriorAuth(const Policy& policy, const std::vector<CriterionResult>& results,
                          std::string& reason);

} // namespace pumpcds::policy
