// Estimated allowable for a pump refill from a payer's drug fee table: amount of each drug x its unit
// price, plus the compounding fee once.
#pragma once

#include <vector>

#include "fhir/resource.h"
#include "policies/determination.h"
#include "policies/policy.h"

namespace pumpcds::policy {

/// Prices the pump drug orders among `draft_orders` (MedicationRequests whose drug is in the schedule's
/// drug sets or whose route is neuraxial). A drug is found in the fee table by its code, else by the
/// table's drug name appearing in the medication's text (compounded drugs seldom carry a code). The
/// amount is the dispensed quantity, else the dose, in mg or mcg converted to the table's unit.
FeeEstimate estimateFees(const FeeSchedule& schedule, const std::vector<fhir::Resource>& draft_orders);

} // namespace pumpcds::policy
