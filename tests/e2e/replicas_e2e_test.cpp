// Scale-out on real parts: two `pumpcds serve` replicas (different ports, as behind a load balancer) sharing
// one PostgreSQL started by the test. Both write one audit trail, feedback posted to one replica for a card
// the other returned is stored, and a token used at one replica is refused at the other.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"
#include "tests/support/jwt_signer.h"
#include "tests/support/postgres_server.h"
#include "tests/support/raw_http.h"
#include "tests/support/request_builder.h"

namespace pumpcds::testing {
namespace {

const std::string kPublicUrl = "https://cds.example.org";
const std::string kIssuer = "https://ehr.example.org";
const std::string kSign = "/cds-services/pumpcds-order-sign";

class Replicas : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(sharedPostgres().error(), "");
    database_ = sharedPostgres().createDatabase("replicas");
    ASSERT_FALSE(database_.empty());
    directory_ = std::filesystem::temp_directory_path() / ("pumpcds-replicas-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
    std::ofstream(directory_ / "jwks.json") << jwks({key_.publicJwk("ehr-1")});
    std::ofstream(directory_ / "issuers.json")
        << R"({"issuers":[{"iss":")" << kIssuer << R"(","jwks_file":"jwks.json"}]})";
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  [[nodiscard]] std::vector<std::string> serveArguments() const {
    return {"--issuers", (directory_ / "issuers.json").string(), "--public-url", kPublicUrl, "--database",
            database_};
  }
  [[nodiscard]] std::string token(const std::string& path, const std::string& jti) const {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return "Bearer " + key_.sign("ES384", R"({"alg":"ES384","typ":"JWT","kid":"ehr-1"})",
                                 R"({"iss":")" + kIssuer + R"(","aud":")" + kPublicUrl + path +
                                     R"(","exp":)" + std::to_string(now + 300) + R"(,"iat":)" +
                                     std::to_string(now) + R"(,"jti":")" + jti + R"(","sub":"ehr-client"})");
  }

  SigningKey key_ = SigningKey::ec("P-384");
  std::string database_;
  std::filesystem::path directory_;
};

TEST_F(Replicas, ShareOneAuditTrailFeedbackAndReplayCacheThroughPostgres) {
  ServerProcess first(serveArguments());
  ServerProcess second(serveArguments());
  ASSERT_GT(first.port(), 0);
  ASSERT_GT(second.port(), 0);
  httplib::Client to_first("127.0.0.1", first.port());
  httplib::Client to_second("127.0.0.1", second.port());
  to_first.set_read_timeout(60, 0);
  to_second.set_read_timeout(60, 0);

  RequestBuilder gaps;
  gaps.pumpOrder("62362");
  const std::string used_once = token(kSign, "call-1");
  const auto answered = to_first.Post(kSign, {{"Authorization", used_once}}, gaps.json(), "application/json");
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->status, 200) << answered->body;
  const auto replayed =
      to_second.Post(kSign, {{"Authorization", used_once}}, gaps.json(), "application/json");
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 401) << "the token was used at the other replica";
  const auto own =
      to_second.Post(kSign, {{"Authorization", token(kSign, "call-2")}}, gaps.json(), "application/json");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);

  // Feedback on the first replica's card, posted to the second (the load balancer chose it).
  rapidjson::Document cards;
  cards.Parse(answered->body.c_str());
  ASSERT_GE(cards["cards"].Size(), 1u);
  const std::string card = cards["cards"][0]["uuid"].GetString();
  const std::string feedback_path = kSign + "/feedback";
  const auto feedback =
      to_second.Post(feedback_path, {{"Authorization", token(feedback_path, "feedback-1")}},
                     R"({"feedback":[{"card":")" + card +
                         R"(","outcome":"accepted","outcomeTimestamp":"2026-06-01T09:30:00Z"}]})",
                     "application/json");
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->status, 200) << feedback->body;

  EXPECT_EQ(first.stop(), 0);
  EXPECT_EQ(second.stop(), 0);
  const auto audit = runPumpcds({"audit", "--database", database_, "--format", "csv"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  // Two calls, both answered: the replayed one was refused before it counted as a call.
  EXPECT_NE(audit.out.find(",pumpcds-order-sign,2,2,"), std::string::npos) << audit.out;
  const auto accepted = runPumpcds({"feedback", "--database", database_, "--format", "csv"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_NE(accepted.out.find("policy,accepted,overridden\ncaresource-nc-mm-1369,1,0\n"), std::string::npos)
      << accepted.out;
}

TEST(ReplicaStore, AnUnreachableDatabaseStopsTheServerFromStartingAndSaysWhich) {
  const int port = freeLoopbackPort();
  const auto started = runPumpcds({"serve", "--allow-unauthenticated", "--port", "0", "--database",
                                   "postgres://pumpcds:pw@127.0.0.1:" + std::to_string(port) + "/x"});
  EXPECT_EQ(started.exit_code, 2);
  EXPECT_NE(
      started.err.find("cannot connect to the store postgres://pumpcds@127.0.0.1:" + std::to_string(port)),
      std::string::npos)
      << started.err;
  EXPECT_EQ(started.err.find(":pw@"), std::string::npos) << "never the password";
}

} // namespace
} // namespace pumpcds::testing
