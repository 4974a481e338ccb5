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
  Has,                  ///< a resource of the given types, coded in the value sets, is on record
  LatestValue,          ///< the latest Observation in the value sets has a value in the given bounds
  NegativeDrugTest,     ///< a drug test in the window shows no substance that is not prescribed
  TherapyDuration,      ///< therapy in the value sets covers at least N months of the window
  PainReduction,        ///< pain fell by at least P% from before the trial to during/after it
  Documented,           ///< an attestation (QuestionnaireResponse linkId = criterion id) or typed document
  OrderedDrug,          ///< a drug order in the same request is in the value sets (and route sets)
  AllergyToOrderedDrug, ///< an active allergy to the drug ordered in the same request
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

  std::vector<std::string> types;                   ///< resource types to search (Has, TherapyDuration)
  std::vector<const ValueSet*> value_sets;          ///< what counts (codes of the resource)
  std::vector<const ValueSet*> score_sets;          ///< PainReduction: pain score observations
  std::vector<const ValueSet*> route_sets;          ///< OrderedDrug: acceptable routes
  std::vector<const ValueSet*> document_sets;       ///< Documented: DocumentReference types that attest it
  std::vector<ExpectedPositive> expected_positives; ///< NegativeDrugTest
  const ValueSet* negative_results = nullptr;       ///< NegativeDrugTest: result codes read as negative
  const ValueSet* positive_results = nullptr;       ///< NegativeDrugTest: result codes read as positive
  std::optional<int> within_months;                 ///< look-back window ending on the reference date
  std::optional<int> min_months;  ///< TherapyDuration: months needed; Has: onset at least this long ago
  std::optional<double> below;    ///< LatestValue: value < below holds
  std::optional<double> at_least; ///< LatestValue: value >= at_least holds
  double min_percent = 50;        ///< PainReduction
  int baseline_days = 30;         ///< PainReduction: how far before the trial a baseline may be
  int followup_days = 3;          ///< PainReduction: how long after the trial scores count
  int max_gap_days = 31;          ///< TherapyDuration: sessions closer than this join into one span
  std::string looks_for;          ///< plain words for notes ("a negative drug test")
};

struct Criterion {
  std::string label;      ///< as printed in the source, e.g. "IV.D.2"
  std::string id;         ///< "<policy id>/<label>"
  std::string short_name; ///< a few words for the card summary
  std::string text;       ///< the criterion in plain clinical language
  std::string document;   ///< what document would satisfy it
  std::vector<OrderKind> kinds;
  std::vector<Origin> origins;
  bool contraindication = false;
  Rule rule;

  [[nodiscard]] bool appliesTo(OrderKind kind, Origin origin) const;
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
  std::string file;

  /// Effective periods are inclusive at both ends.
  [[nodiscard]] bool inForce(const fhir::Date& date) const;
  [[nodiscard]] bool handles(OrderKind kind) const;
};

} // namespace pumpcds::policy
