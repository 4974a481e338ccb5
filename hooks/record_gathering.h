// Gathering the record for one hook call: prefetch first, then the request's fhirServer for what the
// routed policies read and prefetch did not deliver.
#pragma once

#include <optional>
#include <vector>

#include "fhir/fhir_client.h"
#include "fhir/record_fetcher.h"
#include "hooks/cds_request.h"
#include "library/policy_library.h"
#include "policies/determination.h"

namespace pumpcds::hooks {

/// The reference date of an order: `now` when pinned, else its authoredOn, else today.
fhir::Date referenceDate(const policy::PumpOrder& order, const std::optional<fhir::Date>& now);

/// Completes `request.record` from `request.fhir_server` (when `client` is set and allows that server):
/// Patient and Coverage first when routing lacks them (and the payor Organization, when a Coverage names it
/// only by reference), then every type the orders' medical and
/// prior-authorization policies read that is neither read nor failed in prefetch, then the Medications
/// and payor Organizations the record names, all before one deadline. What could not be read is marked
/// on the record with the reason. Fails with FailedPrecondition (HTTP 412) only when the request has no
/// prefetch at all and no data could be had: no usable fhirServer, or the server refused the token.
Status gatherRecord(CdsRequest& request, const std::vector<policy::PumpOrder>& orders,
                    const policy::PolicyLibrary& library, const fhir::FhirClient* client,
                    const std::optional<fhir::Date>& now, fhir::FetchStats& stats);

} // namespace pumpcds::hooks
