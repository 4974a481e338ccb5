// A Synthea R4 patient bundle as an order-sign request for a trial pump (62326): every resource in
// prefetch, grouped by type as a FHIR server's searches return them, plus a Coverage.
#pragma once

#include <string>

#include <rapidjson/document.h>

namespace pumpcds::testing {

struct SyntheaOptions {
  std::string state;        ///< when set, the Patient's address is moved to this state ("NC")
  std::string extra_bundle; ///< a Bundle of more resources of the patient (its entries join prefetch)
  std::string order_date = "2025-11-20";
};

/// Replaces a Patient's address with one in `state` ("NC"); "" leaves it.
void moveToState(rapidjson::Value& patient, const std::string& state,
                 rapidjson::Document::AllocatorType& allocator);

/// `payor` names the Coverage's payor (its display), which routes the order; "" adds no Coverage.
std::string syntheaRequest(const std::string& bundle_text, const std::string& payor,
                           const SyntheaOptions& options = {});

} // namespace pumpcds::testing
