// CdsRequest: a CDS Hooks 2.0 hook request, parsed and validated at the edge into owned data.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cards/card_options.h"
#include "fhir/patient_record.h"
#include "fhir/resource.h"

namespace pumpcds::hooks {

struct CdsRequest {
  std::string hook;
  std::string hook_instance;
  std::string fhir_server;
  bool has_fhir_authorization = false;
  /// fhirAuthorization.access_token: sent to fhirServer as a bearer token for this call only; never
  /// logged, cached or written anywhere.
  std::string access_token;
  std::string patient_id;
  std::string user_id;
  std::string encounter_id; ///< context.encounterId, when sent
  /// extension["davinci-crd.configuration"]: each option as sent, in order (checked by the service).
  std::vector<std::pair<std::string, cards::ConfigurationValue>> configuration;
  std::vector<fhir::Resource> draft_orders;
  /// Each draft order's JSON as sent, keyed by "Type/id": echoed back in coverage-information actions.
  std::map<std::string, std::string> draft_order_json;
  std::vector<std::string> selections;   ///< order-select: the orders just selected ("Type/id")
  bool has_prefetch = false;             ///< any prefetch key at all
  std::set<std::string> prefetch_failed; ///< types whose prefetch key held an error: not queried again
  fhir::PatientRecord record;            ///< everything the prefetch held
};

/// Parses a hook request body. Fails with InvalidArgument naming the problem: malformed JSON (with
/// line and column), a missing or mistyped hook, hookInstance, context, context.patientId or
/// context.draftOrders, a prefetch or davinci-crd.configuration that is not an object. Unknown fields are
/// ignored.
Result<CdsRequest> parseCdsRequest(std::string_view body);

} // namespace pumpcds::hooks
