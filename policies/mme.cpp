#include "policies/mme.h"

#include <cstdio>

#include "base/text.h"
#include "fhir/units.h"

namespace pumpcds::policy {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

} // namespace

std::optional<DailyMme> dailyMme(const fhir::Resource& medication, const ValueSet& strengths,
                                 const ValueSet& factors, std::string& why) {
  const std::string rxnorm(fhir::systems::kRxNorm);
  const CodeProperties* product = nullptr;
  std::string ingredient_code;
  for (const auto& coding : medication.codes) {
    if (coding.system != rxnorm) {
      continue;
    }
    if ((product = strengths.properties(coding)) != nullptr) {
      ingredient_code = product->string("ingredient_code");
      break;
    }
    if (factors.properties(coding) != nullptr) {
      ingredient_code = coding.code; // coded at ingredient level: the dose must be a mass
      break;
    }
  }
  const std::string label = medication.text.empty() ? fhir::describe(medication.codes) : medication.text;
  if (ingredient_code.empty()) {
    why = label + ": not a product or ingredient with a known opioid strength";
    return std::nullopt;
  }
  const CodeProperties* ingredient = factors.properties({rxnorm, ingredient_code, {}});
  const auto factor = ingredient == nullptr ? std::nullopt : ingredient->number("mme_factor_cdc2022");
  const std::string name = ingredient == nullptr ? ingredient_code : ingredient->string("display");
  if (!factor) {
    why = label + ": no CDC 2022 MME factor for " + name;
    return std::nullopt;
  }
  const std::string strength_unit =
      product == nullptr ? std::string() : base::lowerCase(product->string("strength_unit"));
  // A plain value: GCC 12 misreads a conditionally built optional<double> as maybe-uninitialised.
  const double strength = product == nullptr ? 0.0 : product->number("strength_value").value_or(0.0);
  const bool has_strength = strength > 0;
  // Transdermal fentanyl: the patch's delivery rate, whatever the change frequency.
  if (has_strength && strength_unit == "mg/hr") {
    const double patches =
        fhir::milligramsPerUnit(medication.dose_unit) ? 1.0 : medication.dose_value.value_or(1.0);
    const double mcg_per_hour = strength * 1000.0 * patches;
    return DailyMme{mcg_per_hour * *factor, name,
                    number(mcg_per_hour) + " mcg/h x " + number(*factor) + " = " +
                        number(mcg_per_hour * *factor) + " MME/day"};
  }
  if (!medication.dose_value || !medication.doses_per_day) {
    why = label + ": no structured dose and frequency";
    return std::nullopt;
  }
  double milligrams_per_dose = 0;
  std::string dose_text;
  if (const auto per_unit = fhir::milligramsPerUnit(medication.dose_unit)) {
    milligrams_per_dose = *medication.dose_value * *per_unit;
    dose_text = number(milligrams_per_dose) + " mg";
  } else if (has_strength && (strength_unit == "mg" || strength_unit == "mg/ml")) {
    milligrams_per_dose = *medication.dose_value * strength;
    dose_text = number(strength) + " mg x " + number(*medication.dose_value);
  } else {
    why = label + ": the dose (" + number(*medication.dose_value) + " " + medication.dose_unit +
          ") cannot be converted to milligrams";
    return std::nullopt;
  }
  const double mme = milligrams_per_dose * *medication.doses_per_day * *factor;
  return DailyMme{mme, name,
                  dose_text + " x " + number(*medication.doses_per_day) + "/day x " + number(*factor) +
                      " = " + number(mme) + " MME/day"};
}

} // namespace pumpcds::policy
