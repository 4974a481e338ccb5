// The audit record of one hook call, made from what the hook service decided: plain data, no patient
// record and nothing of the caller's token (store/audit_record.h).
#pragma once

#include <string>

#include "hooks/hook_service.h"
#include "store/audit_record.h"

namespace pumpcds::hooks {

/// Who called and how the call went, as the HTTP layer knows it.
struct AuditedCall {
  std::string request_id;
  std::string service;
  std::string issuer; ///< the verified JWT's iss ("" when unauthenticated)
  std::string client; ///< its sub
  int http_status = 0;
  double total_ms = 0;
};

/// The record of a call; `outcome` is null for a call refused as invalid, and then `served` (the library
/// in service) names the revision.
store::AuditRecord auditRecordOf(const AuditedCall& call, const HookOutcome* outcome,
                                 const policy::PolicyLibrary& served);

} // namespace pumpcds::hooks
