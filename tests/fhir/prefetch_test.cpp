#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <set>

#include "fhir/prefetch_templates.h"
#include "fhir/resource_parser.h"

namespace pumpcds::fhir {
namespace {

PatientRecord readPrefetch(const char* json) {
  rapidjson::Document document;
  document.Parse(json);
  EXPECT_FALSE(document.HasParseError());
  PatientRecord record;
  for (const auto& entry : document.GetObject()) {
    const std::string key = entry.name.GetString();
    std::string type;
    for (const auto& prefetch : prefetchTemplates()) {
      type = prefetch.key == key ? prefetch.type : type;
    }
    readPrefetchEntry(key, entry.value, type, record);
  }
  return record;
}

TEST(Prefetch, SearchsetIsAReadOfItsSelfLinkTypeUnderAnyKey) {
  const auto record = readPrefetch(R"({"whatever":{"resourceType":"Bundle","type":"searchset",
    "link":[{"relation":"self","url":"https://ehr/fhir/Condition?patient=1"}],"entry":[]}})");
  EXPECT_TRUE(record.wasRead("Condition"));
  EXPECT_FALSE(record.wasRead("Observation"));
}

TEST(Prefetch, NullKeyIsAReadThatFoundNothing) {
  const auto record = readPrefetch(R"({"devices":null,"unknownKey":null})");
  EXPECT_TRUE(record.wasRead("Device"));
  EXPECT_EQ(record.readTypes().size(), 1u);
}

TEST(Prefetch, AbsentKeyIsNotARead) {
  const auto record = readPrefetch(R"({"patient":{"resourceType":"Patient","id":"1"}})");
  EXPECT_TRUE(record.wasRead("Patient"));
  EXPECT_FALSE(record.wasRead("Condition"));
}

TEST(Prefetch, OperationOutcomeIsAnErrorForItsKeyNotARead) {
  const auto record = readPrefetch(R"({"conditions":{"resourceType":"OperationOutcome",
    "issue":[{"severity":"error","code":"timeout","diagnostics":"upstream timed out"}]}})");
  EXPECT_FALSE(record.wasRead("Condition"));
  ASSERT_EQ(record.issues().size(), 1u);
  EXPECT_NE(record.issues()[0].find("upstream timed out"), std::string::npos);
}

TEST(Prefetch, PagedSearchIsNeitherEvidenceNorARead) {
  // Until every page is read nothing computed from the type is a fact ("latest BMI" from page one).
  const auto record = readPrefetch(R"({"conditions":{"resourceType":"Bundle","type":"searchset",
    "link":[{"relation":"self","url":"Condition?patient=1"},{"relation":"next","url":"Condition?page=2"}],
    "entry":[{"resource":{"resourceType":"Condition","id":"c1"}}]}})");
  EXPECT_FALSE(record.wasRead("Condition"));
  EXPECT_TRUE(record.ofType("Condition").empty());
  ASSERT_EQ(record.issues().size(), 1u);
  EXPECT_NE(record.issues()[0].find("Condition records came in pages"), std::string::npos);
}

TEST(Prefetch, ReadingTheTypeLaterClearsThePagedIssue) {
  auto record = readPrefetch(R"({"conditions":{"resourceType":"Bundle","type":"searchset",
    "link":[{"relation":"next","url":"Condition?page=2"}],"entry":[]}})");
  record.markRead("Condition");
  EXPECT_TRUE(record.issues().empty());
}

TEST(Prefetch, ContainedAndBundledMedicationsResolve) {
  auto record = readPrefetch(R"({"medicationRequests":{"resourceType":"Bundle","type":"searchset","entry":[
    {"resource":{"resourceType":"MedicationRequest","id":"contained","contained":[{"resourceType":"Medication",
      "id":"med1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1049621"}]}}],
      "medicationReference":{"reference":"#med1"}}},
    {"resource":{"resourceType":"MedicationRequest","id":"included","medicationReference":{"reference":"Medication/m2"}}},
    {"resource":{"resourceType":"MedicationRequest","id":"elsewhere","medicationReference":{"reference":"Medication/m3"}}},
    {"resource":{"resourceType":"Medication","id":"m2","code":{"text":"oxycodone 5 mg",
      "coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1049621"}]}},
     "search":{"mode":"include"}}]}})");
  EXPECT_EQ(record.unresolvedReferences(), (std::vector<std::string>{"Medication/m3"}));
  record.resolveReferences();
  ASSERT_EQ(record.find("MedicationRequest/contained")->codes.size(), 1u);
  EXPECT_EQ(record.find("MedicationRequest/contained")->codes[0].code, "1049621");
  ASSERT_EQ(record.find("MedicationRequest/included")->codes.size(), 1u);
  EXPECT_EQ(record.find("MedicationRequest/included")->text, "oxycodone 5 mg");
  EXPECT_TRUE(record.find("MedicationRequest/elsewhere")->codes.empty());
}

TEST(Prefetch, ContainedPayorOrganizationIsRead) {
  const auto record = readPrefetch(R"({"coverage":{"resourceType":"Bundle","type":"searchset","entry":[
    {"resource":{"resourceType":"Coverage","id":"c","contained":[{"resourceType":"Organization","id":"org",
      "name":"CareSource","identifier":[{"system":"urn:payer","value":"CS"}]}],
      "payor":[{"reference":"#org"}]}}]}})");
  const auto* coverage = record.find("Coverage/c");
  ASSERT_NE(coverage, nullptr);
  EXPECT_EQ(coverage->payor_names, (std::vector<std::string>{"CareSource"}));
  EXPECT_EQ(coverage->identifiers, (std::vector<std::string>{"urn:payer|CS"}));
  EXPECT_TRUE(record.unresolvedReferences().empty());
}

PatientRecord readPrefetchFor(const std::string& patient_id, const char* json) {
  rapidjson::Document document;
  document.Parse(json);
  EXPECT_FALSE(document.HasParseError());
  PatientRecord record;
  record.setPatient(patient_id);
  for (const auto& entry : document.GetObject()) {
    const std::string key = entry.name.GetString();
    const PrefetchTemplate* found = nullptr;
    for (const auto& prefetch : prefetchTemplates()) {
      found = prefetch.key == key ? &prefetch : found;
    }
    readPrefetchEntry(key, entry.value, found != nullptr ? found->type : "", record);
  }
  return record;
}

TEST(Prefetch, AnotherPatientsDataIsNeverEvidence) {
  const auto record = readPrefetchFor("nc-042", R"({
    "patient":{"resourceType":"Patient","id":"nc-042"},
    "observations":{"resourceType":"Bundle","type":"searchset","entry":[
      {"resource":{"resourceType":"Observation","id":"mine","subject":{"reference":"Patient/nc-042"}}},
      {"resource":{"resourceType":"Observation","id":"absolute","subject":{"reference":"https://ehr/fhir/Patient/nc-042/_history/3"}}},
      {"resource":{"resourceType":"Observation","id":"unstated"}},
      {"resource":{"resourceType":"Observation","id":"group","subject":{"reference":"Group/g1"}}},
      {"resource":{"resourceType":"Observation","id":"theirs","subject":{"reference":"Patient/someone-else"}}},
      {"resource":{"resourceType":"Observation","id":"theirs-too","subject":{"reference":"urn:uuid:someone-else"}}}]},
    "coverage":{"resourceType":"Bundle","type":"searchset","entry":[
      {"resource":{"resourceType":"Coverage","id":"dependent","beneficiary":{"reference":"Patient/nc-042"},
                   "subscriber":{"reference":"Patient/parent"}}},
      {"resource":{"resourceType":"Coverage","id":"parents","beneficiary":{"reference":"Patient/parent"}}}]}})");
  std::vector<std::string> kept;
  for (const auto& observation : record.ofType("Observation")) {
    kept.push_back(observation.id);
  }
  EXPECT_EQ(kept, (std::vector<std::string>{"mine", "absolute", "unstated", "group"}));
  ASSERT_EQ(record.ofType("Coverage").size(), 1u);
  EXPECT_EQ(record.ofType("Coverage")[0].id, "dependent");
  EXPECT_TRUE(record.wasRead("Observation"))
      << "the search was complete; the other patient's rows are dropped";
  const auto issues = record.issues();
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_NE(issues[0].find("1 Coverage record about another patient was sent"), std::string::npos)
      << issues[0];
  EXPECT_NE(issues[1].find("2 Observation records about another patient were sent"), std::string::npos)
      << issues[1];
}

TEST(Prefetch, APatientOfAnotherIdIsNotThisPatient) {
  const auto record = readPrefetchFor("p1", R"({"patient":{"resourceType":"Patient","id":"p2"}})");
  EXPECT_TRUE(record.ofType("Patient").empty());
  EXPECT_FALSE(record.issues().empty());
  const auto synthea =
      readPrefetchFor("98671a34", R"({"conditions":{"resourceType":"Bundle","type":"searchset",
    "entry":[{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"urn:uuid:98671a34"}}}]}})");
  EXPECT_EQ(synthea.ofType("Condition").size(), 1u);
}

TEST(Prefetch, TemplatesExpandAndMinimalModeKeepsRoutingOnly) {
  EXPECT_EQ(expandQuery("Condition?patient={{context.patientId}}", "a b/1"), "Condition?patient=a%20b%2F1");
  const auto minimal = advertisedTemplates(PrefetchMode::Minimal, {"Patient", "Coverage", "Condition"});
  ASSERT_EQ(minimal.size(), 2u);
  EXPECT_EQ(minimal[0].type, "Patient");
  EXPECT_EQ(minimal[1].type, "Coverage");
  ASSERT_NE(templateForType("MedicationRequest"), nullptr);
  EXPECT_NE(templateForType("MedicationRequest")->query.find("_include=MedicationRequest:medication"),
            std::string::npos);
  EXPECT_NE(templateForType("DeviceRequest"), nullptr);
}

TEST(Prefetch, FullModeAdvertisesWhatThePoliciesReadAndRouting) {
  std::set<std::string> advertised;
  for (const auto& prefetch : advertisedTemplates(PrefetchMode::Full, {"Condition", "Observation"})) {
    advertised.insert(prefetch.type);
  }
  EXPECT_EQ(advertised, (std::set<std::string>{"Patient", "Coverage", "Condition", "Observation"}));
}

TEST(Prefetch, IncludedResourcesAreEvidenceOnly) {
  const auto record = readPrefetch(R"({"coverage":{"resourceType":"Bundle","type":"searchset",
    "entry":[{"resource":{"resourceType":"Coverage","id":"cov1","payor":[{"reference":"Organization/o1"}]},"search":{"mode":"match"}},
             {"resource":{"resourceType":"Organization","id":"o1","name":"CareSource"},"search":{"mode":"include"}}]}})");
  EXPECT_TRUE(record.wasRead("Coverage"));
  EXPECT_FALSE(record.wasRead("Organization"));
  ASSERT_NE(record.find("Organization/o1"), nullptr);
  EXPECT_EQ(record.find("https://ehr/fhir/Organization/o1")->name, "CareSource");
}

TEST(Prefetch, EmptyBundleUnderOurKeyIsAReadOfTheKeysType) {
  const auto record = readPrefetch(R"({"allergies":{"resourceType":"Bundle","type":"searchset"}})");
  EXPECT_TRUE(record.wasRead("AllergyIntolerance"));
}

TEST(Prefetch, QueryTypes) {
  EXPECT_EQ(resourceTypeOfQuery("Condition?patient={{context.patientId}}"), "Condition");
  EXPECT_EQ(resourceTypeOfQuery("Patient/123"), "Patient");
  EXPECT_EQ(resourceTypeOfQuery("https://ehr.example/fhir/r4/Coverage?patient=1&status=active"), "Coverage");
  EXPECT_EQ(resourceTypeOfQuery("https://ehr.example/fhir/"), "");
}

TEST(ResourceParser, ConditionSpansOnsetToAbatement) {
  rapidjson::Document document;
  document.Parse(R"({"resourceType":"Condition","id":"c","clinicalStatus":{"coding":[{"code":"resolved"}]},
    "onsetPeriod":{"start":"2024-01"},"abatementDateTime":"2024-06-15"})");
  const auto condition = parseResource(document);
  ASSERT_TRUE(condition);
  EXPECT_EQ(condition->clinical_status, "resolved");
  EXPECT_EQ(formatDate(*condition->start), "2024-01-01");
  EXPECT_EQ(formatDate(*condition->end - 1), "2024-06-15");
}

TEST(ResourceParser, ServiceRequestReadsCrdBillingOptions) {
  rapidjson::Document document;
  document.Parse(R"({"resourceType":"ServiceRequest","id":"s","code":{"extension":[{
    "url":"http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options",
    "valueCodeableConcept":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"62362"}]}}],
    "coding":[{"system":"http://snomed.info/sct","code":"232999004"}]},"authoredOn":"2025-11-20"})");
  const auto order = parseResource(document);
  ASSERT_TRUE(order);
  ASSERT_EQ(order->codes.size(), 2u);
  EXPECT_EQ(order->codes[1].code, "62362");
  ASSERT_TRUE(order->authored_date);
  EXPECT_EQ(order->authored_date->toString(), "2025-11-20");
}

TEST(ResourceParser, MedicationRequestSupplySetsItsPeriod) {
  rapidjson::Document document;
  document.Parse(R"({"resourceType":"MedicationRequest","id":"m","authoredOn":"2025-01-01",
    "dispenseRequest":{"numberOfRepeatsAllowed":2,"expectedSupplyDuration":{"value":30,"code":"d"}}})");
  const auto request = parseResource(document);
  ASSERT_TRUE(request);
  EXPECT_EQ(formatDate(*request->end), "2025-04-01"); // 3 fills of 30 days from 2025-01-01
}

TEST(ResourceParser, AbsurdSupplyDurationsAreBoundedNotOverflowed) {
  // Untrusted data (a FHIR server's, or a hostile prefetch): no arithmetic may overflow.
  for (const char* json : {
           R"({"resourceType":"MedicationRequest","id":"m","authoredOn":"2025-01-01",
               "dispenseRequest":{"expectedSupplyDuration":{"value":106751991167300,"code":"d"}}})",
           R"({"resourceType":"MedicationRequest","id":"m","authoredOn":"0001-01-01",
               "dispenseRequest":{"numberOfRepeatsAllowed":1e300,"expectedSupplyDuration":{"value":1e300,"code":"a"}}})",
       }) {
    rapidjson::Document document;
    document.Parse(json);
    const auto request = parseResource(document);
    ASSERT_TRUE(request);
    ASSERT_TRUE(request->end);
    EXPECT_GT(*request->end, *request->start);
    EXPECT_LE(*request->end - *request->start, Seconds{101} * 366 * kSecondsPerDay);
  }
}

TEST(Prefetch, AnObservationsComponentsMembersAndWordedConceptAreRead) {
  rapidjson::Document json;
  json.Parse(R"({"resourceType":"Observation","id":"panel","status":"final",
    "code":{"coding":[{"system":"http://loinc.org","code":"19295-5"}]},
    "valueCodeableConcept":{"text":"None detected"},
    "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"58379-9"}],"text":"Fentanyl"},
                  "valueString":"Presumptive positive",
                  "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"POS"}]}]},
                 {"code":{"coding":[{"system":"http://loinc.org","code":"58430-0"}]},
                  "valueCodeableConcept":{"text":"Negative"}}],
    "hasMember":[{"reference":"Observation/m1"},{"display":"no reference"}]})");
  const auto observation = parseResource(json);
  ASSERT_TRUE(observation);
  EXPECT_EQ(observation->value_string, "None detected") << "a concept given only as text is a worded result";
  ASSERT_EQ(observation->components.size(), 2U);
  EXPECT_EQ(observation->components[0].codes.at(0).code, "58379-9");
  EXPECT_EQ(observation->components[0].text, "Fentanyl");
  EXPECT_EQ(observation->components[0].value_string, "Presumptive positive");
  EXPECT_EQ(observation->components[0].interpretation.at(0).code, "POS");
  EXPECT_EQ(observation->components[1].value_string, "Negative");
  EXPECT_EQ(observation->member_references, std::vector<std::string>{"Observation/m1"});
}

TEST(Prefetch, APrescriptionRunsWhatItSaysNotWhatItsStatusSays) {
  const auto days = [](const char* json) {
    rapidjson::Document document;
    document.Parse(json);
    const auto request = parseResource(document);
    EXPECT_TRUE(request && request->start && request->end) << json;
    return request && request->end ? (*request->end - *request->start) / kSecondsPerDay : -1;
  };
  EXPECT_EQ(
      days(R"({"resourceType":"MedicationRequest","id":"a","status":"active","authoredOn":"1985-03-01"})"),
      kDefaultPrescriptionDays)
      << "nothing says how long: one default supply, however long it has been marked active";
  EXPECT_EQ(days(R"({"resourceType":"MedicationRequest","id":"b","status":"active","authoredOn":"2025-05-01",
      "dispenseRequest":{"numberOfRepeatsAllowed":2,"expectedSupplyDuration":{"value":30,"code":"d"}}})"),
            90)
      << "30 days and two refills";
  EXPECT_EQ(
      days(R"({"resourceType":"MedicationRequest","id":"c","status":"completed","authoredOn":"2025-05-01",
      "dosageInstruction":[{"timing":{"repeat":{"frequency":4,"period":1,"periodUnit":"d"}},
                            "doseAndRate":[{"doseQuantity":{"value":2,"unit":"tablet"}}]}],
      "dispenseRequest":{"quantity":{"value":120,"unit":"tablet"}}})"),
      15)
      << "120 tablets at 2 tablets 4 times a day";
}

} // namespace
} // namespace pumpcds::fhir
