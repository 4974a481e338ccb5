#include "policies/fee_estimate.h"

#include <cmath>

#include "base/text.h"
#include "fhir/units.h"
#include "policies/rule_support.h"

namespace pumpcds::policy {
namespace {

// Micrograms in one of a mass unit; 0 for anything else.
double microgramsPer(const std::string& unit) {
  return fhir::milligramsPerUnit(unit).value_or(0.0) * 1000.0;
}

const CodeProperties* findFee(const FeeSchedule& schedule, const fhir::Resource& order) {
  for (const auto& coding : order.codes) {
    if (const CodeProperties* fee = schedule.drugs->properties(coding)) {
      return fee;
    }
  }
  // By name: the earliest drug name in the medication's text, so the answer does not depend on the
  // table's order.
  const std::string text = base::lowerCase(order.text + " " + fhir::describe(order.codes));
  const CodeProperties* best = nullptr;
  size_t best_at = std::string::npos;
  for (const auto& [key, fee] : schedule.drugs->allProperties()) {
    const std::string name = base::lowerCase(fee.string("display"));
    const size_t at = name.empty() ? std::string::npos : text.find(name);
    if (at < best_at ||
        (at == best_at && at != std::string::npos && fee.string("display") < best->string("display"))) {
      best = &fee;
      best_at = at;
    }
  }
  return best;
}

} // namespace

FeeEstimate estimateFees(const FeeSchedule& schedule, const std::vector<fhir::Resource>& draft_orders) {
  FeeEstimate estimate;
  for (const auto& order : draft_orders) {
    if (order.type != "MedicationRequest" ||
        !(inAny(schedule.drug_sets, order.codes) || inAny(schedule.route_sets, order.route))) {
      continue;
    }
    const std::string label = order.text.empty() ? fhir::describe(order.codes) : order.text;
    const CodeProperties* fee = findFee(schedule, order);
    if (fee == nullptr) {
      estimate.unpriced.push_back(label + ": not in the fee table");
      continue;
    }
    const auto price = fee->number("price_per_unit");
    const double table_unit = microgramsPer(fee->string("unit"));
    double micrograms = 0;
    if (order.dispense_value && microgramsPer(order.dispense_unit) > 0) {
      micrograms = *order.dispense_value * microgramsPer(order.dispense_unit);
    } else if (order.dose_value && microgramsPer(order.dose_unit) > 0) {
      micrograms = *order.dose_value * microgramsPer(order.dose_unit);
    }
    if (!price || table_unit <= 0 || micrograms <= 0) {
      estimate.unpriced.push_back(label + ": no amount in mg or mcg on the order");
      continue;
    }
    // A pump holds at most grams of drug; far more is a typo or an attack, never a price ("$inf").
    constexpr double kMostMicrograms = 1e9; // 1 kg
    if (!std::isfinite(micrograms) || micrograms > kMostMicrograms) {
      estimate.unpriced.push_back(label + ": the amount on the order is beyond any refill");
      continue;
    }
    FeeLine line;
    line.drug = fee->string("display");
    line.amount = micrograms / table_unit;
    line.unit = fee->string("unit");
    line.unit_price = *price;
    line.subtotal = std::round(line.amount * line.unit_price * 100.0) / 100.0;
    line.order = order.reference();
    estimate.total += line.subtotal;
    estimate.lines.push_back(std::move(line));
  }
  if (!estimate.lines.empty()) {
    estimate.compounding_fee = schedule.compounding_fee;
    estimate.total += schedule.compounding_fee;
  }
  return estimate;
}

} // namespace pumpcds::policy
