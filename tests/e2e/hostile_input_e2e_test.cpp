// Hostile or broken input over real HTTP: every answer is a clear error in valid JSON that echoes nothing
// raw, and nothing sent can inflate the counters.
#include <chrono>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/shared_server_test.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_data.h"

namespace pumpcds::testing {
namespace {

class HostileInput : public SharedServerTest {
protected:
  // The body is JSON a client can parse, and its diagnostics contain `names`.
  static void expectJsonError(const httplib::Result& result, int status, const std::string& names) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status) << result->body.substr(0, 300);
    rapidjson::Document body;
    body.Parse<rapidjson::kParseValidateEncodingFlag>(result->body.c_str());
    ASSERT_FALSE(body.HasParseError()) << "not valid JSON text: " << result->body.substr(0, 300);
    EXPECT_NE(result->body.find(names), std::string::npos) << result->body.substr(0, 300);
    EXPECT_LT(result->body.size(), 2000U) << "an error echoed too much";
  }
};

const std::string kSign = "/cds-services/pumpcds-order-sign";

TEST_F(HostileInput, InvalidUtf8AndNulAndHugeValuesGetAShortValidError) {
  auto http = client();
  std::string request = readTestFile("requests/permanent-nonmalignant-gaps.json");
  std::string invalid = request;
  invalid.replace(invalid.find("order-sign"), 10, "order-\xFF\xFEgn");
  expectJsonError(http.Post(kSign, invalid, "application/json"), 400, "Invalid encoding");
  std::string nul = request;
  nul.replace(nul.find("\"order-sign\""), 12, R"("order-sign\u0000x")");
  expectJsonError(http.Post(kSign, nul, "application/json"), 400, "'hook' contains a NUL character");
  std::string huge = request;
  huge.replace(huge.find("\"order-sign\""), 12, "\"" + std::string(5'000'000, 'h') + "\"");
  expectJsonError(http.Post(kSign, huge, "application/json"), 400, "hhh...");
  expectJsonError(http.Post("/cds-services/no-such-\xFF/feedback", "{}", "application/json"), 404, "\\\\xff");
}

TEST_F(HostileInput, OtherMethodsOnKnownPathsAre405AndUnknownPathsSayWhatWasAsked) {
  auto http = client();
  const auto put = http.Put(kSign, "{}", "application/json");
  expectJsonError(put, 405, "PUT is not allowed");
  EXPECT_EQ(put->get_header_value("Allow"), "POST, OPTIONS");
  const auto deleted = http.Delete("/healthz");
  expectJsonError(deleted, 405, "DELETE is not allowed");
  EXPECT_EQ(deleted->get_header_value("Allow"), "GET, OPTIONS");
  // A decoded newline in the path is escaped wherever it is echoed.
  expectJsonError(http.Get("/nothing%0aGET%20/forged"), 404, "/nothing\\\\x0aGET /forged");
}

TEST_F(HostileInput, APostWithoutALengthIsRefusedAtOnceNotReadUntilTheClientCloses) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  const auto started = std::chrono::steady_clock::now();
  connection.send("POST " + kSign + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n" +
                  std::string(100000, 'a'));
  const std::string answer = connection.receiveResponse(std::chrono::milliseconds(4000));
  EXPECT_EQ(statusCodes(answer), std::vector<int>({411})) << answer.substr(0, 200);
  EXPECT_NE(answer.find("needs a Content-Length"), std::string::npos);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2))
      << "answered at once, not after the read timeout (5 s)";
}

TEST_F(HostileInput, CardsAreCountedFromTheResponseNotFromWhatTheRequestEchoes) {
  auto http = client();
  const auto count = [&] {
    const auto metrics = http.Get("/metrics");
    const std::string name = "pumpcds_cards_total ";
    const size_t at = metrics->body.find("\n" + name);
    return std::stol(metrics->body.substr(at + 1 + name.size()));
  };
  std::string request = readTestFile("requests/permanent-nonmalignant-gaps.json");
  // A draft order full of "uuid" keys, echoed back in its coverage-information update.
  request.insert(request.find("\"resourceType\": \"ServiceRequest\""),
                 R"("note":[{"text":"x","uuid":"1"},{"text":"y","uuid":"2"}],)");
  const long before = count();
  const auto answered = http.Post(kSign, request, "application/json");
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->status, 200) << answered->body.substr(0, 300);
  EXPECT_EQ(count() - before, 1) << "one pump order, one card";
}

TEST_F(HostileInput, KeepAliveResponsesAreNotHeldBackByNagle) {
  // Without TCP_NODELAY each response on a reused connection waited ~40 ms for the client's delayed ACK:
  // 20 of them took 800 ms. A loose bound that no healthy run misses, sanitizers included.
  auto http = client();
  http.set_keep_alive(true);
  ASSERT_TRUE(http.Get("/healthz"));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(http.Get("/healthz")->status, 200);
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 400);
}

} // namespace
} // namespace pumpcds::testing
