// Morphine milligram equivalents per day of one opioid prescription or statement, with the CDC 2022
// conversion factors and RxNorm strengths kept as data (value-set properties).
#pragma once

#include <optional>
#include <string>

#include "fhir/resource.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

struct DailyMme {
  double mme = 0;
  std::string ingredient;  ///< e.g. "Oxycodone"
  std::string explanation; ///< e.g. "5 mg x 2 x 6/day x 1.5 = 90 MME/day"
};

/// MME/day = strength x units per dose x doses per day x factor; transdermal fentanyl is patch rate
/// (mcg/h) x patches x 2.4, not multiplied by how often the patch is changed. `strengths` maps products
/// to ingredient_code / strength_value / strength_unit; `factors` maps ingredients to
/// mme_factor_cdc2022. Returns nullopt with `why` when the dose cannot be converted (no structured
/// dose or frequency, unknown product, no CDC factor as for buprenorphine).
std::optional<DailyMme> dailyMme(const fhir::Resource& medication, const ValueSet& strengths,
                                 const ValueSet& factors, std::string& why);

} // namespace pumpcds::policy
