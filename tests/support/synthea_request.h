// A Synthea R4 patient bundle as an order-sign request for a trial pump (62326, 2025-11-20): every
// resource in prefetch, grouped by type as a FHIR server's searches return them, plus a Coverage.
#pragma once

#include <string>

namespace pumpcds::testing {

/// `payor` names the Coverage's payor (its display), which routes the order.
std::string syntheaRequest(const std::string& bundle_text, const std::string& payor);

} // namespace pumpcds::testing
