// The policy engine's entry point: one policy, one pump order, one record, one reference date.
#pragma once

#include <string>
#include <vector>

#include "fhir/patient_record.h"
#include "policies/determination.h"
#include "policies/policy.h"

namespace pumpcds::policy {

struct EvaluationInput {
  const fhir::PatientRecord& record;
  const std::vector<fhir::Resource>& draft_orders; ///< the request's other orders (the pump drug)
  fhir::Date as_of;
};

/// Malignant when an active Condition in the policy's malignant sets is on record; non-malignant when
/// Conditions were read and show none; unknown when Conditions were not read. Fills `evidence`.
Origin determineOrigin(const Policy& policy, const EvaluationInput& input,
                       std::vector<std::string>& evidence);

/// Evaluates every criterion of `policy` that applies to the order's kind and origin, in file order,
/// and derives the decision. Does not set prior_auth or coverage_seen (routing decides those).
OrderDetermination evaluateOrder(const Policy& policy, const PumpOrder& order, const EvaluationInput& input);

} // namespace pumpcds::policy
