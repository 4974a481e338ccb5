// Who may call `pumpcds serve`, end to end: an EHR's keys published as a JWKS on a loopback web server,
// tokens signed with them, and the server's answers over real HTTP.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/e2e/server_process.h"
#include "tests/support/jwt_signer.h"
#include "tests/support/test_data.h"

namespace pumpcds::testing {
namespace {

namespace fs = std::filesystem;

const std::string kPublicUrl = "https://cds.example.org";
const std::string kIssuer = "https://ehr.example.org";
const std::string kSignPath = "/cds-services/pumpcds-order-sign";

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The EHR: a key pair, its JWKS on a loopback web server, and tokens for each call.
class Ehr {
public:
  Ehr() {
    jwks_ = jwks({key_.publicJwk("ehr-2026")});
    server_.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& response) {
      ++fetches_;
      response.set_content(jwks_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Ehr() {
    server_.stop();
    thread_.join();
  }
  Ehr(const Ehr&) = delete;
  Ehr& operator=(const Ehr&) = delete;

  [[nodiscard]] std::string jwksUrl() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json";
  }
  [[nodiscard]] int fetches() const { return fetches_; }

  std::string token(const std::string& path, const std::string& jti) const {
    const int64_t now = nowSeconds();
    return "Bearer " + key_.sign("ES384", R"({"alg":"ES384","typ":"JWT","kid":"ehr-2026"})",
                                 R"({"iss":")" + kIssuer + R"(","aud":")" + kPublicUrl + path +
                                     R"(","exp":)" + std::to_string(now + 300) + R"(,"iat":)" +
                                     std::to_string(now) + R"(,"jti":")" + jti + R"(","sub":"ehr-client"})");
  }

private:
  SigningKey key_ = SigningKey::ec("P-384");
  std::string jwks_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> fetches_{0};
};

class AuthTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("pumpcds-auth-" + std::to_string(::getpid()));
    fs::create_directories(directory_);
    issuers_ = (directory_ / "issuers.json").string();
    std::ofstream(issuers_) << R"({"issuers":[{"iss":")" << kIssuer << R"(","jwks_url":")" << ehr_.jwksUrl()
                            << R"("}]})";
  }
  void TearDown() override { fs::remove_all(directory_); }

  static httplib::Client client(const ServerProcess& server) {
    httplib::Client http("127.0.0.1", server.port());
    http.set_read_timeout(60, 0);
    return http;
  }

  Ehr ehr_;
  fs::path directory_;
  std::string issuers_;
};

TEST_F(AuthTest, ProtectedDiscoveryNeedsATokenForTheDiscoveryEndpoint) {
  ServerProcess server({"--issuers", issuers_, "--public-url", kPublicUrl, "--protect-discovery"});
  ASSERT_GT(server.port(), 0);
  auto http = client(server);
  EXPECT_EQ(http.Get("/cds-services")->status, 401);
  EXPECT_EQ(http.Get("/cds-services", {{"Authorization", ehr_.token(kSignPath, "discovery-1")}})->status, 401)
      << "a token for a hook endpoint is not one for discovery";
  const auto listed =
      http.Get("/cds-services", {{"Authorization", ehr_.token("/cds-services", "discovery-2")}});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200);
  EXPECT_NE(listed->body.find("pumpcds-order-sign"), std::string::npos);
  EXPECT_EQ(http.Get("/healthz")->status, 200) << "the health check needs no token";
}

TEST_F(AuthTest, OnlyAValidFreshTokenOfATrustedEhrGetsAnAnswer) {
  ServerProcess server({"--issuers", issuers_, "--public-url", kPublicUrl});
  ASSERT_GT(server.port(), 0);
  auto http = client(server);
  const std::string request = readTestFile("requests/permanent-nonmalignant-gaps.json");
  // Discovery stays open: an EHR reads it before it has anything to sign.
  EXPECT_EQ(http.Get("/cds-services")->status, 200);
  // No token, a Basic one, and garbage: a bare 401, nothing evaluated.
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Basic dXNlcjpwYXNz"}},
        httplib::Headers{{"Authorization", "Bearer not-a-jwt"}}}) {
    const auto refused = http.Post(kSignPath, headers, request, "application/json");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(refused->body, "") << "a 401 says nothing of which check failed";
    EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Bearer");
  }
  const std::string token = ehr_.token(kSignPath, "call-1");
  const auto answered = http.Post(kSignPath, {{"Authorization", token}}, request, "application/json");
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200) << answered->body;
  EXPECT_NE(answered->body.find("MM-1369"), std::string::npos);
  // The same token again is a replay.
  EXPECT_EQ(http.Post(kSignPath, {{"Authorization", token}}, request, "application/json")->status, 401);
  // A token for the order-select service does not open order-sign (aud is the endpoint called).
  EXPECT_EQ(http.Post(kSignPath,
                      {{"Authorization", ehr_.token("/cds-services/pumpcds-order-select", "call-2")}},
                      request, "application/json")
                ->status,
            401);
  // Feedback needs a token of its own too.
  const std::string feedback_path = kSignPath + "/feedback";
  const auto card_at = answered->body.find("\"uuid\":\"");
  ASSERT_NE(card_at, std::string::npos);
  const std::string card = answered->body.substr(card_at + 8, 36);
  const std::string feedback = R"({"feedback":[{"card":")" + card +
                               R"(","outcome":"accepted","outcomeTimestamp":"2026-11-29T10:00:00Z"}]})";
  EXPECT_EQ(http.Post(feedback_path, feedback, "application/json")->status, 401);
  EXPECT_EQ(http.Post(feedback_path, {{"Authorization", ehr_.token(feedback_path, "call-3")}}, feedback,
                      "application/json")
                ->status,
            200);
  EXPECT_EQ(ehr_.fetches(), 1) << "the EHR's JWKS is fetched once and cached";
  const auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pumpcds_unauthorized_total 6"), std::string::npos) << metrics->body;
}

TEST_F(AuthTest, AServerWithNoTrustedIssuerRefusesHooksUnlessToldToServeUnauthenticated) {
  ServerProcess locked({kNoAuthDefault});
  ASSERT_GT(locked.port(), 0);
  const std::string request = readTestFile("requests/permanent-nonmalignant-gaps.json");
  EXPECT_EQ(client(locked).Post(kSignPath, request, "application/json")->status, 401);
  ServerProcess open; // --allow-unauthenticated, as the other end-to-end tests run it
  auto http = client(open);
  EXPECT_EQ(http.Post(kSignPath, request, "application/json")->status, 200);
  EXPECT_NE(http.Get("/healthz")->body.find("\"warning\":\"hook calls are not authenticated\""),
            std::string::npos);
}

TEST_F(AuthTest, ABadIssuersFileOrAMissingPublicUrlStopsTheServerFromStarting) {
  std::ofstream(directory_ / "bad.json")
      << R"({"issuers":[{"iss":"x","jwks_url":"http://keys.example.org/"}]})";
  const auto bad = runPumpcds(
      {"serve", "--port", "0", "--issuers", (directory_ / "bad.json").string(), "--public-url", kPublicUrl});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("/issuers/0/jwks_url: must be https://"), std::string::npos) << bad.err;
  const auto no_url = runPumpcds({"serve", "--port", "0", "--issuers", issuers_});
  EXPECT_EQ(no_url.exit_code, 2);
  EXPECT_NE(no_url.err.find("--issuers needs --public-url"), std::string::npos) << no_url.err;
}

} // namespace
} // namespace pumpcds::testing
