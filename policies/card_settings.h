// What the cards offer besides their text, as data a payer can edit (cards.json): the reasons a
// clinician can give for overriding a card (CDS Hooks overrideReasons).
#pragma once

#include <string>
#include <vector>

#include "fhir/coding.h"
#include "fhir/json_read.h"

namespace pumpcds::policy {

/// The system of the override reasons' codes.
inline constexpr std::string_view kOverrideReasonSystem = "urn:pumpcds:override-reason";

struct CardSettings {
  std::vector<fhir::Coding> override_reasons; ///< offered on every card that asks for something

  /// Reads cards.json: {"description", "override_reasons": [{"code", "display"}]}. Problems are appended as
  /// "<file>: <pointer>: <reason>".
  void load(const std::string& file, const fhir::JsonValue& root, std::vector<std::string>& errors);
};

} // namespace pumpcds::policy
