// The Questionnaires a clinician completes for an order (Da Vinci DTR, SDC), generated from the policy
// library: one per medical policy and order kind, so there is no second copy of any criterion. A criterion
// an attestation can show (its rule reads QuestionnaireResponse) is a question whose linkId is the
// criterion id, the one the engine's `documented` rule reads back (Criterion::attestable); a criterion judged
// from coded data is a read-only item, filled with what was found when the questionnaire is prefilled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "library/policy_library.h"

namespace pumpcds::questionnaires {

/// The system of the origin item's answers ("malignant", "non-malignant"), which enableWhen tests.
inline constexpr std::string_view kOriginSystem = "urn:pumpcds:origin";
/// The linkId of the read-only item that says which origin the record shows.
inline constexpr std::string_view kOriginLinkId = "origin";
/// A criterion judged from coded data is the read-only item "<criterion id><kFoundSuffix>".
inline constexpr std::string_view kFoundSuffix = ":found";
/// The DTR standard questionnaire profile every generated Questionnaire claims.
inline constexpr std::string_view kDtrQuestionnaireProfile =
    "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire";

/// One generated Questionnaire.
struct GeneratedQuestionnaire {
  std::string id;      ///< policy::questionnaireId: "<policy id>-<order kind>", a FHIR id
  std::string url;     ///< policy::questionnaireCanonical
  std::string version; ///< the library revision it was made from (its first 16 hex digits)
  const policy::Policy* policy = nullptr;
  policy::OrderKind kind = policy::OrderKind::Permanent;
  size_t questions = 0; ///< the criteria a clinician attests in it
  std::string json;     ///< the Questionnaire resource
};

/// Every Questionnaire of the library: for each medical policy (not the prior-authorization rules), each
/// order kind it decides that has a criterion to attest. Deterministic: the same library gives the same
/// text, and a reload that changes any file changes every version.
std::vector<GeneratedQuestionnaire> libraryQuestionnaires(const policy::PolicyLibrary& library);

} // namespace pumpcds::questionnaires
