#include "tests/support/request_builder.h"

#include "fhir/date.h"
#include "requests/draft_order_writer.h"

namespace pumpcds::testing {
namespace {

std::string codeable(std::string_view system, const std::string& code) {
  return R"({"coding":[{"system":")" + std::string(system) + R"(","code":")" + code + R"("}]})";
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

} // namespace

std::string addDays(const std::string& date, int days) {
  return fhir::Date::parse(date)->addDays(days).toString();
}

RequestBuilder::RequestBuilder() {
  parts_.fhir_server = "https://ehr.example/fhir";
  parts_.self_link_base = "https://ehr.example/fhir/";
  parts_.user_id = "Practitioner/u1";
  parts_.state = "NC";
  parts_.payor = "CareSource";
  parts_.coverage_id = "cov1";
  parts_.attestation_authored = "2025-11-20";
}

RequestBuilder& RequestBuilder::hook(const std::string& hook) {
  parts_.hook = hook;
  return *this;
}

RequestBuilder& RequestBuilder::pumpOrder(const std::string& cpt, const std::string& authored,
                                          const std::string& id) {
  parts_.draft_orders.push_back(requests::draftPumpOrderJson({cpt, "ServiceRequest", id, "p1", authored}));
  parts_.attestation_authored = authored;
  return *this;
}

RequestBuilder& RequestBuilder::drugOrder(const std::string& rxnorm, const std::string& route_snomed) {
  requests::DraftDrugOrder drug;
  drug.code = rxnorm;
  drug.route = route_snomed;
  drug.id = "drug-1";
  drug.patient_id = "p1";
  parts_.draft_orders.push_back(requests::draftDrugOrderJson(drug));
  return *this;
}

RequestBuilder& RequestBuilder::patientState(const std::string& state) {
  parts_.state = state;
  return *this;
}

RequestBuilder& RequestBuilder::coverage(const std::string& payor_name) {
  parts_.payor = payor_name;
  return *this;
}

std::string RequestBuilder::add(const std::string& type, const std::string& members) {
  const std::string id = type.substr(0, 3) + std::to_string(next_id_++);
  parts_.resources[type].push_back(R"({"resourceType":")" + type + R"(","id":")" + id +
                                   R"(","subject":{"reference":"Patient/p1"})" +
                                   (members.empty() ? "" : ",") + members + "}");
  return type + "/" + id;
}

RequestBuilder& RequestBuilder::condition(std::string_view system, const std::string& code,
                                          const std::string& onset, const std::string& clinical_status) {
  add("Condition", R"("clinicalStatus":)" +
                       codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical_status) +
                       R"(,"code":)" + codeable(system, code) + R"(,"onsetDateTime":)" + quoted(onset));
  return *this;
}

RequestBuilder& RequestBuilder::observationValue(const std::string& loinc, const std::string& date,
                                                 double value) {
  add("Observation", R"("status":"final","code":)" + codeable(kLoinc, loinc) + R"(,"effectiveDateTime":)" +
                         quoted(date) + R"(,"valueQuantity":{"value":)" + std::to_string(value) + "}");
  return *this;
}

RequestBuilder& RequestBuilder::observationResult(const std::string& loinc, const std::string& date,
                                                  const std::string& interpretation) {
  add("Observation",
      R"("status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":)" +
          codeable(kLoinc, loinc) + R"(,"effectiveDateTime":)" + quoted(date) + R"(,"interpretation":[)" +
          codeable("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", interpretation) +
          "]");
  return *this;
}

RequestBuilder& RequestBuilder::procedure(std::string_view system, const std::string& code,
                                          const std::string& date) {
  add("Procedure",
      R"("status":"completed","code":)" + codeable(system, code) + R"(,"performedDateTime":)" + quoted(date));
  return *this;
}

RequestBuilder& RequestBuilder::weeklyProcedures(std::string_view system, const std::string& code,
                                                 const std::string& first, int weeks) {
  for (int week = 0; week < weeks; ++week) {
    procedure(system, code, addDays(first, 7 * week));
  }
  return *this;
}

RequestBuilder& RequestBuilder::medicationRequest(const std::string& rxnorm, const std::string& authored) {
  add("MedicationRequest", R"("status":"completed","intent":"order","medicationCodeableConcept":)" +
                               codeable(kRxNorm, rxnorm) + R"(,"authoredOn":)" + quoted(authored));
  return *this;
}

RequestBuilder& RequestBuilder::medicationStatement(const std::string& rxnorm, const std::string& start,
                                                    const std::string& end) {
  add("MedicationStatement", R"("status":"active","medicationCodeableConcept":)" + codeable(kRxNorm, rxnorm) +
                                 R"(,"effectivePeriod":{"start":)" + quoted(start) + R"(,"end":)" +
                                 quoted(end) + "}");
  return *this;
}

RequestBuilder& RequestBuilder::allergy(const std::string& rxnorm) {
  add("AllergyIntolerance",
      R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"code":)" +
          codeable(kRxNorm, rxnorm));
  return *this;
}

RequestBuilder& RequestBuilder::device(const std::string& snomed) {
  add("Device", R"("status":"active","type":)" + codeable(kSnomed, snomed));
  return *this;
}

RequestBuilder& RequestBuilder::document(const std::string& loinc, const std::string& date) {
  add("DocumentReference", R"("status":"current","type":)" + codeable(kLoinc, loinc) + R"(,"date":)" +
                               quoted(date + "T10:00:00Z"));
  return *this;
}

RequestBuilder& RequestBuilder::attest(const std::string& criterion_id, bool answer) {
  parts_.attestations.emplace_back(criterion_id, answer);
  return *this;
}

RequestBuilder& RequestBuilder::answering(const std::string& questionnaire) {
  parts_.attestation_questionnaire = questionnaire;
  return *this;
}

RequestBuilder& RequestBuilder::unread(const std::string& type) {
  parts_.unread.insert(type);
  return *this;
}

RequestBuilder& RequestBuilder::none(const std::string& type) {
  parts_.none.insert(type);
  return *this;
}

std::string RequestBuilder::json() const {
  return requests::writeHookRequest(parts_);
}

} // namespace pumpcds::testing
