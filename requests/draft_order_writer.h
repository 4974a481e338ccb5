// Draft orders for the hook requests pumpcds assembles itself (`pumpcds check`, the policy case runner,
// tests): one shape for all, so a pre-check and a policy case send what an EHR sends.
#pragma once

#include <string>
#include <string_view>

namespace pumpcds::requests {

/// SNOMED CT 72607000 "Intrathecal route", how an EHR codes the route of a pump drug.
inline constexpr std::string_view kIntrathecalRoute = "72607000";

struct DraftPumpOrder {
  std::string code; ///< CPT (62362) or HCPCS (E0783)
  /// ServiceRequest or DeviceRequest; "" picks by the code: HCPCS level II codes start with a letter, and
  /// the pump devices among them are DeviceRequests.
  std::string type;
  std::string id;
  std::string patient_id; ///< "" leaves subject out
  std::string authored;
};

struct DraftDrugOrder {
  std::string code;          ///< RxNorm
  std::string text;          ///< medicationCodeableConcept.text
  std::string route;         ///< SNOMED CT; "" is intrathecal
  std::string dose_json;     ///< a Quantity for dosageInstruction.doseAndRate.doseQuantity, or ""
  std::string dispense_json; ///< a Quantity for dispenseRequest.quantity, or ""
  std::string id;
  std::string patient_id;
  std::string authored;
};

/// The draft resource's JSON (status draft, intent order).
std::string draftPumpOrderJson(const DraftPumpOrder& order);
std::string draftDrugOrderJson(const DraftDrugOrder& drug);

} // namespace pumpcds::requests
