// End to end over real HTTP: `pumpcds serve` on a free loopback port, talked to with cpp-httplib.
#include <chrono>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"
#include "tests/e2e/shared_server_test.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/request_builder.h"
#include "tests/support/test_data.h"

namespace pumpcds::testing {
namespace {

class ServerTest : public SharedServerTest {
protected:
  static rapidjson::Document json(const std::string& body) {
    rapidjson::Document document;
    document.Parse(body.c_str());
    EXPECT_FALSE(document.HasParseError()) << body;
    return document;
  }

  // A 4xx with a FHIR OperationOutcome whose diagnostics contain `names`.
  static void expectOutcome(const httplib::Result& result, int status, const std::string& names) {
    ASSERT_TRUE(result) << "no response";
    EXPECT_EQ(result->status, status) << result->body;
    const auto body = json(result->body);
    ASSERT_TRUE(body.IsObject());
    EXPECT_STREQ(body["resourceType"].GetString(), "OperationOutcome");
    const std::string diagnostics = body["issue"][0]["diagnostics"].GetString();
    EXPECT_NE(diagnostics.find(names), std::string::npos) << diagnostics;
  }
};

TEST_F(ServerTest, DiscoveryOffersOrderSignAndOrderSelectWithPrefetch) {
  auto http = client();
  const auto result = http.Get("/cds-services");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), "*");
  const auto discovery = json(result->body);
  std::set<std::string> hooks;
  for (const auto& service : discovery["services"].GetArray()) {
    hooks.insert(service["hook"].GetString());
    for (const char* key :
         {"patient", "coverage", "conditions", "observations", "medicationRequests", "medicationStatements",
          "procedures", "allergies", "devices", "deviceRequests", "encounters", "serviceRequests",
          "documents", "questionnaireResponses", "carePlans"}) {
      EXPECT_TRUE(service["prefetch"].HasMember(key)) << key;
    }
  }
  EXPECT_EQ(hooks, (std::set<std::string>{"order-sign", "order-select"}));
}

TEST_F(ServerTest, HookWithFullPrefetchNamesTheMissingCriteria) {
  auto http = client();
  const auto started = std::chrono::steady_clock::now();
  const auto result =
      http.Post("/cds-services/pumpcds-order-sign", readTestFile("requests/permanent-nonmalignant-gaps.json"),
                "application/json");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(testing::cdsResponseProblems(result->body), std::vector<std::string>{});
  const auto response = json(result->body);
  ASSERT_EQ(response["cards"].Size(), 1u);
  const std::string summary = response["cards"][0]["summary"].GetString();
  const std::string detail = response["cards"][0]["detail"].GetString();
  // A drug test and therapy records are things to order or record, not to attest.
  EXPECT_EQ(summary, "Pain pump 62362: MM-1369 needs 2 to order or record");
  EXPECT_NE(detail.find("(IV.D.2): no record of a drug test in the last 3 months in the results"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("(IV.H.1): only 85 days from 2025-08-04 to 2025-10-27"), std::string::npos) << detail;
  // A loose bound that no healthy run misses, sanitizers included; bench/ measures the real time.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

TEST_F(ServerTest, CorsPreflightIsAnswered) {
  auto http = client();
  const httplib::Headers headers = {{"Origin", "https://sandbox.cds-hooks.org"},
                                    {"Access-Control-Request-Method", "POST"},
                                    {"Access-Control-Request-Headers", "authorization, content-type"}};
  const auto result = http.Options("/cds-services/pumpcds-order-sign", headers);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 204);
  EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), "*");
  const std::string allowed = result->get_header_value("Access-Control-Allow-Headers");
  EXPECT_NE(allowed.find("Authorization"), std::string::npos);
  EXPECT_NE(allowed.find("Content-Type"), std::string::npos);
  EXPECT_NE(result->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
}

TEST_F(ServerTest, BadInputsGetAnOperationOutcomeAndTheServerKeepsServing) {
  auto http = client();
  expectOutcome(
      http.Post("/cds-services/pumpcds-order-sign", "{\"hook\": \"order-sign\",", "application/json"), 400,
      "not valid JSON");
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign",
                          R"({"hookInstance":"x","context":{"patientId":"p","draftOrders":{}}})",
                          "application/json"),
                400, "'hook' is required");
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign", R"({"hook":"order-sign","context":{}})",
                          "application/json"),
                400, "'hookInstance' is required");
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign", R"({"hook":"order-sign","hookInstance":"x"})",
                          "application/json"),
                400, "'context' is required");
  expectOutcome(
      http.Post("/cds-services/pumpcds-order-sign",
                R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":"p","draftOrders":{}}})",
                "application/json"),
      400, "does not match service");
  expectOutcome(http.Post("/cds-services/no-such-service", "{}", "application/json"), 404, "no CDS service");
  expectOutcome(http.Get("/nowhere"), 404, "no route for GET /nowhere");
  const auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(server_->running());
}

TEST_F(ServerTest, FeedbackIsAcceptedAndMetricsCount) {
  auto http = client();
  // Feedback is about cards this server returned: three of them, from one call with two orders.
  RequestBuilder request;
  request.pumpOrder("62362", "2025-11-20", "a").pumpOrder("62326", "2025-11-20", "b");
  const auto answered = http.Post("/cds-services/pumpcds-order-sign", request.json(), "application/json");
  ASSERT_TRUE(answered);
  rapidjson::Document cards;
  cards.Parse(answered->body.c_str());
  ASSERT_GE(cards["cards"].Size(), 2u);
  const std::string first = cards["cards"][0]["uuid"].GetString();
  const std::string second = cards["cards"][1]["uuid"].GetString();
  const auto feedback = http.Post("/cds-services/pumpcds-order-sign/feedback",
                                  R"({"feedback":[{"card":")" + first + R"(","outcome":"accepted",
                                  "outcomeTimestamp":"2025-11-20T10:00:00Z"}]})",
                                  "application/json");
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->status, 200) << feedback->body;
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign/feedback", "[]", "application/json"), 400,
                "feedback");
  // Overrides with the reasons the cards offered, and one the service never offered.
  const auto overridden = http.Post("/cds-services/pumpcds-order-sign/feedback",
                                    R"({"feedback":[
        {"card":")" + second + R"(","outcome":"overridden","outcomeTimestamp":"2025-11-20T10:01:00Z",
         "overrideReason":{"reason":{"system":"urn:pumpcds:override-reason","code":"patient-declined"}}},
        {"card":")" + first + R"(","outcome":"overridden","outcomeTimestamp":"2025-11-20T10:02:00Z",
         "overrideReason":{"reason":{"code":"made-up"},"userComment":"n/a"}}]})",
                                    "application/json");
  ASSERT_TRUE(overridden);
  EXPECT_EQ(overridden->status, 200) << overridden->body;
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign/feedback",
                          R"({"feedback":[{"card":"x","outcome":"ignored"}]})", "application/json"),
                400, "feedback[0].outcome");
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign/feedback",
                          R"({"feedback":[{"card":")" + first + R"(","outcome":"accepted"}]})",
                          "application/json"),
                400, "feedback[0].outcomeTimestamp");
  expectOutcome(http.Post("/cds-services/pumpcds-order-sign/feedback",
                          R"({"feedback":[{"card":"00000000-0000-4000-8000-00000000dead","outcome":"accepted",
                              "outcomeTimestamp":"2025-11-20T10:00:00Z"}]})",
                          "application/json"),
                400, "no card '00000000-0000-4000-8000-00000000dead' was returned");
  const auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pumpcds_http_requests_total "), std::string::npos);
  EXPECT_NE(metrics->body.find("pumpcds_hook_calls_total "), std::string::npos);
  EXPECT_NE(metrics->body.find("pumpcds_feedback_total{outcome=\"overridden\"} 2\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("pumpcds_feedback_override_reasons_total{reason=\"patient-declined\"} 1\n"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("pumpcds_feedback_override_reasons_total{reason=\"other\"} 1\n"),
            std::string::npos)
      << metrics->body;
}

TEST_F(ServerTest, HealthAndEveryResponseNameTheVersion) {
  auto health = client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_NE(health->body.find(std::string("\"version\":\"") + PUMPCDS_VERSION + "\""), std::string::npos)
      << health->body;
  EXPECT_EQ(health->get_header_value("X-Pumpcds-Version"), PUMPCDS_VERSION);
  auto discovery = client().Get("/cds-services");
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->get_header_value("X-Pumpcds-Version"), PUMPCDS_VERSION);
}

TEST_F(ServerTest, APortInUseIsAnErrorAtStart) {
  // A second server on the same port must not start and share the first one's traffic. (Were it to start,
  // it would print where it listens; it is stopped when `second` goes.)
  ServerProcess second({"--port", std::to_string(server_->port())});
  EXPECT_EQ(second.port(), 0) << "a second server started on a port in use";
  EXPECT_EQ(second.stop(), 1);
  EXPECT_TRUE(server_->running());
}

} // namespace
} // namespace pumpcds::testing
