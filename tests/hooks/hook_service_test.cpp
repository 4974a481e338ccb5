#include "hooks/hook_service.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "tests/support/request_builder.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

using testing::RequestBuilder;

class HookServiceTest : public ::testing::Test {
protected:
  HookServiceTest() {
    auto library = policy::PolicyLibrary::loadBundled();
    EXPECT_TRUE(library.isOk());
    service_ =
        std::make_unique<HookService>(library.value(), std::make_unique<cards::SequentialUuidSource>());
  }

  static rapidjson::Document parse(const std::string& json) {
    rapidjson::Document document;
    document.Parse(json.c_str());
    EXPECT_FALSE(document.HasParseError());
    return document;
  }

  std::unique_ptr<HookService> service_;
};

TEST_F(HookServiceTest, UnknownServicesAndHooksAreRefusedACrossedKnownHookIsAnswered) {
  const std::string body = RequestBuilder().pumpOrder("62362").json();
  auto unknown = service_->handle("nope", body);
  ASSERT_FALSE(unknown.isOk());
  EXPECT_EQ(unknown.status().code(), StatusCode::NotFound);
  // The reference sandbox sends an order-sign body to the order-select service: answered as order-select.
  auto crossed = service_->handle("pumpcds-order-select", body);
  ASSERT_TRUE(crossed.isOk()) << crossed.status().message();
  EXPECT_EQ(crossed.value().determination.orders.size(), 1U);
  // A hook pumpcds does not answer at all is still refused.
  std::string other = body;
  other.replace(other.find("order-sign"), 10, "patient-view");
  auto wrong = service_->handle("pumpcds-order-select", other);
  ASSERT_FALSE(wrong.isOk());
  EXPECT_EQ(wrong.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(wrong.status().message().find("hook 'patient-view' does not match"), std::string::npos);
}

TEST_F(HookServiceTest, OrdersForAnythingElseGiveNoCard) {
  for (const char* fixture :
       {"fixtures/order_sign_2.json", "fixtures/spec_order-sign_request_paged_prefetch.json"}) {
    SCOPED_TRACE(fixture);
    auto outcome = service_->handle("pumpcds-order-sign", testing::readTestFile(fixture));
    ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
    EXPECT_EQ(outcome.value().response_json, R"({"cards":[]})");
  }
}

TEST_F(HookServiceTest, LegacyRequestWithoutDraftOrdersIsABadRequest) {
  auto outcome = service_->handle("pumpcds-order-sign",
                                  testing::readTestFile("fixtures/examples_order-sign_request.json"));
  ASSERT_FALSE(outcome.isOk());
  EXPECT_NE(outcome.status().message().find("context.draftOrders"), std::string::npos);
}

TEST_F(HookServiceTest, PumpCodeInCrdBillingOptionsIsAPumpOrder) {
  std::string body = testing::readTestFile("fixtures/CRDServiceRequest.json");
  const auto at = body.find("\"77061\"");
  ASSERT_NE(at, std::string::npos);
  body.replace(at, 7, "\"62362\"");
  auto outcome = service_->handle("pumpcds-order-sign", body);
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  ASSERT_EQ(outcome.value().determination.orders.size(), 1u);
  const auto& order = outcome.value().determination.orders[0];
  EXPECT_EQ(order.order.reference, "ServiceRequest/1357");
  EXPECT_EQ(order.order.kind, policy::OrderKind::Permanent);
  EXPECT_EQ(order.decision, policy::Decision::NoPolicy) << "Acme Health Plan is not routed";
  const auto response = parse(outcome.value().response_json);
  ASSERT_EQ(response["cards"].Size(), 1u);
  EXPECT_NE(std::string(response["cards"][0]["detail"].GetString()).find("Acme"), std::string::npos);
}

TEST_F(HookServiceTest, PumpOrderWithNoRecordAtAllIsAPreconditionFailure) {
  const std::string body =
      R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p","draftOrders":
    {"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ServiceRequest","id":"s","code":{"coding":[
    {"system":"http://www.ama-assn.org/go/cpt","code":"62362"}]}}}]}}})";
  auto outcome = service_->handle("pumpcds-order-sign", body);
  ASSERT_FALSE(outcome.isOk());
  EXPECT_EQ(outcome.status().code(), StatusCode::FailedPrecondition);
}

TEST_F(HookServiceTest, OrderSelectConsidersOnlyTheSelectedOrders) {
  std::string body = RequestBuilder()
                         .hook("order-select")
                         .pumpOrder("62362", "2025-11-20", "a")
                         .pumpOrder("62324", "2025-11-20", "b")
                         .json();
  const auto context = body.find("\"context\":{");
  body.insert(context + 11, R"("selections":["ServiceRequest/b"],)");
  auto outcome = service_->handle("pumpcds-order-select", body);
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  ASSERT_EQ(outcome.value().determination.orders.size(), 1u);
  EXPECT_EQ(outcome.value().determination.orders[0].order.reference, "ServiceRequest/b");
}

TEST_F(HookServiceTest, ResponseHasOneCardPerOrderAndACriticalCardForAContraindication) {
  RequestBuilder request;
  request.pumpOrder("62362", "2025-11-20", "a").pumpOrder("62326", "2025-11-20", "b");
  request.condition(testing::kIcd10, "A41.9", "2025-11-01");
  auto outcome = service_->handle("pumpcds-order-sign", request.json());
  ASSERT_TRUE(outcome.isOk());
  const auto response = parse(outcome.value().response_json);
  ASSERT_EQ(response["cards"].Size(), 4u);
  std::set<std::string> uuids;
  int critical = 0;
  for (const auto& card : response["cards"].GetArray()) {
    uuids.insert(card["uuid"].GetString());
    critical += std::string(card["indicator"].GetString()) == "critical" ? 1 : 0;
    EXPECT_TRUE(card["source"].HasMember("url"));
    EXPECT_NE(std::string(card["source"]["label"].GetString()).find("2025-06-01"), std::string::npos);
  }
  EXPECT_EQ(uuids.size(), 4u);
  EXPECT_EQ(critical, 2);
}

TEST_F(HookServiceTest, AnOutcomeStaysReadableAfterAReloadReplacedItsLibrary) {
  // The server reads the determination (audit, metrics, access log) after the call; a reload in between
  // drops the service's reference to the library the determination points into.
  auto outcome = service_->handle("pumpcds-order-sign", RequestBuilder().pumpOrder("62362").json());
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  const std::string revision = outcome.value().library->revision();
  auto replacement = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(replacement.isOk());
  service_->replaceLibrary(replacement.value());
  ASSERT_EQ(outcome.value().determination.orders.size(), 1U);
  const policy::Policy* decided_by = outcome.value().determination.orders[0].policy;
  ASSERT_NE(decided_by, nullptr);
  EXPECT_FALSE(decided_by->id.empty());
  EXPECT_FALSE(decided_by->criteria.empty());
  EXPECT_EQ(outcome.value().library->revision(), revision);
  EXPECT_NE(outcome.value().library, service_->library()) << "new calls use the replacement";
}

TEST_F(HookServiceTest, ReferenceDateIsTheDateTheOrderWasWrittenWhereItWasWritten) {
  RequestBuilder request;
  request.pumpOrder("62326", "2025-11-20T23:30:00-05:00"); // 04:30 on the 21st in UTC
  auto outcome = service_->handle("pumpcds-order-sign", request.json());
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  EXPECT_EQ(outcome.value().determination.orders[0].as_of.toString(), "2025-11-20");
}

TEST_F(HookServiceTest, ReferenceDateIsPinnedNowElseAuthoredOn) {
  RequestBuilder request;
  request.pumpOrder("62326", "2025-11-20");
  auto authored = service_->handle("pumpcds-order-sign", request.json());
  ASSERT_TRUE(authored.isOk());
  EXPECT_EQ(authored.value().determination.orders[0].as_of.toString(), "2025-11-20");
  auto library = policy::PolicyLibrary::loadBundled();
  const HookService pinned(library.value(), std::make_unique<cards::SequentialUuidSource>(),
                           fhir::Date::parse("2026-01-02"));
  auto outcome = pinned.handle("pumpcds-order-sign", request.json());
  ASSERT_TRUE(outcome.isOk());
  EXPECT_EQ(outcome.value().determination.orders[0].as_of.toString(), "2026-01-02");
}

TEST_F(HookServiceTest, WithOnlyPriorAuthorizationRulesTheDecisionIsNoPolicyAndPriorAuthSaysTheRest) {
  // CareSource in Ohio in 2021: only CareSource's prior-authorization rules apply, no medical policy.
  const auto card = [&](const std::string& code) {
    RequestBuilder request;
    request.pumpOrder(code, "2021-06-01").patientState("OH").none("Condition").none("Encounter");
    auto outcome = service_->handle("pumpcds-order-sign", request.json());
    EXPECT_TRUE(outcome.isOk());
    const auto& order = outcome.value().determination.orders.at(0);
    EXPECT_EQ(order.policy, nullptr);
    EXPECT_EQ(order.decision, policy::Decision::NoPolicy) << "no medical policy applies, whatever PA says";
    const auto response = parse(outcome.value().response_json);
    return std::make_pair(order.prior_auth, std::string(response["cards"][0]["indicator"].GetString()));
  };
  const auto removal = card("62365");
  EXPECT_EQ(removal.first, policy::PriorAuth::NotRequired);
  EXPECT_EQ(removal.second, "info") << "nothing for the clinician to do";
  const auto permanent = card("62362");
  EXPECT_EQ(permanent.first, policy::PriorAuth::Required);
  EXPECT_EQ(permanent.second, "warning");
}

} // namespace
} // namespace pumpcds::hooks
