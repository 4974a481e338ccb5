// One patient of a population as the order-sign request an EHR would send when the order is signed, so
// that the pre-check takes the very path of a hook call (HookService) and cannot disagree with the card.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policies/order_catalog.h"
#include "precheck/bulk_grouping.h"

namespace pumpcds::precheck {

/// What is checked for every patient.
struct PrecheckOrders {
  std::vector<std::string> codes; ///< --order: a hypothetical order of each code, authored `authored`
  bool own_orders = false;        ///< --own-orders: the patient's pump ServiceRequests/DeviceRequests
  std::string authored;           ///< YYYY-MM-DD
};

struct PatientRequest {
  std::string json;       ///< the order-sign request
  size_t draft_orders{};  ///< how many orders it carries
  bool has_coverage{};    ///< the record holds a Coverage (what routes an order to a policy)
  std::string name;       ///< the Patient's official (else first) name, given names then family
  std::string birth_date; ///< the Patient's birthDate
};

/// What a nurse matches a checklist to the chart by.
struct PatientLabel {
  std::string name;       ///< the official (else first) name, given names then family, or its text
  std::string birth_date; ///< birthDate as written
};
/// The label of a Patient resource (JSON); empty fields for what it lacks or text that is not JSON.
PatientLabel patientLabel(std::string_view patient_json);

/// Every resource of the patient goes into prefetch under the key of its type, with the shared
/// resources its resources reference (a Medication, the Coverage's payor Organization) as a search's
/// _include brings them. A type in `unread` (not exported) is left out of prefetch, so its absence proves
/// nothing; every other type without resources is sent as a search that found none. With own_orders,
/// the patient's draft, active and on-hold pump orders (by `catalog`), and draft MedicationRequests given
/// intrathecally (the pump drug), become the draft orders.
PatientRequest patientHookRequest(const PatientResources& patient,
                                  const std::map<std::string, std::string, std::less<>>& shared,
                                  const std::set<std::string>& unread, const PrecheckOrders& orders,
                                  const policy::OrderCatalog& catalog);

} // namespace pumpcds::precheck
