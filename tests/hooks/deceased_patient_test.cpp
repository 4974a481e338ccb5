// A patient the record shows as deceased: one card that says so and asks for nothing, and no coverage
// assertion; a death recorded after the order's date changes nothing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "policies/report_json.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

// The MM-1369 example request (ordered 2025-11-20) with the patient's deceasedDateTime set.
std::string requestWithDeath(const char* died) {
  rapidjson::Document request;
  request.Parse(testing::readTestFile("requests/permanent-nonmalignant-gaps.json").c_str());
  auto& patient = request["prefetch"]["patient"];
  patient.AddMember("deceasedDateTime", rapidjson::Value(died, request.GetAllocator()),
                    request.GetAllocator());
  return fhir::jsonText(request);
}

TEST(DeceasedPatient, OneCardSaysSoAndNothingIsRequested) {
  auto library = policy::PolicyLibrary::loadBundled();
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", requestWithDeath("2025-09-03"));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  rapidjson::Document response;
  response.Parse(outcome.value().response_json.c_str());
  ASSERT_EQ(response["cards"].Size(), 1u);
  const std::string summary = response["cards"][0]["summary"].GetString();
  const std::string detail = response["cards"][0]["detail"].GetString();
  EXPECT_NE(summary.find("deceased"), std::string::npos) << summary;
  EXPECT_NE(detail.find("2025-09-03"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("Missing"), std::string::npos) << "no documentation is asked for";
  EXPECT_FALSE(response.HasMember("systemActions"));
  const std::string report = policy::toReportJson(outcome.value().determination, library.value()->revision());
  EXPECT_NE(report.find("\"patientDeceased\": true"), std::string::npos);
  EXPECT_NE(report.find("\"deceasedDate\": \"2025-09-03\""), std::string::npos);
}

TEST(DeceasedPatient, ADeathAfterTheOrderDateChangesNothing) {
  auto library = policy::PolicyLibrary::loadBundled();
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto later = service.handle("pumpcds-order-sign", requestWithDeath("2026-02-01"));
  auto alive = service.handle("pumpcds-order-sign",
                              testing::readTestFile("requests/permanent-nonmalignant-gaps.json"));
  ASSERT_TRUE(later.isOk());
  ASSERT_TRUE(alive.isOk());
  EXPECT_FALSE(later.value().determination.orders.at(0).patient_deceased);
  rapidjson::Document a;
  rapidjson::Document b;
  a.Parse(later.value().response_json.c_str());
  b.Parse(alive.value().response_json.c_str());
  EXPECT_EQ(a["cards"].Size(), b["cards"].Size());
  EXPECT_TRUE(a.HasMember("systemActions"));
}

} // namespace
} // namespace pumpcds::hooks
