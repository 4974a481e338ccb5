// The hook request `pumpcds check` sends through the same HookService as a real EHR call: an order-sign
// for one patient whose record is read from the FHIR server (all of it, or all but the Patient the caller
// has read already).
#pragma once

#include <string>
#include <vector>

#include "fhir/date.h"

namespace pumpcds::requests {

struct CheckRequest {
  std::string fhir_server;
  std::string access_token; ///< "" for an open server
  std::string patient_id;
  std::vector<std::string> order_codes; ///< CPT (62362) as ServiceRequests, HCPCS (E0783) as DeviceRequests
  std::vector<std::string> drug_codes;  ///< RxNorm codes of the pump drug, ordered intrathecally
  fhir::Date authored;
  /// The Patient as the caller already read it from fhir_server: sent as the only prefetch key, so it is
  /// not read twice. "": no prefetch at all.
  std::string patient_json;
};

/// The order-sign request JSON for `check`.
std::string checkRequestJson(const CheckRequest& check);

} // namespace pumpcds::requests
