// CDS Hooks suggestions: the orders a documentation card offers to close its gaps, each a draft
// ServiceRequest for the hook's patient, encounter and requester. Which order closes which criterion is
// data (a criterion's "suggestions" list naming a cards.json entry), not code.
#pragma once

#include <string>
#include <vector>

#include "cards/card_options.h"
#include "cards/card_settings.h"
#include "policies/determination.h"

namespace pumpcds::cards {

/// Who and where the hook was called for: the subject, encounter and requester of a suggested order.
struct HookContext {
  std::string patient_id;   ///< context.patientId
  std::string encounter_id; ///< context.encounterId; empty when not sent
  std::string user_id;      ///< context.userId, e.g. "Practitioner/123"; empty when not sent
};

/// A suggestion to offer and the missing criteria it would close.
struct OfferedSuggestion {
  const SuggestionTemplate* suggestion = nullptr;
  std::vector<const policy::CriterionResult*> closes;
};

/// The suggestions for an order's missing criteria, in the order of the criteria, each once, without those
/// the EHR switched off.
std::vector<OfferedSuggestion> suggestionsFor(const policy::OrderDetermination& order,
                                              const CardSettings& settings, const CardOptions& options);

/// The suggestion as CDS Hooks JSON: {label, uuid, actions: [{type: create, description, resource}]}.
std::string suggestionJson(const OfferedSuggestion& offered, const policy::OrderDetermination& order,
                           const HookContext& context, const std::string& uuid);

} // namespace pumpcds::cards
