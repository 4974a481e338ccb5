// Builds CDS Hooks order-sign requests with a patient record in prefetch, for tests: FHIR R4 resources
// written here, the request itself by requests/hook_request_writer (the one the policy case runner uses),
// so tests exercise the same parsing path as a real EHR request.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::testing {

// Code systems: fhir::systems is their one home.
using fhir::systems::kCpt;
using fhir::systems::kLoinc;
using fhir::systems::kRxNorm;
using fhir::systems::kSnomed;
inline constexpr std::string_view kIcd10 = fhir::systems::kIcd10Cm;

class RequestBuilder {
public:
  RequestBuilder();

  RequestBuilder& hook(const std::string& hook);
  /// A draft ServiceRequest for the pump, coded in CPT, authored on `authored`.
  RequestBuilder& pumpOrder(const std::string& cpt, const std::string& authored = "2025-11-20",
                            const std::string& id = "pump-1");
  /// A draft MedicationRequest for the pump drug.
  RequestBuilder& drugOrder(const std::string& rxnorm, const std::string& route_snomed = "72607000");
  RequestBuilder& patientState(const std::string& state);
  RequestBuilder& coverage(const std::string& payor_name);

  /// Adds a resource of `type` (with an id assigned) as raw JSON members, e.g. "\"code\":{...}".
  std::string add(const std::string& type, const std::string& members);
  RequestBuilder& condition(std::string_view system, const std::string& code, const std::string& onset,
                            const std::string& clinical_status = "active");
  /// Observation with a numeric value.
  RequestBuilder& observationValue(const std::string& loinc, const std::string& date, double value);
  /// Observation with an interpretation code (v3 ObservationInterpretation), e.g. NEG or POS.
  RequestBuilder& observationResult(const std::string& loinc, const std::string& date,
                                    const std::string& interpretation);
  RequestBuilder& procedure(std::string_view system, const std::string& code, const std::string& date);
  /// Weekly sessions of a procedure from `first` for `weeks` weeks.
  RequestBuilder& weeklyProcedures(std::string_view system, const std::string& code, const std::string& first,
                                   int weeks);
  RequestBuilder& medicationRequest(const std::string& rxnorm, const std::string& authored);
  RequestBuilder& medicationStatement(const std::string& rxnorm, const std::string& start,
                                      const std::string& end);
  RequestBuilder& allergy(const std::string& rxnorm);
  RequestBuilder& device(const std::string& snomed);
  RequestBuilder& document(const std::string& loinc, const std::string& date);
  /// A QuestionnaireResponse item whose linkId is the criterion id, in one response authored on the pump
  /// order's date. It counts only once answering() names a questionnaire of the deciding policy.
  RequestBuilder& attest(const std::string& criterion_id, bool answer = true);
  /// The questionnaire canonical the attestations answer.
  RequestBuilder& answering(const std::string& questionnaire);

  /// Leaves the prefetch key of `type` out: the data is not read.
  RequestBuilder& unread(const std::string& type);
  /// Sends the prefetch key of `type` as null (the EHR has no such data) unless resources of it are added.
  RequestBuilder& none(const std::string& type);

  [[nodiscard]] std::string json() const;

private:
  requests::HookRequestParts parts_;
  int next_id_ = 1;
};

/// Adds `days` to an ISO date.
std::string addDays(const std::string& date, int days);

} // namespace pumpcds::testing
