#include "hooks/record_gathering.h"

#include <chrono>
#include <set>

namespace pumpcds::hooks {
namespace {

// Types worth asking the server for: not read, and not an error the EHR already reported for its key.
std::vector<std::string> stillNeeded(const std::set<std::string>& wanted, const CdsRequest& request) {
  std::vector<std::string> out;
  for (const auto& type : wanted) {
    if (!request.record.wasRead(type) && request.prefetch_failed.count(type) == 0) {
      out.push_back(type);
    }
  }
  return out;
}

} // namespace

fhir::Date referenceDate(const policy::PumpOrder& order, const std::optional<fhir::Date>& now) {
  return now ? *now : order.authored.value_or(fhir::Date::today());
}

Status gatherRecord(CdsRequest& request, const std::vector<policy::PumpOrder>& orders,
                    const policy::PolicyLibrary& library, const fhir::FhirClient* client,
                    const std::optional<fhir::Date>& now, fhir::FetchStats& stats) {
  Status server;
  if (request.fhir_server.empty()) {
    server = {StatusCode::FailedPrecondition, "the request names no fhirServer"};
  } else if (client == nullptr) {
    server = {StatusCode::FailedPrecondition, "reading the FHIR server is turned off"};
  } else {
    server = client->checkServer(request.fhir_server);
  }
  if (!server.isOk()) {
    if (!request.has_prefetch) {
      return {StatusCode::FailedPrecondition,
              "the request carries no prefetch and its FHIR server cannot be read (" + server.message() +
                  "): there is no patient record to check the pump order against"};
    }
    if (!request.fhir_server.empty()) {
      request.record.addIssue("the rest of the record was not read from the FHIR server: " +
                              server.message());
    }
    return {};
  }
  const fhir::FhirEndpoint endpoint{request.fhir_server, request.access_token};
  const auto deadline = std::chrono::steady_clock::now() + client->settings().deadline;
  // Routing reads Patient and Coverage; only then is it known which policies, and so which data, apply.
  const auto routing = stillNeeded({"Patient", "Coverage"}, request);
  if (!routing.empty()) {
    stats.add(fhir::fetchTypes(*client, endpoint, request.patient_id, routing, deadline, request.record));
  }
  // A payor named only by reference (its Organization not included) routes once it is read.
  stats.add(fhir::fetchReferences(*client, endpoint, deadline, request.record));
  std::set<std::string> wanted;
  for (const auto& order : orders) {
    const auto routed = library.route(request.record, referenceDate(order, now));
    for (const policy::Policy* policy : {routed.policy, routed.prior_auth}) {
      if (policy != nullptr) {
        wanted.insert(policy->read_types.begin(), policy->read_types.end());
      }
    }
  }
  const auto needed = stillNeeded(wanted, request);
  if (!needed.empty()) {
    stats.add(fhir::fetchTypes(*client, endpoint, request.patient_id, needed, deadline, request.record));
  }
  stats.add(fhir::fetchReferences(*client, endpoint, deadline, request.record));
  if (!request.has_prefetch && stats.unauthorized && stats.answered == 0) {
    return {StatusCode::FailedPrecondition,
            "the FHIR server refused the access token, and the request carries no prefetch: there is no "
            "patient record to check the pump order against"};
  }
  return {};
}

} // namespace pumpcds::hooks
