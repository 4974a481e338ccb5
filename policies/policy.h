// The policy model: a payer document as criteria over evidence rules, loaded from a policy file.
#pragma once

#include <memory>
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

/// How a criterion's outcome reads and whether it counts towards the decision.
enum class CriterionRole {
  Requirement, ///< documentation the policy requires: absence is `missing`; counts towards the decision
  PriorAuth,   ///< a rule of a prior-authorization policy (an exemption, a kind of order): `met` when it
               ///< applies, `unmet` when the data read shows it does not; never counts towards the decision
};

class Rule;
/// A criterion's rule tree (rules.h). Shared: a named rule is one tree however many criteria use it.
using RulePtr = std::shared_ptr<const Rule>;

struct Criterion {
  std::string label; ///< as printed in the source, e.g. "IV.D.2"
  /// The source prints the label (a section number), so cards cite it; false for a source whose sections
  /// have no numbers, where the label is only an id ("coverage.opioid").
  bool label_printed = true;
  std::string id;         ///< "<policy id>/<label>"
  std::string citation;   ///< how a card cites it: "<policy citation> <label>", e.g. "MM-1369 IV.D.2"
  std::string short_name; ///< a few words for the card summary
  std::string text;       ///< the criterion in plain clinical language
  std::string document;   ///< what document would satisfy it
  std::vector<OrderKind> kinds;
  std::vector<Origin> origins;
  bool contraindication = false;
  CriterionRole role = CriterionRole::Requirement;
  RulePtr rule;
  /// Only an attestation or a clinician's note can show it (its rule reads no coded data): a card asks to
  /// attest it rather than to order or record something.
  bool attestation_only = false;
  /// An attestation can show it (its rule reads QuestionnaireResponse): it is a question of the policy's
  /// DTR questionnaire (questionnaires/), whose linkId is `id`.
  bool attestable = false;
  /// Ids of the orders (cards.json suggestions) a card offers when this criterion is missing.
  std::vector<std::string> suggestions;

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

/// The DTR Questionnaire of a policy's order kind (questionnaires/ writes it; a CRD card names it): its
/// id, "<policy id>-<kind>", and its canonical URL, a stable name whatever host serves it.
inline constexpr std::string_view kQuestionnaireCanonicalBase = "urn:pumpcds:questionnaire:";
std::string questionnaireId(const Policy& policy, OrderKind kind);
std::string questionnaireCanonical(const Policy& policy, OrderKind kind);
/// Whether `canonical` ("url" or "url|version") names one of the policy's questionnaires, of any order kind
/// and any version: an answer is read by its linkId, the criterion id, which a library revision keeps
/// unless it drops the criterion (and then the answer matches nothing), while every revision changes every
/// version. An answer about the patient (a psychological evaluation done) holds for each order kind.
bool isQuestionnaireOf(const Policy& policy, std::string_view canonical);

} // namespace pumpcds::policy
