// The audit trail and stored feedback, end to end: hook calls and feedback through `pumpcds serve`, then
// what `pumpcds audit` and `pumpcds feedback` report from the same store after the server has stopped.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"
#include "tests/support/request_builder.h"

namespace pumpcds::testing {
namespace {

const std::string kSign = "/cds-services/pumpcds-order-sign";

std::string feedbackBody(const std::string& card, const std::string& outcome, const std::string& extra = "") {
  return R"({"feedback":[{"card":")" + card + R"(","outcome":")" + outcome +
         R"(","outcomeTimestamp":"2026-06-01T09:30:00Z")" + extra + "}]}";
}

TEST(AuditTrail, EveryHookCallIsRecordedFeedbackIsStoredAndBothAreSummarised) {
  char pattern[] = "/tmp/pumpcds-audit-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string data_dir = pattern;
  {
    ServerProcess server({"--data-dir", data_dir});
    ASSERT_GT(server.port(), 0);
    httplib::Client http("127.0.0.1", server.port());
    http.set_read_timeout(60, 0);
    RequestBuilder gaps; // a CareSource NC member with most documentation missing
    gaps.pumpOrder("62362");
    const auto answered =
        http.Post(kSign, {{"X-Request-Id", "audit-call-1"}}, gaps.json(), "application/json");
    ASSERT_TRUE(answered);
    ASSERT_EQ(answered->status, 200);
    EXPECT_EQ(http.Post(kSign, {{"X-Request-Id", "audit-call-2"}}, "{}", "application/json")->status, 400);
    rapidjson::Document cards;
    cards.Parse(answered->body.c_str());
    ASSERT_GE(cards["cards"].Size(), 1u);
    const std::string card = cards["cards"][0]["uuid"].GetString();

    const std::string feedback_path = kSign + "/feedback";
    EXPECT_EQ(http.Post(feedback_path, feedbackBody(card, "accepted"), "application/json")->status, 200);
    const std::string overridden = feedbackBody(
        card, "overridden",
        R"(,"overrideReason":{"reason":{"system":"urn:pumpcds:override-reason","code":"patient-declined"}})");
    EXPECT_EQ(http.Post(feedback_path, overridden, "application/json")->status, 200);
    // An EHR's retry of the same feedback is accepted and not stored twice.
    EXPECT_EQ(http.Post(feedback_path, overridden, "application/json")->status, 200);
    const auto unknown =
        http.Post(feedback_path, feedbackBody("not-a-card-of-ours", "accepted"), "application/json");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 400);
    EXPECT_NE(unknown->body.find("no card 'not-a-card-of-ours'"), std::string::npos) << unknown->body;
    const auto metrics = http.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("pumpcds_audit_dropped_total 0"), std::string::npos) << metrics->body;
    // Counted from what was decided: the 5 s bucket holds both calls, one 400, one order's decision.
    for (const char* line :
         {"pumpcds_hook_duration_seconds_bucket{le=\"5\"} 2\n", "pumpcds_hook_duration_seconds_count 2\n",
          "pumpcds_hook_responses_total{service=\"pumpcds-order-sign\",status=\"400\"} 1\n",
          "pumpcds_orders_total{policy=\"caresource-nc-mm-1369\",decision=\"missing-documentation\"} 1\n",
          "pumpcds_library_info{revision=\"", "process_resident_memory_bytes "}) {
      EXPECT_NE(metrics->body.find(line), std::string::npos) << line;
    }
    EXPECT_EQ(server.stop(), 0);
  }
  // The server has stopped: everything it accepted is in the store.
  const auto audit = runPumpcds({"audit", "--data-dir", data_dir, "--format", "json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  rapidjson::Document tables;
  tables.Parse(audit.out.c_str());
  ASSERT_FALSE(tables.HasParseError()) << audit.out;
  const auto& per_day = tables["tables"][0]["rows"];
  ASSERT_EQ(per_day.Size(), 1u) << audit.out;
  EXPECT_STREQ(per_day[0]["service"].GetString(), "pumpcds-order-sign");
  EXPECT_STREQ(per_day[0]["calls"].GetString(), "2");
  EXPECT_STREQ(per_day[0]["answered"].GetString(), "1") << "the 400 is recorded as a call not answered";
  const auto& decisions = tables["tables"][1]["rows"];
  ASSERT_EQ(decisions.Size(), 1u) << audit.out;
  EXPECT_STREQ(decisions[0]["policy"].GetString(), "caresource-nc-mm-1369");
  EXPECT_STREQ(decisions[0]["decision"].GetString(), "missing-documentation");
  EXPECT_GT(tables["tables"][2]["rows"].Size(), 3u) << "the criteria it found missing are listed";

  const auto feedback = runPumpcds({"feedback", "--data-dir", data_dir, "--format", "csv"});
  ASSERT_EQ(feedback.exit_code, 0) << feedback.err;
  EXPECT_NE(feedback.out.find("policy,accepted,overridden\ncaresource-nc-mm-1369,1,1\n"), std::string::npos)
      << feedback.out;
  EXPECT_NE(feedback.out.find("reason,cards\npatient-declined,1\n"), std::string::npos) << feedback.out;

  const auto text = runPumpcds({"audit", "--data-dir", data_dir});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("Calls per day and service"), std::string::npos);
  std::filesystem::remove_all(data_dir);

  const auto missing = runPumpcds({"audit", "--data-dir", data_dir});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no store at " + data_dir + "/pumpcds.sqlite3"), std::string::npos)
      << missing.err;
}

TEST(AuditTrail, NoStoreMeansFeedbackIsOnlyCheckedAndCounted) {
  ServerProcess server({"--database", "none"});
  ASSERT_GT(server.port(), 0);
  httplib::Client http("127.0.0.1", server.port());
  EXPECT_EQ(http.Post(kSign + "/feedback", feedbackBody("any-card", "accepted"), "application/json")->status,
            200);
  const auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("pumpcds_audit_"), std::string::npos);
}

} // namespace
} // namespace pumpcds::testing
