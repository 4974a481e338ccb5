// Units as FHIR Quantity sends them, read the way real systems write them (any case, stray spaces).
#pragma once

#include <optional>
#include <string_view>

namespace pumpcds::fhir {

/// Milligrams in one of a mass unit (UCUM "mg", "ug", "g", or "mcg"), case ignored; nullopt for anything
/// else (tablets, patches, mL).
std::optional<double> milligramsPerUnit(std::string_view unit);

} // namespace pumpcds::fhir
