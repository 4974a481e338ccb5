// The policy model: a payer document as criteria over evidence rules, loaded from a policy file.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/date.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

/// What kind of pump service an order asks for.
enum class OrderKind { Trial, Permanent, Maintenance, Removal };
/// Whether the pain being treated is of malignant origin.
enum class Origin { Malignant, NonMalignant, Unknown };

std::string_view toString(OrderKind kind);
std::optional<OrderKind> parseOrderKind(std::string_view text);
std::string_view toString(Origin origin);
std::optional<Origin> parseOrigin(std::string_view text);

enum class RuleKind {
  All,                  ///< every child holds
  Any,                  ///< at least one child holds
  Not,                  ///< the child does not hold ("no X"): proven by absence only where X's data was read
  FirstKnown,           ///< the first child that shows true or false decides (coded data before attestation)
  Has,                  ///< a resource of the given types, coded in the value sets, is on record
  LatestValue,          ///< the latest Observation in the value sets has a value in the given bounds
  NegativeDrugTest,     ///< a drug test in the window shows no substance that is not prescribed
  TherapyDuration,      ///< therapy in the value sets covers at least N months of the window
  PainReduction,        ///< pain fell by at least P% from before the trial to during/after it
  Documented,           ///< an attestation (QuestionnaireResponse linkId = criterion id) or typed document
  OrderedDrug,          ///< a drug order in the same request is in the value sets (and route sets)
  AllergyToOrderedDrug, ///< an active allergy to the drug ordered in the same request
  OrderIs,              ///< the pump order itself is of the given kinds, resource types or codes
  OpioidWeaning,        ///< systemic opioids fell by at least P% (MME/day) from the window's peak
};

/// How a criterion's outcome reads and whether it counts towards the decision.
enum class CriterionRole {
  Requirement, ///< documentation the policy requires: absence is `missing`; counts towards the decision
  PriorAuth,   ///< a rule of a prior-authorization policy (an exemption, a kind of order): `met` when it
               ///< applies, `unmet` when the data read shows it does not; never counts towards the decision
};

/// A drug-test class that is expected to be positive when the patient is prescribed its drugs.
struct ExpectedPositive {
  const ValueSet* tests = nullptr;
  const ValueSet* medications = nullptr;
};

/// A node of a criterion's rule tree. Leaves read the record; parameters a kind does not use stay empty
/// (the loader rejects keys a kind does not take).
struct Rule {
  RuleKind kind = RuleKind::All;
  std::string pointer; ///< where in the policy file, for messages
  std::vector<Rule> children;

  std::vector<std::string> types;                    ///< resource types to search (Has, TherapyDuration)
  std::vector<const ValueSet*> value_sets;           ///< what counts (codes of the resource)
  std::vector<const ValueSet*> score_sets;           ///< PainReduction: pain score observations
  std::vector<const ValueSet*> route_sets;           ///< OrderedDrug: acceptable routes
  std::vector<const ValueSet*> candidate_drug_sets;  ///< OrderedDrug: which orders are the pump drug
  std::vector<const ValueSet*> candidate_route_sets; ///< (default: value_sets and route_sets)
  std::vector<const ValueSet*> document_sets;        ///< Documented: DocumentReference types that attest it
  std::vector<ExpectedPositive> expected_positives;  ///< NegativeDrugTest
  const ValueSet* negative_results = nullptr;        ///< NegativeDrugTest: result codes read as negative
  const ValueSet* positive_results = nullptr;        ///< NegativeDrugTest: result codes read as positive
  std::optional<int> within_months;                  ///< look-back window ending on the reference date
  std::optional<int> min_months;      ///< TherapyDuration: months needed; Has: onset at least this long ago
  std::optional<double> below;        ///< LatestValue: value < below holds
  std::optional<double> at_least;     ///< LatestValue: value >= at_least holds
  std::optional<int> min_age_years;   ///< LatestValue: the bounds are for patients this old; younger: unknown
  double min_percent = 50;            ///< PainReduction
  int baseline_days = 30;             ///< PainReduction: how far before the trial a baseline may be
  int followup_days = 3;              ///< PainReduction: how long after the trial scores count
  int max_gap_days = 31;              ///< TherapyDuration: sessions closer than this join into one span
  std::vector<OrderKind> order_kinds; ///< OrderIs
  const ValueSet* strengths = nullptr; ///< OpioidWeaning: product -> ingredient_code, strength_value/unit
  const ValueSet* factors = nullptr;   ///< OpioidWeaning: ingredient -> mme_factor_cdc2022
  /// AllergyToOrderedDrug: drug and substance codes (RxNorm, HCPCS, SNOMED CT) -> `ingredient` name
  const ValueSet* ingredients = nullptr;
  std::string looks_for; ///< plain words for notes ("a negative drug test")
};

struct Criterion {
  std::string label;      ///< as printed in the source, e.g. "IV.D.2"
  std::string id;         ///< "<policy id>/<label>"
  std::string citation;   ///< how a card cites it: "<policy citation> <label>", e.g. "MM-1369 IV.D.2"
  std::string short_name; ///< a few words for the card summary
  std::string text;       ///< the criterion in plain clinical language
  std::string document;   ///< what document would satisfy it
  std::vector<OrderKind> kinds;
  std::vector<Origin> origins;
  bool contraindication = false;
  CriterionRole role = CriterionRole::Requirement;
  Rule rule;

  [[nodiscard]] bool appliesTo(OrderKind kind, Origin origin) const;
};

/// How a prior-authorization policy decides `priorAuth` from its criteria (labels).
struct PriorAuthSpec {
  std::string required_when;                  ///< met: this order is of a kind that needs PA
  std::vector<std::string> exemptions;        ///< any met: exempt
  std::vector<std::string> not_required_when; ///< any met: no PA for this order
};

/// A fee table for an information card, e.g. Medicare's compounded-drug allowables.
struct FeeSchedule {
  const ValueSet* drugs = nullptr; ///< drug ingredient codes with price_per_unit and unit ("mg" / "mcg")
  double compounding_fee = 0;      ///< added once per refill
  std::vector<OrderKind> kinds;    ///< orders the estimate is given for
  std::vector<const ValueSet*> drug_sets; ///< which draft MedicationRequests are the pump drugs
  std::vector<const ValueSet*> route_sets;
};

struct Policy {
  std::string id;
  std::string title;
  std::string publisher;
  std::string citation; ///< how the payer cites the document, e.g. "MM-1369"
  std::string version;
  std::string url;
  fhir::Date effective_start;
  std::optional<fhir::Date> effective_end; ///< inclusive
  std::vector<OrderKind> kinds;            ///< order kinds the document decides
  std::vector<const ValueSet*> malignant_sets;
  std::vector<Criterion> criteria;
  std::optional<PriorAuthSpec> prior_auth; ///< set for prior-authorization policies
  std::optional<FeeSchedule> fees;
  std::string file;
  /// The FHIR resource types the policy reads, derived from its rules at load (plus Patient and
  /// Coverage, which routing reads, and Condition when origin is decided): what the FHIR fetch asks for.
  std::vector<std::string> read_types;

  /// Effective periods are inclusive at both ends.
  [[nodiscard]] bool inForce(const fhir::Date& date) const;
  [[nodiscard]] bool handles(OrderKind kind) const;
};

} // namespace pumpcds::policy
