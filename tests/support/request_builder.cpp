#include "tests/support/request_builder.h"

#include "fhir/date.h"
#include "fhir/prefetch_templates.h"

namespace pumpcds::testing {
namespace {

std::string codeable(const std::string& system, const std::string& code) {
  return R"({"coding":[{"system":")" + system + R"(","code":")" + code + R"("}]})";
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

} // namespace

std::string addDays(const std::string& date, int days) {
  return fhir::Date::parse(date)->addDays(days).toString();
}

RequestBuilder::RequestBuilder() = default;

RequestBuilder& RequestBuilder::hook(const std::string& hook) {
  hook_ = hook;
  return *this;
}

RequestBuilder& RequestBuilder::pumpOrder(const std::string& cpt, const std::string& authored,
                                          const std::string& id) {
  draft_orders_.push_back(
      R"({"resourceType":"ServiceRequest","id":")" + id +
      R"(","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},"code":)" +
      codeable(kCpt, cpt) + R"(,"authoredOn":")" + authored + R"("})");
  return *this;
}

RequestBuilder& RequestBuilder::drugOrder(const std::string& rxnorm, const std::string& route_snomed) {
  draft_orders_.push_back(
      R"({"resourceType":"MedicationRequest","id":"drug-1","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":)" +
      codeable(kRxNorm, rxnorm) + R"(,"dosageInstruction":[{"route":)" + codeable(kSnomed, route_snomed) +
      "}]}");
  return *this;
}

RequestBuilder& RequestBuilder::patientState(const std::string& state) {
  patient_state_ = state;
  return *this;
}

RequestBuilder& RequestBuilder::coverage(const std::string& payor_name) {
  payor_ = payor_name;
  return *this;
}

std::string RequestBuilder::add(const std::string& type, const std::string& members) {
  const std::string id = type.substr(0, 3) + std::to_string(next_id_++);
  resources_[type].push_back(R"({"resourceType":")" + type + R"(","id":")" + id +
                             R"(","subject":{"reference":"Patient/p1"})" + (members.empty() ? "" : ",") +
                             members + "}");
  return type + "/" + id;
}

RequestBuilder& RequestBuilder::condition(const std::string& system, const std::string& code,
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

RequestBuilder& RequestBuilder::procedure(const std::string& system, const std::string& code,
                                          const std::string& date) {
  add("Procedure",
      R"("status":"completed","code":)" + codeable(system, code) + R"(,"performedDateTime":)" + quoted(date));
  return *this;
}

RequestBuilder& RequestBuilder::weeklyProcedures(const std::string& system, const std::string& code,
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
  attestations_.push_back(R"({"linkId":")" + criterion_id + R"(","answer":[{"valueBoolean":)" +
                          (answer ? "true" : "false") + "}]}");
  return *this;
}

RequestBuilder& RequestBuilder::unread(const std::string& type) {
  unread_.insert(type);
  return *this;
}

RequestBuilder& RequestBuilder::none(const std::string& type) {
  none_.insert(type);
  return *this;
}

std::string RequestBuilder::json() const {
  auto resources = resources_;
  resources["Patient"].push_back(R"({"resourceType":"Patient","id":"p1","address":[{"state":")" +
                                 patient_state_ + R"("}]})");
  resources["Coverage"].push_back(
      R"({"resourceType":"Coverage","id":"cov1","status":"active","beneficiary":{"reference":"Patient/p1"},"payor":[{"display":")" +
      payor_ + R"("}]})");
  if (!attestations_.empty()) {
    std::string items;
    for (const auto& item : attestations_) {
      items += (items.empty() ? "" : ",") + item;
    }
    resources["QuestionnaireResponse"].push_back(
        R"({"resourceType":"QuestionnaireResponse","id":"qr1","status":"completed","subject":{"reference":"Patient/p1"},"authored":"2025-11-01","item":[)" +
        items + "]}");
  }
  std::string prefetch;
  for (const auto& prefetch_template : fhir::prefetchTemplates()) {
    const std::string& type = prefetch_template.type;
    if (unread_.count(type) != 0) {
      continue;
    }
    prefetch += prefetch.empty() ? "" : ",";
    prefetch += quoted(prefetch_template.key) + ":";
    if (none_.count(type) != 0 && resources.count(type) == 0) {
      prefetch += "null";
      continue;
    }
    const auto found = resources.find(type);
    if (type == "Patient") {
      prefetch += found->second.front();
      continue;
    }
    std::string entries;
    if (found != resources.end()) {
      for (const auto& resource : found->second) {
        entries += (entries.empty() ? "" : ",") + std::string(R"({"resource":)") + resource + "}";
      }
    }
    prefetch +=
        R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"https://ehr.example/fhir/)" +
        type + R"(?patient=p1"}],"entry":[)" + entries + "]}";
  }
  std::string orders;
  for (const auto& order : draft_orders_) {
    orders += (orders.empty() ? "" : ",") + std::string(R"({"resource":)") + order + "}";
  }
  return R"({"hook":")" + hook_ +
         R"(","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","fhirServer":"https://ehr.example/fhir","context":{"userId":"Practitioner/u1","patientId":"p1","draftOrders":{"resourceType":"Bundle","entry":[)" +
         orders + R"(]}},"prefetch":{)" + prefetch + "}}";
}

} // namespace pumpcds::testing
