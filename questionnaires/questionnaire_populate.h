// SDC $populate for the generated Questionnaires: an in-progress QuestionnaireResponse for one patient and
// one order, filled from the engine's determination. The record is read from the EHR's FHIR server exactly
// as a hook reads it (an order-sign request with no prefetch, through the hook service), so what the app
// shows as met is what the next signing will count.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "fhir/date.h"
#include "library/policy_library.h"
#include "policies/determination.h"

namespace pumpcds::questionnaires {

/// The input Parameters of $populate, read.
struct PopulateRequest {
  std::string questionnaire; ///< the canonical asked for ("url" or "url|version"); "" lets the order pick
  std::string patient_id;    ///< from `subject` (Patient/<id>)
  std::vector<std::string> orders; ///< each order resource's JSON (from `context` content or `order`)
  std::string fhir_server;         ///< `fhirServer`: the EHR's FHIR base the record is read from
};

/// Reads the input Parameters `body` of POST /fhir/Questionnaire[/{id}]/$populate (`questionnaire_id` is
/// the id in the path, or ""): `subject` (a Patient reference) and `fhirServer` (a URL) are required, and
/// at least one order (a ServiceRequest, DeviceRequest or MedicationRequest of that patient) as the content
/// of a `context` or as an `order`; the questionnaire by `canonical`, `questionnaire` (a resource with a
/// url) or the path. InvalidArgument naming what is wrong.
Result<PopulateRequest> parsePopulateRequest(std::string_view body, std::string_view questionnaire_id);

/// The order-sign request that reads the record: the orders as draftOrders, no prefetch, fhirServer with
/// `access_token` as its fhirAuthorization ("" sends none: an open FHIR server).
std::string populateHookRequest(const PopulateRequest& request, const std::string& access_token);

/// The output Parameters: `response`, the in-progress QuestionnaireResponse (read-only items carry what the
/// record shows; a question the record already meets is answered yes, one a response denied no; the rest
/// is left for the clinician);
/// `decision` (the order's, as a hook would decide it now) and a `missing` per criterion still missing
/// ("MM-1369 I.A: <short name>"), pumpcds's own outputs; and
/// `issues`, an OperationOutcome, when the questionnaire asked for is not the deciding policy's, is an old
/// version, or the order is not a pump order. NotFound when no questionnaire can be named at all.
Result<std::string> populatedResponse(const policy::PolicyLibrary& library, const PopulateRequest& request,
                                      const policy::Determination& determination, const fhir::Date& today);

} // namespace pumpcds::questionnaires
