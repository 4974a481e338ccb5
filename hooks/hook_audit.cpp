#include "hooks/hook_audit.h"

#include "base/text.h"
#include "fhir/date.h"
#include "fhir/fhir_client.h"

namespace pumpcds::hooks {

store::AuditRecord auditRecordOf(const AuditedCall& call, const HookOutcome* outcome,
                                 const policy::PolicyLibrary& served) {
  store::AuditRecord record;
  record.time = fhir::currentInstant();
  record.request_id = call.request_id;
  record.service = base::printable(call.service, 64);
  record.issuer = call.issuer;
  record.client = call.client;
  record.library_revision = (outcome != nullptr ? *outcome->library : served).revision();
  record.http_status = call.http_status;
  record.total_ms = call.total_ms;
  if (outcome == nullptr) {
    return record;
  }
  record.hook = outcome->hook;
  record.hook_instance = base::printable(outcome->hook_instance, 100);
  record.patient_id = base::printable(outcome->patient_id, 100);
  record.fhir_server_host = base::printable(fhir::urlHost(outcome->fhir_server), 200);
  record.fhir_ms = static_cast<double>(outcome->fetch_time.count()) / 1000.0;
  record.evaluation_ms = static_cast<double>(outcome->evaluation_time.count()) / 1000.0;
  for (const auto& order : outcome->determination.orders) {
    store::AuditOrder audited;
    audited.order = order.order.reference;
    audited.code = order.order.code.code;
    audited.policy = order.policy != nullptr ? order.policy->id : "";
    audited.decision = std::string(policy::toString(order.decision));
    audited.prior_auth = std::string(policy::toString(order.prior_auth));
    for (const auto& criterion : order.criteria) {
      if (criterion.criterion != nullptr) {
        audited.criteria.emplace_back(criterion.criterion->id,
                                      std::string(policy::toString(criterion.status)));
      }
    }
    record.orders.push_back(std::move(audited));
  }
  for (const auto& card : outcome->cards_written) {
    record.cards.push_back({card.uuid, card.order});
  }
  return record;
}

} // namespace pumpcds::hooks
