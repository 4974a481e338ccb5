// The words on a card: summaries that fit CDS Hooks' 140-character limit and markdown details, put
// together from the library's card text templates (cards.json "text", cards/card_templates.h).
#pragma once

#include <string>

#include "cards/card_templates.h"
#include "policies/determination.h"

namespace pumpcds::cards {

/// Number of Unicode characters (code points) in UTF-8 text: what the 140-character limit counts.
size_t characterCount(const std::string& utf8);

/// Cuts UTF-8 text to at most `max_characters` characters, ending with "..." when cut, never inside a
/// multi-byte character.
std::string fitCharacters(const std::string& utf8, size_t max_characters);

/// A short name for the order, e.g. "Pump trial 62324".
std::string orderLabel(const CardTemplates& text, const policy::OrderDetermination& order);

/// The main card's summary: what is missing at a glance (< 140 characters).
std::string documentationSummary(const CardTemplates& text, const policy::OrderDetermination& order);
/// The main card's detail, most actionable first: data problems, what contradicts the policy, what could
/// not be checked, what to order or record, what to attest, what is met. `detail_level` (card_options.h):
/// 1 names the items only, 2 adds one line of why per item and a line of what is met, 3 gives every
/// criterion its finding and evidence.
std::string documentationDetail(const CardTemplates& text, const policy::OrderDetermination& order,
                                int detail_level = 2);

std::string contraindicationSummary(const CardTemplates& text, const policy::OrderDetermination& order);
std::string contraindicationDetail(const CardTemplates& text, const policy::OrderDetermination& order);

/// The refill fee estimate's info card.
std::string feeSummary(const CardTemplates& text, const policy::OrderDetermination& order);
std::string feeDetail(const CardTemplates& text, const policy::OrderDetermination& order);

/// The one card for an order whose patient the record shows as deceased: no documentation is asked for.
std::string deceasedSummary(const CardTemplates& text, const policy::OrderDetermination& order);
std::string deceasedDetail(const CardTemplates& text, const policy::OrderDetermination& order);

std::string noPolicySummary(const CardTemplates& text, const policy::OrderDetermination& order);
std::string noPolicyDetail(const CardTemplates& text, const policy::OrderDetermination& order);

} // namespace pumpcds::cards
