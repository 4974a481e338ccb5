#include "fhir/coding.h"

#include "base/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace pumpcds::fhir {
namespace {} // namespace

std::string canonicalSystem(std::string_view system) {
  system = base::trimmed(system);
  while (system.size() > 1 && system.back() == '/') {
    system.remove_suffix(1);
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kAliases = {{
      {"urn:oid:2.16.840.1.113883.6.96", systems::kSnomed},
      {"http://snomed.info/sct", systems::kSnomed},
      {"urn:oid:2.16.840.1.113883.6.90", systems::kIcd10Cm},
      {"http://hl7.org/fhir/sid/icd-10-cm", systems::kIcd10Cm},
      {"urn:oid:2.16.840.1.113883.6.88", systems::kRxNorm},
      {"urn:oid:2.16.840.1.113883.6.1", systems::kLoinc},
      {"urn:oid:2.16.840.1.113883.6.12", systems::kCpt},
      {"urn:oid:2.16.840.1.113883.6.285", systems::kHcpcs},
      {"urn:oid:2.16.840.1.113883.6.14", systems::kHcpcs},
      {"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", systems::kHcpcs},
      {"https://bluebutton.cms.gov/resources/codesystem/hcpcs", systems::kHcpcs},
      {"http://www.ama-assn.org/go/cpt", systems::kCpt},
      {"https://www.ama-assn.org/go/cpt", systems::kCpt},
  }};
  for (const auto& [alias, canonical] : kAliases) {
    if (system == alias) {
      return std::string(canonical);
    }
  }
  return std::string(system);
}

std::string comparableCode(std::string_view canonical_system, std::string_view code) {
  std::string out(base::trimmed(code));
  if (canonical_system == systems::kIcd10Cm) {
    std::erase(out, '.');
  }
  if (canonical_system == systems::kIcd10Cm || canonical_system == systems::kCpt ||
      canonical_system == systems::kHcpcs) {
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  return out;
}

std::string codingKey(const Coding& coding) {
  return coding.system + "|" + comparableCode(coding.system, coding.code);
}

std::string describe(const std::vector<Coding>& codings) {
  for (const auto& coding : codings) {
    if (!coding.display.empty()) {
      return coding.display;
    }
  }
  return codings.empty() ? std::string("(no code)") : codings.front().code;
}

} // namespace pumpcds::fhir
