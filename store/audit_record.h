// What the audit trail keeps of one hook call and of the feedback on its cards: plain data, no patient
// record and nothing of the caller's token. Da Vinci CRD asks a payer's service to log every call.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pumpcds::store {

struct AuditOrder {
  std::string order;      ///< "ServiceRequest/abc"
  std::string code;       ///< the pump code that made it a pump order
  std::string policy;     ///< the medical policy's id, or ""
  std::string decision;   ///< complete | missing-documentation | contraindicated | not-covered | no-policy
  std::string prior_auth; ///< required | not-required | exempt | unknown
  std::vector<std::pair<std::string, std::string>> criteria; ///< criterion id -> met | unmet | missing
};

struct AuditCard {
  std::string uuid;
  std::string order; ///< the order it is about ("" for a card about the whole call)
};

struct AuditRecord {
  std::string time;       ///< UTC, ISO 8601 with milliseconds
  std::string request_id; ///< the X-Request-Id of the call, the record's key
  std::string service;
  std::string hook;
  std::string hook_instance;
  std::string issuer; ///< the verified JWT's iss ("" when unauthenticated)
  std::string client; ///< its sub
  std::string fhir_server_host;
  std::string patient_id;
  std::string library_revision;
  int http_status = 0;
  double total_ms = 0;
  double fhir_ms = 0;
  double evaluation_ms = 0;
  std::vector<AuditOrder> orders;
  std::vector<AuditCard> cards;
};

/// One item of a CDS Hooks feedback call, checked.
struct FeedbackItem {
  std::string card;              ///< the card's uuid
  std::string outcome;           ///< accepted | overridden
  std::string outcome_timestamp; ///< as the EHR sent it (a FHIR instant)
  std::string override_system;   ///< overrideReason.reason, when overridden with a reason
  std::string override_code;
  std::string override_comment;                  ///< overrideReason.userComment
  std::vector<std::string> accepted_suggestions; ///< suggestion uuids
};

} // namespace pumpcds::store
