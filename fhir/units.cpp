#include "fhir/units.h"

#include <string>

#include "base/text.h"

namespace pumpcds::fhir {

std::optional<double> milligramsPerUnit(std::string_view unit) {
  const std::string u = base::lowerCase(base::trimmed(unit));
  if (u == "mg") {
    return 1.0;
  }
  if (u == "ug" || u == "mcg") {
    return 0.001;
  }
  if (u == "g") {
    return 1000.0;
  }
  return std::nullopt;
}

} // namespace pumpcds::fhir
