// FHIR codings, and the normalisation that lets codes from real systems match our value sets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pumpcds::fhir {

namespace systems {
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kCpt = "http://www.ama-assn.org/go/cpt";
inline constexpr std::string_view kHcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
} // namespace systems

struct Coding {
  std::string system; ///< canonical system URI (see canonicalSystem)
  std::string code;   ///< as sent, trimmed
  std::string display;

  friend bool operator==(const Coding&, const Coding&) = default;
};

/// Maps the aliases real systems send to one canonical URI: HCPCS's https and Blue Button forms, the
/// OIDs of SNOMED CT, ICD-10-CM, RxNorm, LOINC and CPT, and a trailing slash. Unknown systems come back
/// as they are (trimmed).
std::string canonicalSystem(std::string_view system);

/// The form in which a code is compared: upper-case without dots for ICD-10-CM (so "M54.5" and "M545"
/// match), upper-case for CPT/HCPCS, trimmed otherwise.
std::string comparableCode(std::string_view canonical_system, std::string_view code);

/// "system|code" key in comparable form.
std::string codingKey(const Coding& coding);

/// Human-readable label: display when present, else system-less code.
std::string describe(const std::vector<Coding>& codings);

} // namespace pumpcds::fhir
