// How a lab result reads: negative, positive, or neither. Labs code results (SNOMED CT qualifiers, v3
// interpretation flags) or word them ("None Detected", "NEG.", "Presumptive positive"), with case and
// punctuation as each lab likes; an ambiguous result ("see note") is neither.
#pragma once

#include <string_view>

#include "fhir/resource.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

enum class Polarity { Negative, Positive, NoResult };

/// A worded result: case, punctuation and spacing do not matter. "see note", "inconclusive", "pending"
/// and the like are NoResult.
Polarity wordedPolarity(std::string_view text);

/// The result's coded value, else its worded value, else its interpretation flags, by the two code sets.
Polarity resultPolarity(const fhir::ObservationResult& result, const ValueSet& negative,
                        const ValueSet& positive);

} // namespace pumpcds::policy
