// What one request may hold: enough for any real record, bounded for a hostile one, and never a cost
// that grows faster than the request.
#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cards/uuid_source.h"
#include "fhir/patient_record.h"
#include "hooks/hook_service.h"
#include "tests/support/request_builder.h"

namespace pumpcds::hooks {
namespace {

using testing::RequestBuilder;

fhir::Resource observation(int id) {
  fhir::Resource resource;
  resource.type = "Observation";
  resource.id = "o" + std::to_string(id);
  return resource;
}

TEST(RequestLimits, BeyondTheCapATypeIsCutAndNoLongerCountsAsRead) {
  fhir::PatientRecord record;
  record.markRead("Observation");
  for (size_t i = 0; i <= fhir::PatientRecord::kMostPerType; ++i) {
    record.add(observation(static_cast<int>(i)));
  }
  record.markRead("Observation"); // the searchset's own mark, after its entries, changes nothing
  EXPECT_EQ(record.ofType("Observation").size(), fhir::PatientRecord::kMostPerType);
  EXPECT_FALSE(record.wasRead("Observation"));
  EXPECT_TRUE(record.couldNotRead("Observation"));
  ASSERT_EQ(record.issues().size(), 1u);
  EXPECT_NE(record.issues()[0].find("more than 10000 Observation records"), std::string::npos);
  // What was kept is still found by reference, the first and the last.
  EXPECT_NE(record.find("Observation/o0"), nullptr);
  EXPECT_NE(record.find("urn:uuid:o9999"), nullptr);
  EXPECT_EQ(record.find("Observation/o10000"), nullptr);
}

TEST(RequestLimits, ReferencesResolveByTypeAndIdAndByUrnUuid) {
  fhir::PatientRecord record;
  record.add(observation(1));
  fhir::Resource organization;
  organization.type = "Organization";
  organization.id = "o1"; // the same id under another type is another resource
  organization.name = "CareSource";
  record.add(organization);
  ASSERT_NE(record.find("Organization/o1"), nullptr);
  EXPECT_EQ(record.find("Organization/o1")->name, "CareSource");
  EXPECT_EQ(record.find("https://ehr.example/fhir/Observation/o1/_history/3")->type, "Observation");
  EXPECT_EQ(record.find("Observation/o2"), nullptr);
  EXPECT_EQ(record.find("Organization/"), nullptr);
}

// The attack of issue 10: a Coverage naming 20,000 payors, all included, took 10 s of CPU (each payor
// looked up by scanning the record). Now a Coverage is read for its first payors, each found by lookup:
// well under a second even under the sanitizers; the bound is loose on purpose.
TEST(RequestLimits, ACoverageNamingThousandsOfPayorsIsAnsweredInLinearTime) {
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  RequestBuilder request;
  request.pumpOrder("62362").coverage("");
  request.add(
      "Coverage", R"("status":"active","beneficiary":{"reference":"Patient/p1"},"payor":[)" + [] {
        std::string payors;
        for (int i = 0; i < 20000; ++i) {
          payors += (i == 0 ? "" : ",") + std::string(R"({"reference":"Organization/org)") +
                    std::to_string(i) + R"("})";
        }
        return payors;
      }() + "]");
  // The payors come included in the Coverage search, as `_include=Coverage:payor` brings them.
  rapidjson::Document document;
  document.Parse(request.json().c_str());
  ASSERT_FALSE(document.HasParseError());
  auto& allocator = document.GetAllocator();
  rapidjson::Value* entries = nullptr;
  for (auto& key : document["prefetch"].GetObject()) {
    if (key.value.IsObject() && key.value.HasMember("entry") && key.value["entry"].Size() > 0 &&
        std::string(key.value["entry"][0]["resource"]["resourceType"].GetString()) == "Coverage") {
      entries = &key.value["entry"];
    }
  }
  ASSERT_NE(entries, nullptr);
  for (int i = 0; i < 20000; ++i) {
    const std::string organization = R"({"resource":{"resourceType":"Organization","id":"org)" +
                                     std::to_string(i) + R"(","name":")" + (i == 0 ? "CareSource" : "Other") +
                                     R"("},"search":{"mode":"include"}})";
    rapidjson::Document entry(&allocator);
    entry.Parse(organization.c_str());
    entries->PushBack(rapidjson::Value(entry, allocator), allocator);
  }
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> writer(body);
  document.Accept(writer);
  const auto started = std::chrono::steady_clock::now();
  auto outcome = service.handle("pumpcds-order-sign", body.GetString());
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  ASSERT_EQ(outcome.value().determination.orders.size(), 1u);
  ASSERT_NE(outcome.value().determination.orders[0].policy, nullptr) << "routed by its first payor";
  EXPECT_NE(outcome.value().determination.orders[0].policy->id.find("caresource"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(10));
}

} // namespace
} // namespace pumpcds::hooks
