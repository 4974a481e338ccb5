// Reading a patient's record from the EHR's FHIR server: the searches a hook call needs, run in
// parallel, every page followed, into the same PatientRecord that prefetch fills, with the same meaning
// of "read": a type is read only when every page of its search arrived and the server really filtered it
// by the patient. What could not be read is marked with the reason, for the card.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fhir/fhir_client.h"
#include "fhir/patient_record.h"

namespace pumpcds::fhir {

struct FhirEndpoint {
  std::string base;  ///< the request's fhirServer
  std::string token; ///< fhirAuthorization.access_token; lives only for this call
};

/// What one read did, for metrics, logs and the 412 decision.
struct FetchStats {
  int requests = 0;
  int failures = 0;          ///< searches or reads that gave nothing usable
  bool unauthorized = false; ///< the server answered 401 or 403
  int answered = 0;          ///< searches or reads the server answered with usable data
  /// The failures by cause, for metrics: timeout, unreachable, unauthorized, http_error, not_fhir,
  /// operation_outcome, filter_ignored, too_many_resources, too_many_pages, other_server.
  std::map<std::string, int> failure_causes;

  /// Adds `part`'s counts to these.
  void add(const FetchStats& part);
};

/// Reads each type in `types` with its prefetch template's query for `patient_id` (all pages, up to the
/// client's page and resource caps), concurrently, before `deadline`. A complete search adds its
/// resources and marks the type read; anything else adds nothing for the type and marks it unreadable
/// with the reason (timeout, 401, 500, not JSON, cut at the cap, patient filter ignored). A search the
/// server rejects (400) is retried once without its optional parameters (_include, status, _count).
FetchStats fetchTypes(const FhirClient& client, const FhirEndpoint& endpoint, const std::string& patient_id,
                      const std::vector<std::string>& types, std::chrono::steady_clock::time_point deadline,
                      PatientRecord& record);

/// Reads the resources the record names but lacks (PatientRecord::unresolvedReferences: a prescription's
/// Medication, a Coverage's payor Organization), concurrently, before `deadline`, and resolves them.
FetchStats fetchReferences(const FhirClient& client, const FhirEndpoint& endpoint,
                           std::chrono::steady_clock::time_point deadline, PatientRecord& record);

} // namespace pumpcds::fhir
