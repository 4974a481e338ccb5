// Builds CDS Hooks order-sign requests with a patient record in prefetch, for tests. Each resource is
// plain FHIR R4 JSON, so tests exercise the same parsing path as a real EHR request.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace pumpcds::testing {

inline constexpr const char* kCpt = "http://www.ama-assn.org/go/cpt";
inline constexpr const char* kIcd10 = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr const char* kSnomed = "http://snomed.info/sct";
inline constexpr const char* kLoinc = "http://loinc.org";
inline constexpr const char* kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

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
  RequestBuilder& condition(const std::string& system, const std::string& code, const std::string& onset,
                            const std::string& clinical_status = "active");
  /// Observation with a numeric value.
  RequestBuilder& observationValue(const std::string& loinc, const std::string& date, double value);
  /// Observation with an interpretation code (v3 ObservationInterpretation), e.g. NEG or POS.
  RequestBuilder& observationResult(const std::string& loinc, const std::string& date,
                                    const std::string& interpretation);
  RequestBuilder& procedure(const std::string& system, const std::string& code, const std::string& date);
  /// Weekly sessions of a procedure from `first` for `weeks` weeks.
  RequestBuilder& weeklyProcedures(const std::string& system, const std::string& code,
                                   const std::string& first, int weeks);
  RequestBuilder& medicationRequest(const std::string& rxnorm, const std::string& authored);
  RequestBuilder& medicationStatement(const std::string& rxnorm, const std::string& start,
                                      const std::string& end);
  RequestBuilder& allergy(const std::string& rxnorm);
  RequestBuilder& device(const std::string& snomed);
  RequestBuilder& document(const std::string& loinc, const std::string& date);
  /// A QuestionnaireResponse item whose linkId is the criterion id.
  RequestBuilder& attest(const std::string& criterion_id, bool answer = true);

  /// Leaves the prefetch key of `type` out: the data is not read.
  RequestBuilder& unread(const std::string& type);
  /// Sends the prefetch key of `type` as null (the EHR has no such data) unless resources of it are added.
  RequestBuilder& none(const std::string& type);

  [[nodiscard]] std::string json() const;

private:
  std::string hook_ = "order-sign";
  std::vector<std::string> draft_orders_;
  std::map<std::string, std::vector<std::string>> resources_; // type -> resource JSON
  std::vector<std::string> attestations_;
  std::set<std::string> unread_;
  std::set<std::string> none_;
  std::string patient_state_ = "NC";
  std::string payor_ = "CareSource";
  int next_id_ = 1;
};

/// Adds `days` to an ISO date.
std::string addDays(const std::string& date, int days);

} // namespace pumpcds::testing
