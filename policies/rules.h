// Evaluation of rule trees over a PatientRecord. Internal to policies/: callers use evaluator.h.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "fhir/date.h"
#include "fhir/patient_record.h"
#include "policies/policy.h"

namespace pumpcds::policy {

/// Four-valued truth, so that absence proves "no X" only where X's data was read:
/// True (shown), False (the opposite is shown), Absent (looked for in data that was read, not there),
/// Unknown (the data that would show it was not read, or cannot be judged).
enum class Truth { True, False, Absent, Unknown };

struct Outcome {
  Truth truth = Truth::Unknown;
  std::vector<std::string> evidence;
  std::string note;
};

struct PumpOrder;

struct RuleContext {
  const fhir::PatientRecord& record;
  const std::vector<fhir::Resource>& draft_orders;
  fhir::Date as_of;
  std::string criterion_id;
  const PumpOrder* order = nullptr; ///< the order being decided
};

Outcome evaluateRule(const Rule& rule, const RuleContext& context);

/// Adds the FHIR resource types `rule` (and its children) read from the patient's record. Draft orders
/// of the request are not counted: they come with the hook, never from the FHIR server.
void collectReadTypes(const Rule& rule, std::set<std::string>& types);

// Leaves, one evidence rule each (rule_*.cpp).
Outcome evaluateHas(const Rule& rule, const RuleContext& context);
Outcome evaluateLatestValue(const Rule& rule, const RuleContext& context);
Outcome evaluateNegativeDrugTest(const Rule& rule, const RuleContext& context);
Outcome evaluateTherapyDuration(const Rule& rule, const RuleContext& context);
Outcome evaluatePainReduction(const Rule& rule, const RuleContext& context);
Outcome evaluateDocumented(const Rule& rule, const RuleContext& context);
Outcome evaluateOrderedDrug(const Rule& rule, const RuleContext& context);
Outcome evaluateAllergyToOrderedDrug(const Rule& rule, const RuleContext& context);
Outcome evaluateOrderIs(const Rule& rule, const RuleContext& context);
Outcome evaluateOpioidWeaning(const Rule& rule, const RuleContext& context);

} // namespace pumpcds::policy
