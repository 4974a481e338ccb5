#include "hooks/hook_service.h"

#include <iostream>

#include <algorithm>

#include "base/text.h"
#include "cards/card_builder.h"
#include "hooks/cds_request.h"
#include "hooks/record_gathering.h"
#include "hooks/service_catalog.h"
#include "policies/order_decision.h"

namespace pumpcds::hooks {

HookService::HookService(policy::PolicyLibrary::Ptr library, cards::UuidSourcePtr uuids,
                         std::optional<fhir::Date> now, fhir::FhirClientPtr fhir_client)
    : library_(std::move(library)), uuids_(std::move(uuids)), now_(now),
      fhir_client_(std::move(fhir_client)) {}

std::vector<policy::PumpOrder> pumpOrders(const CdsRequest& request, const policy::OrderCatalog& catalog) {
  std::vector<policy::PumpOrder> orders;
  for (const auto& draft : request.draft_orders) {
    const std::string reference = draft.reference();
    // order-select: only the orders the clinician has just selected.
    if (!request.selections.empty() && std::find(request.selections.begin(), request.selections.end(),
                                                 reference) == request.selections.end()) {
      continue;
    }
    if (auto match = catalog.classify(draft)) {
      orders.push_back({reference, match->code, match->kind, draft.authored_date, draft.type, draft.codes});
    }
  }
  return orders;
}

policy::PolicyLibrary::Ptr HookService::library() const {
  const std::lock_guard lock(library_mutex_);
  return library_;
}

void HookService::replaceLibrary(policy::PolicyLibrary::Ptr library) {
  const std::lock_guard lock(library_mutex_);
  library_ = std::move(library);
}

Result<HookOutcome> HookService::handle(std::string_view service_id, std::string_view body) const {
  const policy::PolicyLibrary::Ptr library = this->library(); // this call's, whatever a reload does
  const ServiceDefinition* service = findService(service_id);
  if (service == nullptr) {
    return notFound("no CDS service '" + base::printable(service_id, 64) + "'; GET /cds-services lists them");
  }
  auto parsed = parseCdsRequest(body);
  if (!parsed.isOk()) {
    return parsed.status();
  }
  CdsRequest& request = parsed.value();
  if (request.hook != service->hook) {
    // The reference CDS Hooks sandbox labels a call with the hook of its current page, so an order-sign
    // body can reach the order-select service: a hook pumpcds answers is answered as the service's own.
    bool known = false;
    for (const auto& other : services()) {
      known = known || other.hook == request.hook;
    }
    if (!known) {
      return invalidArgument("hook '" + base::printable(request.hook, 64) + "' does not match service '" +
                             service->id + "', which answers " + service->hook);
    }
    std::cerr << "warning: a '" << request.hook << "' request reached service '" << service->id
              << "'; answered as " << service->hook << "\n";
    request.hook = service->hook;
  }
  PUMPCDS_ASSIGN_OR_RETURN(const cards::CardOptions options,
                           cards::readConfiguration(request.configuration, library->cardSettings()));
  HookOutcome outcome;
  outcome.hook = request.hook;
  outcome.hook_instance = request.hook_instance;
  outcome.patient_id = request.patient_id;
  outcome.fhir_server = request.fhir_server;
  outcome.library = library;
  const auto orders = pumpOrders(request, library->orders());
  if (!orders.empty()) {
    const auto started = std::chrono::steady_clock::now();
    PUMPCDS_RETURN_IF_ERROR(gatherRecord(request, orders, *library, fhir_client_.get(), now_, outcome.fetch));
    outcome.fetch_time =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    request.record.resolveReferences();
  }
  const auto evaluation_started = std::chrono::steady_clock::now();
  for (const auto& order : orders) {
    const fhir::Date as_of = referenceDate(order, now_);
    const policy::EvaluationInput input{request.record, request.draft_orders, as_of};
    outcome.determination.orders.push_back(
        policy::decideOrder(library->route(input.record, as_of), order, input));
  }
  cards::ResponseContext context;
  context.order_json = &request.draft_order_json;
  context.hook = {request.patient_id, request.encounter_id, request.user_id};
  context.options = options;
  context.app = app_link_ ? &*app_link_ : nullptr;
  context.fhir_server = request.fhir_server;
  auto rendered = cards::renderCdsResponse(outcome.determination, library->cardSettings(), *uuids_, context);
  outcome.response_json = std::move(rendered.json);
  outcome.cards = rendered.cards;
  outcome.cards_written = std::move(rendered.written);
  outcome.evaluation_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - evaluation_started);
  return outcome;
}

} // namespace pumpcds::hooks
