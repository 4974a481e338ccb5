// What the cards offer besides their text, as data a payer can edit (cards.json): the reasons a
// clinician can give for overriding a card (CDS Hooks overrideReasons), and the orders a card can suggest
// to close a gap (CDS Hooks suggestions), each tied to criteria by the policies' "suggestions" lists.
#pragma once

#include <string>
#include <vector>

#include "cards/card_templates.h"
#include "fhir/coding.h"
#include "fhir/json_read.h"
#include "policies/value_set.h"

namespace pumpcds::cards {

/// The system of the override reasons' codes.
inline constexpr std::string_view kOverrideReasonSystem = "urn:pumpcds:override-reason";

/// An order a card offers to create when a criterion that names it is missing from the record.
struct SuggestionTemplate {
  std::string id;          ///< what a criterion's "suggestions" list and the configuration option name
  std::string label;       ///< the button: "Order a urine drug screen"
  std::string option_name; ///< the CRD configuration option's name: "Urine drug screen suggestions"
  fhir::Coding code;       ///< ServiceRequest.code; a member of the value set the criterion reads
  fhir::Coding category;   ///< ServiceRequest.category (US Core: laboratory, procedure, referral ...)
};

struct CardSettings {
  std::vector<fhir::Coding> override_reasons; ///< offered on every card that asks for something
  std::vector<SuggestionTemplate> suggestions;
  CardTemplates text; ///< every sentence and heading the cards show

  [[nodiscard]] const SuggestionTemplate* findSuggestion(std::string_view id) const;

  /// Reads cards.json: {"description", "override_reasons": [{"code", "display"}], "suggestions": [{"id",
  /// "label", "option_name", "code": {"system", "code", "display"}, "in_value_set", "category"}], "text":
  /// {id: template}}. A suggestion's code must be in its `in_value_set`, so what it orders is what the
  /// criterion looks for. Problems are appended as "<file>: <pointer>: <reason>".
  void load(const std::string& file, const fhir::JsonValue& root, const policy::ValueSetLibrary& value_sets,
            std::vector<std::string>& errors);
};

} // namespace pumpcds::cards
