// Which policy applies to a patient's coverage (library file routing.json), kept apart from the policies.
#pragma once

#include <string>
#include <vector>

#include "fhir/patient_record.h"
#include "policies/policy.h"

namespace pumpcds::policy {

/// What a routed policy decides: the medical necessity criteria, or whether prior authorization is needed.
enum class RouteRole { Medical, PriorAuth };

struct Route {
  std::string policy_id;
  RouteRole role = RouteRole::Medical;
  std::vector<std::string> payor_names;       ///< case-insensitive substrings of the payor's name
  std::vector<std::string> payor_identifiers; ///< "system|value" of the payor organisation
  /// "system|code" of Coverage.type (a trailing * matches a code prefix), or a case-insensitive word of
  /// its text or displays, e.g. "Medicare".
  std::vector<std::string> coverage_types;
  /// Case-insensitive substrings of a Coverage.class value or name (the plan); none listed: any plan.
  std::vector<std::string> plans;
  std::vector<std::string> states; ///< the patient's state (Patient.address.state); empty: any
  std::string note;
};

/// What the router saw and chose.
struct RoutingResult {
  const Policy* policy = nullptr;         ///< the medical policy
  const Policy* prior_auth = nullptr;     ///< the prior-authorization policy
  std::vector<std::string> coverage_seen; ///< e.g. "Coverage/1: payor CareSource, plan Gold, state NC"
  std::string coverage; ///< the Coverage the chosen route matched ("Coverage/1"), the medical one first
};

class RoutingTable {
public:
  /// routing.json: {"routes": [{"policy", "role", "payor_names", "payor_identifiers", "coverage_types",
  /// "plans", "states", "note"}]}. A route matches a coverage whose payor or type matches, for a patient
  /// living in one of the states.
  void load(const std::string& file, const fhir::JsonValue& root, std::vector<std::string>& errors);
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

  /// For each role, the first route in file order that matches an active Coverage on the record and
  /// whose policy is in force on `as_of` (`find_policy` resolves ids).
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
    const Policy*& chosen = candidate.role == RouteRole::Medical ? result.policy : result.prior_auth;
    const Policy* policy = find_policy(candidate.policy_id);
    if (chosen != nullptr || policy == nullptr || !policy->inForce(as_of)) {
      continue;
    }
    for (const fhir::Resource* coverage : activeCoverages(record, as_of)) {
      if (matches(candidate, *coverage, record)) {
        chosen = policy;
        if (result.coverage.empty() || candidate.role == RouteRole::Medical) {
          result.coverage = coverage->reference();
        }
        break;
      }
    }
  }
  return result;
}

} // namespace pumpcds::policy
