// Helpers shared by the evidence rules: which resources count, windows, and "not read" outcomes.
#pragma once

#include <string>
#include <vector>

#include "fhir/resource.h"
#include "policies/rules.h"

namespace pumpcds::policy {

/// Whether a resource counts as evidence on the reference date: not entered in error, cancelled or
/// refuted; not dated after the reference date; and for Conditions, allergies and devices, active.
bool counts(const fhir::Resource& resource, const fhir::Date& as_of);

/// Whether a resource's time overlaps [window_start, window_end). Undated resources overlap nothing.
bool overlaps(const fhir::Resource& resource, fhir::Seconds window_start, fhir::Seconds window_end);

/// The date `months` calendar months before `date`: the same day of the month, or that month's last day
/// (2025-08-31 minus 6 months is 2025-02-28). How every rule reads "N months", "within the last N months"
/// and "for at least N months".
fhir::Date monthsBefore(const fhir::Date& date, int months);

/// Start of a look-back window of `months` ending with the reference date.
fhir::Seconds windowStart(const fhir::Date& as_of, int months);

/// Every counted resource of `types` coded in any of `sets`.
std::vector<const fhir::Resource*> findCoded(const RuleContext& context,
                                             const std::vector<std::string>& types,
                                             const std::vector<const ValueSet*>& sets);

/// The types among `types` that were not read, e.g. {"Device"}.
std::vector<std::string> unreadTypes(const fhir::PatientRecord& record,
                                     const std::vector<std::string>& types);

/// Absent when every type was read, else Unknown naming the unread types; `what` says what was sought.
Outcome notFound(const fhir::PatientRecord& record, const std::vector<std::string>& types,
                 const std::string& what);

/// "Condition and Device" style list.
std::string joinWords(const std::vector<std::string>& words, const std::string& last_separator = " and ");

/// Draft orders that are the drug for the pump: MedicationRequests whose route is in `route_sets` or
/// whose medication is in `drug_sets`.
std::vector<const fhir::Resource*> pumpDrugOrders(const RuleContext& context,
                                                  const std::vector<const ValueSet*>& drug_sets,
                                                  const std::vector<const ValueSet*>& route_sets);

bool inAny(const std::vector<const ValueSet*>& sets, const std::vector<fhir::Coding>& codings);

} // namespace pumpcds::policy
