#include "cards/card_text.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/request_builder.h"
#include "tests/support/test_data.h"

namespace pumpcds::cards {
namespace {

TEST(CardText, CharactersAreCountedNotBytes) {
  EXPECT_EQ(characterCount("abc"), 3u);
  EXPECT_EQ(characterCount("≥50% ✓"), 6u);
  const std::string fitted = fitCharacters(std::string(150, 'x') + "é", 139);
  EXPECT_EQ(characterCount(fitted), 139u);
  EXPECT_EQ(fitted.substr(fitted.size() - 3), "...");
  // Never cut inside a multi-byte character.
  const std::string wide =
      fitCharacters("ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
                    "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
                    20);
  EXPECT_EQ(characterCount(wide), 20u);
  EXPECT_EQ(wide.substr(0, 2), "é");
}

// The response passes the CDS Hooks checker every suite response goes through (among its rules: no null,
// "", [] or {}, since absent optional fields are left out).
void expectConforming(const rapidjson::Value& response) {
  for (const auto& problem : testing::cdsResponseProblems(fhir::jsonText(response))) {
    ADD_FAILURE() << problem;
  }
}

class CardsTest : public ::testing::Test {
protected:
  std::string respond(const testing::RequestBuilder& request) {
    auto library = policy::PolicyLibrary::loadBundled();
    EXPECT_TRUE(library.isOk());
    const hooks::HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
    auto outcome = service.handle("pumpcds-order-sign", request.json());
    EXPECT_TRUE(outcome.isOk());
    return outcome.isOk() ? outcome.value().response_json : std::string();
  }
};

TEST_F(CardsTest, SummaryFitsAndNamesWhatIsMissingAndDetailCitesThePolicy) {
  testing::RequestBuilder request;
  request.pumpOrder("62362");
  rapidjson::Document response;
  response.Parse(respond(request).c_str());
  ASSERT_TRUE(response.IsObject());
  expectConforming(response);
  ASSERT_EQ(response["cards"].Size(), 1u);
  const auto& card = response["cards"][0];
  const std::string summary = card["summary"].GetString();
  EXPECT_LT(characterCount(summary), 140u) << summary;
  EXPECT_NE(summary.find("MM-1369"), std::string::npos) << summary;
  // Counts by what closes the gaps, never a list of labels: with nothing on record, both kinds are needed.
  EXPECT_NE(summary.find("MM-1369 needs "), std::string::npos) << summary;
  EXPECT_NE(summary.find(" to order or record, "), std::string::npos) << summary;
  EXPECT_NE(summary.find(" to attest"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("more"), std::string::npos) << summary;
  const std::string detail = card["detail"].GetString();
  // Grouped by what closes each gap: a drug test to order, attestations as one compact list.
  const size_t to_record = detail.find("**To order or record**");
  const size_t to_attest = detail.find("**To attest** (");
  ASSERT_NE(to_record, std::string::npos) << detail;
  ASSERT_NE(to_attest, std::string::npos) << detail;
  const size_t drug_test = detail.find("**negative drug test in last 3 months** (IV.D.2)");
  EXPECT_TRUE(drug_test > to_record && drug_test < to_attest) << detail;
  const size_t psychological = detail.find("psychological evaluation (IV.E)");
  EXPECT_TRUE(psychological != std::string::npos && psychological > to_attest) << detail;
  for (const char* developer_words : {"data read", "prefetch", "documentation of that", "Observation data"}) {
    EXPECT_EQ(detail.find(developer_words), std::string::npos) << developer_words << " in: " << detail;
  }
  // A typical many-gaps card stays short: the full text of each criterion is in the report.
  EXPECT_LT(characterCount(detail), 3000U) << detail;
  EXPECT_STREQ(card["indicator"].GetString(), "warning");
  EXPECT_STREQ(card["extension"]["davinci-crd.associated-resource"][0]["reference"].GetString(),
               "ServiceRequest/pump-1");
  // A card that asks for something offers the library's override reasons (cards.json).
  const auto library = policy::PolicyLibrary::loadBundled();
  const auto& offered = library.value()->cardSettings().override_reasons;
  ASSERT_FALSE(offered.empty());
  ASSERT_TRUE(card.HasMember("overrideReasons"));
  ASSERT_EQ(card["overrideReasons"].Size(), offered.size());
  for (rapidjson::SizeType i = 0; i < offered.size(); ++i) {
    EXPECT_EQ(card["overrideReasons"][i]["code"].GetString(), offered[i].code);
    EXPECT_EQ(card["overrideReasons"][i]["display"].GetString(), offered[i].display);
    EXPECT_STREQ(card["overrideReasons"][i]["system"].GetString(), "urn:pumpcds:override-reason");
  }
  // No prior-authorization rules for CareSource North Carolina in the library: said, not left out.
  EXPECT_NE(
      detail.find("**Prior authorization: unknown** (no prior-authorization rules on file for this plan)"),
      std::string::npos)
      << detail;
}

TEST_F(CardsTest, EvidenceIsShownAsAPersonReadsItAtMostThreeItems) {
  testing::RequestBuilder request;
  request.pumpOrder("62362").weeklyProcedures(testing::kCpt, "97110", "2025-08-04", 13);
  rapidjson::Document response;
  response.Parse(respond(request).c_str());
  ASSERT_TRUE(response.IsObject());
  const std::string detail = response["cards"][0]["detail"].GetString();
  // Thirteen therapy sessions: what they are and when, three of them, then a count; never their ids.
  EXPECT_NE(detail.find("Evidence: 97110, 2025-"), std::string::npos) << detail;
  EXPECT_NE(detail.find(" +10 more"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("Procedure/"), std::string::npos) << detail;
}

TEST_F(CardsTest, NoPolicyCardSaysWhichCoverageWasSeen) {
  testing::RequestBuilder request;
  request.pumpOrder("62362").coverage("Acme Health");
  rapidjson::Document response;
  response.Parse(respond(request).c_str());
  expectConforming(response);
  const auto& card = response["cards"][0];
  EXPECT_NE(std::string(card["summary"].GetString()).find("plan not identified"), std::string::npos);
  const std::string detail = card["detail"].GetString();
  EXPECT_NE(detail.find("Coverage: payor Acme Health"), std::string::npos) << detail;
  EXPECT_NE(detail.find("patient state NC"), std::string::npos) << detail;
}

TEST_F(CardsTest, AFailedCoverageReadIsNotAnUninsuredPatient) {
  testing::RequestBuilder request;
  request.pumpOrder("62362");
  rapidjson::Document body;
  body.Parse(request.json().c_str());
  ASSERT_TRUE(body.IsObject());
  rapidjson::Document outcome;
  outcome.Parse(R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})");
  body["prefetch"]["coverage"].CopyFrom(outcome, body.GetAllocator());
  auto library = policy::PolicyLibrary::loadBundled();
  const hooks::HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto answer = service.handle("pumpcds-order-sign", fhir::jsonText(body));
  ASSERT_TRUE(answer.isOk()) << answer.status().message();
  rapidjson::Document response;
  response.Parse(answer.value().response_json.c_str());
  const std::string detail = response["cards"][0]["detail"].GetString();
  EXPECT_NE(detail.find("the patient's coverage could not be read"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("no coverage on record"), std::string::npos) << detail;
}

} // namespace
} // namespace pumpcds::cards

namespace pumpcds::cards {
namespace {

class PriorAuthCardsTest : public ::testing::Test {
protected:
  static rapidjson::Document respond(const testing::RequestBuilder& request) {
    auto library = policy::PolicyLibrary::loadBundled();
    const hooks::HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
    auto outcome = service.handle("pumpcds-order-sign", request.json());
    rapidjson::Document response;
    response.Parse(outcome.isOk() ? outcome.value().response_json.c_str() : "{}");
    return response;
  }
};

TEST_F(PriorAuthCardsTest, PriorAuthOnlyCardSaysWhetherPaIsNeededAndWhy) {
  testing::RequestBuilder request;
  request.pumpOrder("62324", "2021-06-15").patientState("OH");
  auto response = respond(request);
  ASSERT_TRUE(response.HasMember("cards"));
  expectConforming(response);
  ASSERT_EQ(response["cards"].Size(), 1u);
  const std::string summary = response["cards"][0]["summary"].GetString();
  const std::string detail = response["cards"][0]["detail"].GetString();
  EXPECT_NE(summary.find("prior authorization required"), std::string::npos) << summary;
  EXPECT_NE(detail.find("**Prior authorization: required**"), std::string::npos) << detail;
  EXPECT_NE(detail.find("CareSource PA I.A.3"), std::string::npos) << detail;

  request.condition(testing::kIcd10, "C50.911", "2020-01-01");
  response = respond(request);
  EXPECT_NE(std::string(response["cards"][0]["summary"].GetString()).find("exempt from prior authorization"),
            std::string::npos);
}

TEST_F(PriorAuthCardsTest, RefillGetsAFeeEstimateCard) {
  testing::RequestBuilder request;
  request.pumpOrder("95990").patientState("CA").coverage("Medicare").drugOrder("7052");
  // The drug order from the builder has no amount, so the estimate says it could not be priced.
  auto response = respond(request);
  expectConforming(response);
  ASSERT_EQ(response["cards"].Size(), 2u);
  EXPECT_NE(std::string(response["cards"][1]["summary"].GetString()).find("could not be priced"),
            std::string::npos);
  EXPECT_NE(std::string(response["cards"][1]["detail"].GetString()).find("no amount in mg or mcg"),
            std::string::npos);
}

TEST_F(PriorAuthCardsTest, AnAbsurdRefillAmountIsNotPricedInsteadOfInfinity) {
  std::string request = testing::readTestFile("requests/medicare-refill.json");
  request.replace(request.find("\"value\": 500"), 12, "\"value\": 1.7e308");
  auto library = policy::PolicyLibrary::loadBundled();
  const hooks::HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", request);
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  const std::string& body = outcome.value().response_json;
  EXPECT_EQ(body.find("$inf"), std::string::npos) << body;
  EXPECT_NE(body.find("the amount on the order is beyond any refill"), std::string::npos) << body;
}

} // namespace
} // namespace pumpcds::cards
