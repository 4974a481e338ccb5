// The Determination: what the engine concluded for each pump order, before it becomes cards or a report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "fhir/date.h"
#include "policies/policy.h"

namespace pumpcds::policy {

/// met: the record shows it; unmet: the record shows the opposite; missing: it shows neither.
enum class CriterionStatus { Met, Unmet, Missing };
enum class PriorAuth { Required, NotRequired, Exempt, Unknown };
enum class Decision { Complete, MissingDocumentation, Contraindicated, NotCovered, NoPolicy };

std::string_view toString(CriterionStatus status);
std::string_view toString(PriorAuth prior_auth);
std::string_view toString(Decision decision);

struct CriterionResult {
  const Criterion* criterion = nullptr; ///< owned by the policy library, which outlives every result
  CriterionStatus status = CriterionStatus::Missing;
  std::vector<std::string> evidence; ///< references ("Condition/1") that prove met or unmet
  /// The same evidence as a person reads it, in the same order: "oxycodone 5 MG Oral Tablet, 2025-02-03"
  /// (the resource's own words and date; its type when it has no words). Cards show these, never ids.
  std::vector<std::string> evidence_labels;
  std::string note; ///< why: what was found, or what was not read
  /// Missing because the data it reads was not read (prefetch paged or failed, the FHIR server not read):
  /// the record may well hold it.
  bool unchecked = false;
};

/// A pump order found in the request's draftOrders.
struct PumpOrder {
  std::string reference; ///< "ServiceRequest/abc"
  fhir::Coding code;     ///< the code that made it a pump order
  OrderKind kind = OrderKind::Trial;
  std::optional<fhir::Date> authored;
  std::string resource_type;       ///< ServiceRequest or DeviceRequest
  std::vector<fhir::Coding> codes; ///< every code of the order
};

/// One drug line of a fee estimate.
struct FeeLine {
  std::string drug;
  double amount = 0;
  std::string unit; ///< the fee table's unit
  double unit_price = 0;
  double subtotal = 0;
  std::string order; ///< the MedicationRequest it comes from
};

struct FeeEstimate {
  std::vector<FeeLine> lines;
  double compounding_fee = 0;
  double total = 0;
  std::vector<std::string> unpriced; ///< drug orders that could not be priced, and why
};

struct OrderDetermination {
  PumpOrder order;
  fhir::Date as_of;
  Origin origin = Origin::Unknown;
  std::vector<std::string> origin_evidence;
  const Policy* policy = nullptr;            ///< the medical policy; nullptr: none in force for the coverage
  const Policy* prior_auth_policy = nullptr; ///< the policy that decided prior_auth, if any
  PriorAuth prior_auth = PriorAuth::Unknown;
  std::string prior_auth_reason; ///< why, with the citation
  std::optional<FeeEstimate> fee_estimate;
  std::string no_policy_reason; ///< why no medical policy was applied
  Decision decision = Decision::NoPolicy;
  std::vector<CriterionResult> criteria;
  std::vector<std::string> coverage_seen; ///< what coverage data was seen, for a no-policy answer
  bool coverage_unread = false;           ///< the patient's Coverage could not be read (not: has none)
  std::string coverage;                   ///< the Coverage the policy was chosen for, e.g. "Coverage/1"
  std::vector<std::string> record_issues; ///< prefetch problems that explain `missing`s
  /// The record says the patient died on or before the reference date: no documentation is asked for.
  bool patient_deceased = false;
  std::optional<fhir::Date> deceased_date;
};

struct Determination {
  std::vector<OrderDetermination> orders;
};

/// The requirements still missing that a clinician can attest in the policy's DTR questionnaire.
size_t itemsToAttest(const OrderDetermination& order);

/// The decision the criteria imply, per DESIGN.md: contraindicated > not-covered > missing > complete.
Decision decide(const std::vector<CriterionResult>& criteria);

} // namespace pumpcds::policy
