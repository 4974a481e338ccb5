// A real generated record: a Synthea R4 patient's resources, served as the EHR's prefetch searchsets.
#include <map>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/prefetch_templates.h"
#include "hooks/hook_service.h"
#include "tests/support/fixed_uuids.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

// An order-sign request whose prefetch holds every resource of the bundle, grouped by type as a FHIR
// server's searches would return them, plus a Coverage with `payor`.
std::string requestFor(const std::string& bundle_text, const std::string& payor) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_text.c_str());
  std::map<std::string, std::vector<const rapidjson::Value*>> by_type;
  for (const auto& entry : bundle["entry"].GetArray()) {
    by_type[entry["resource"]["resourceType"].GetString()].push_back(&entry["resource"]);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  out.StartObject();
  out.Key("hook");
  out.String("order-sign");
  out.Key("hookInstance");
  out.String("synthea");
  out.Key("context");
  out.StartObject();
  out.Key("patientId");
  out.String((*by_type["Patient"].front())["id"].GetString());
  out.Key("draftOrders");
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("entry");
  out.StartArray();
  const std::string order = R"({"resource":{"resourceType":"ServiceRequest","id":"trial","status":"draft",
    "intent":"order","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"62326"}]},
    "authoredOn":"2025-11-20"}})";
  out.RawValue(order.c_str(), order.size(), rapidjson::kObjectType);
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.Key("prefetch");
  out.StartObject();
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    out.Key(prefetch.key.c_str());
    if (prefetch.type == "Patient") {
      by_type["Patient"].front()->Accept(out);
      continue;
    }
    out.StartObject();
    out.Key("resourceType");
    out.String("Bundle");
    out.Key("type");
    out.String("searchset");
    out.Key("entry");
    out.StartArray();
    if (prefetch.type == "Coverage") {
      const std::string coverage =
          R"({"resource":{"resourceType":"Coverage","id":"cov","status":"active","payor":[{"display":")" +
          payor + R"("}]}})";
      out.RawValue(coverage.c_str(), coverage.size(), rapidjson::kObjectType);
    }
    for (const rapidjson::Value* resource : by_type[prefetch.type]) {
      out.StartObject();
      out.Key("resource");
      resource->Accept(out);
      out.EndObject();
    }
    out.EndArray();
    out.EndObject();
  }
  out.EndObject();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

TEST(Synthea, GeneratedRecordIsReadAndJudgedOnWhatItHolds) {
  const std::string bundle =
      testing::readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
  ASSERT_FALSE(bundle.empty());
  auto library = policy::PolicyLibrary::loadBundled();
  const HookService service(library.value(), std::make_unique<testing::CountingUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", requestFor(bundle, "Ambetter Health"));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  ASSERT_EQ(outcome.value().determination.orders.size(), 1u);
  const auto& order = outcome.value().determination.orders.front();
  ASSERT_NE(order.policy, nullptr);
  EXPECT_EQ(order.policy->id, "centene-cp-mp-173");
  EXPECT_EQ(order.origin, policy::Origin::NonMalignant);
  std::map<std::string, std::string> status;
  std::map<std::string, std::vector<std::string>> evidence;
  for (const auto& result : order.criteria) {
    status[result.criterion->label] = std::string(policy::toString(result.status));
    evidence[result.criterion->label] = result.evidence;
  }
  // Chronic pain (SNOMED 82423001) since 2011 is the identified pathology.
  EXPECT_EQ(status["I.B.1"], "met");
  ASSERT_FALSE(evidence["I.B.1"].empty());
  EXPECT_EQ(evidence["I.B.1"].front().rfind("Condition/", 0), 0u);
  // Conditions were read and hold no substance use disorder or infection.
  EXPECT_EQ(status["I.B.5"], "met");
  EXPECT_EQ(status["I.B.9"], "met");
  // Her one oxycodone prescription was in 2011: nothing in the 12 months before the order to weigh.
  EXPECT_EQ(status["I.B.10"], "missing");
  EXPECT_EQ(status["I.B.6"], "missing");
  EXPECT_EQ(order.decision, policy::Decision::MissingDocumentation);
}

} // namespace
} // namespace pumpcds::hooks
