// HookService: the one place that knows the whole flow of a hook call. Parse and validate the request,
// pick the pump orders, gather the record, route each order to its policy, evaluate, render cards.
// The server and `pumpcds evaluate` both call it, so they give the same answer for the same request.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cards/card_builder.h"
#include "cards/uuid_source.h"
#include "fhir/date.h"
#include "fhir/fhir_client.h"
#include "fhir/record_fetcher.h"
#include "library/policy_library.h"
#include "policies/determination.h"

namespace pumpcds::hooks {

struct HookOutcome {
  policy::Determination determination;
  std::string response_json;                     ///< the CDS Hooks response body
  size_t cards = 0;                              ///< how many cards it holds
  std::vector<cards::CardWritten> cards_written; ///< each card's uuid and order, for the audit trail
  fhir::FetchStats fetch;                        ///< what was read from the FHIR server
  std::chrono::microseconds fetch_time{0};
  std::chrono::microseconds evaluation_time{0}; ///< routing, evaluating and rendering
  // What the audit trail keeps of the request itself.
  std::string hook;
  std::string hook_instance;
  std::string patient_id;
  std::string fhir_server;
  /// The library that decided. The determination points into its policies, so the outcome holds it: a
  /// reload during the call must not free them before the caller has read them.
  policy::PolicyLibrary::Ptr library;
};

struct CdsRequest;

/// The pump orders among a request's draft orders (for order-select, only the selected ones).
std::vector<policy::PumpOrder> pumpOrders(const CdsRequest& request, const policy::OrderCatalog& catalog);

class HookService {
public:
  /// `now` pins the reference date (else each order's authoredOn, else today). `fhir_client` reads what
  /// prefetch lacks from the request's fhirServer; without one only prefetch is read.
  HookService(policy::PolicyLibrary::Ptr library, cards::UuidSourcePtr uuids,
              std::optional<fhir::Date> now = {}, fhir::FhirClientPtr fhir_client = nullptr);

  /// Handles POST /cds-services/{service_id}. For pump orders, reads from fhirServer what the routed
  /// policies need and prefetch did not deliver (absent or paged keys; a null key is not queried, a key
  /// holding an OperationOutcome is an error for that data), all within the client's deadline.
  /// Errors: NotFound for an unknown service; InvalidArgument for a malformed request or a hook that is
  /// not the service's; FailedPrecondition when pump orders came with no prefetch at all and the FHIR
  /// server cannot be read (none, refused by configuration, or it refused the token).
  Result<HookOutcome> handle(std::string_view service_id, std::string_view body) const;

  /// Cards with items to attest link to the DTR app here (set before serving; none: no link).
  void setAppLink(std::optional<cards::AppLink> app) { app_link_ = std::move(app); }

  /// The library new calls use. A call holds the one it started with until it ends.
  [[nodiscard]] policy::PolicyLibrary::Ptr library() const;
  /// Serves `library` from the next call on (a reload); calls in flight finish on the old one.
  void replaceLibrary(policy::PolicyLibrary::Ptr library);

private:
  mutable std::mutex library_mutex_;
  policy::PolicyLibrary::Ptr library_;
  cards::UuidSourcePtr uuids_;
  std::optional<fhir::Date> now_;
  fhir::FhirClientPtr fhir_client_;
  std::optional<cards::AppLink> app_link_;
};

} // namespace pumpcds::hooks
