// Small text helpers for comparing what real systems send: case-insensitively, without stray spaces.
#pragma once

#include <string>
#include <string_view>

namespace pumpcds::fhir {

/// ASCII lower case (codes, units and drug names are compared this way).
std::string lowerCase(std::string_view text);

/// Without leading and trailing white space.
std::string_view trimmed(std::string_view text);

} // namespace pumpcds::fhir
