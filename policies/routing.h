// Which policy applies to a patient's coverage (library file routing.json), kept apart from the policies.
#pragma once

#include <string>
#include <vector>

#include "fhir/patient_record.h"
#include "policies/policy.h"

namespace pumpcds::policy {

struct Route {
  std::string policy_id;
  std::vector<std::string> payor_names;       ///< case-insensitive substrings of the payor's name
  std::vector<std::string> payor_identifiers; ///< "system|value" of the payor organisation
  std::vector<std::string> states;            ///< the patient's state (Patient.address.state); empty: any
  std::string note;
};

/// What the router saw and chose.
struct RoutingResult {
  const Policy* policy = nullptr;
  std::vector<std::string> coverage_seen; ///< e.g. "Coverage/1: payor CareSource, plan Gold, state NC"
};

class RoutingTable {
public:
  /// routing.json: {"routes": [{"policy", "payor_names", "payor_identifiers", "states", "note"}]}.
  void load(const std::string& file, const fhir::JsonValue& root, std::vector<std::string>& errors);
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

  /// The first route, in file order, that matches an active Coverage on the record and whose policy is
  /// in force on `as_of` (`find_policy` resolves ids).
  template <typename FindPolicy>
  RoutingResult route(const fhir::PatientRecord& record, const fhir::Date& as_of,
                      FindPolicy find_policy) const;

  [[nodiscard]] bool matches(const Route& route, const fhir::Resource& coverage,
                             const fhir::PatientRecord& record) const;
  [[nodiscard]] static std::vector<std::string> describeCoverage(const fhir::PatientRecord& record);
  /// Coverages that are active (status active or unstated) and whose period holds `as_of`.
  [[nodiscard]] static std::vector<const fhir::Resource*> activeCoverages(const fhir::PatientRecord& record,
                                                                          const fhir::Date& as_of);

private:
  std::vector<Route> routes_;
};

template <typename FindPolicy>
RoutingResult RoutingTable::route(const fhir::PatientRecord& record, const fhir::Date& as_of,
                                  FindPolicy find_policy) const {
  RoutingResult result;
  result.coverage_seen = describeCoverage(record);
  for (const auto& candidate : routes_) {
    const Policy* policy = find_policy(candidate.policy_id);
    if (policy == nullptr || !policy->inForce(as_of)) {
      continue;
    }
    for (const fhir::Resource* coverage : activeCoverages(record, as_of)) {
      if (matches(candidate, *coverage, record)) {
        result.policy = policy;
        return result;
      }
    }
  }
  return result;
}

} // namespace pumpcds::policy
