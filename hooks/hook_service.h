// HookService: the one place that knows the whole flow of a hook call. Parse and validate the request,
// pick the pump orders, gather the record, route each order to its policy, evaluate, render cards.
// The server and `pumpcds evaluate` both call it, so they give the same answer for the same request.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cards/uuid_source.h"
#include "fhir/date.h"
#include "fhir/result.h"
#include "policies/determination.h"
#include "policies/policy_library.h"

namespace pumpcds::hooks {

struct HookOutcome {
  policy::Determination determination;
  std::string response_json; ///< the CDS Hooks response body
};

class HookService {
public:
  /// `now` pins the reference date (else each order's authoredOn, else today).
  HookService(policy::PolicyLibrary::Ptr library, cards::UuidSourcePtr uuids,
              std::optional<fhir::Date> now = {});

  /// Handles POST /cds-services/{service_id}. Errors: NotFound for an unknown service; InvalidArgument
  /// for a malformed request or a hook that is not the service's; FailedPrecondition when pump orders
  /// came with no clinical record at all (no prefetch) and no FHIR server to read one from.
  Result<HookOutcome> handle(std::string_view service_id, std::string_view body) const;

  [[nodiscard]] const policy::PolicyLibrary& library() const { return *library_; }

private:
  policy::PolicyLibrary::Ptr library_;
  cards::UuidSourcePtr uuids_;
  std::optional<fhir::Date> now_;
};

} // namespace pumpcds::hooks
