// One writer for the hook requests pumpcds assembles itself: each policy case, and every test that
// needs a request. What goes in is plain FHIR JSON; what comes out is what an EHR sends (draftOrders in
// context, one prefetch key per discovery template), so cases and tests take the real parsing path.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pumpcds::requests {

struct HookRequestParts {
  std::string hook = "order-sign";
  std::string hook_instance = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea";
  std::string fhir_server; ///< "" leaves fhirServer out
  /// fhirAuthorization.access_token (a bearer token for fhir_server); "" leaves fhirAuthorization out
  std::string access_token;
  std::string user_id; ///< "" leaves userId out
  std::string patient_id = "p1";
  /// The Patient resource; when empty, one is written with patient_id, birth_date and state.
  std::string patient_json;
  std::string birth_date; ///< "" leaves Patient.birthDate out
  std::string state;      ///< "" leaves Patient.address out
  /// When set, an active Coverage of the patient whose payor has this display name (and Coverage.type this
  /// text), after any Coverage in `resources`: what routes the order.
  std::string payor;
  std::string coverage_type;
  std::string coverage_id = "coverage-1";
  std::vector<std::string> draft_orders;                     ///< JSON of each draft resource
  std::map<std::string, std::vector<std::string>> resources; ///< prefetch type -> resource JSON
  /// QuestionnaireResponse items (linkId, answer), written as one completed response of this patient that
  /// answers `attestation_questionnaire` (a canonical; "" leaves it out) on `attestation_authored` (a
  /// date; "" leaves it out).
  std::vector<std::pair<std::string, bool>> attestations;
  std::string attestation_questionnaire;
  std::string attestation_authored;
  std::set<std::string> none;   ///< types sent as null (no such data) unless resources of them are given
  std::set<std::string> unread; ///< types left out of prefetch (not read)
  std::string self_link_base;   ///< searchsets' self links: <base><Type>?patient=<id>
  bool prefetch = true;         ///< false: no prefetch at all (everything is read from fhir_server)
};

std::string writeHookRequest(const HookRequestParts& parts);

} // namespace pumpcds::requests
