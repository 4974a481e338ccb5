// The server's log, as an operator's log pipeline reads it: one JSON line per call with its request id,
// service, policies, decisions and timings, and nothing about the patient or the token.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"
#include "tests/support/test_data.h"

namespace pumpcds::testing {
namespace {

TEST(AccessLog, OneJsonLinePerCallWithTheRequestIdAndNoPatientData) {
  const std::string log_path =
      (std::filesystem::temp_directory_path() / ("pumpcds-log-" + std::to_string(::getpid()) + ".txt"))
          .string();
  std::string log;
  {
    ServerProcess server({}, log_path);
    ASSERT_GT(server.port(), 0);
    httplib::Client http("127.0.0.1", server.port());
    http.set_read_timeout(60, 0);
    const auto answered =
        http.Post("/cds-services/pumpcds-order-sign", {{"X-Request-Id", "trace-42"}},
                  readTestFile("requests/permanent-nonmalignant-gaps.json"), "application/json");
    ASSERT_TRUE(answered);
    EXPECT_EQ(answered->get_header_value("X-Request-Id"), "trace-42");
    // An id that could forge a line is replaced by one the server makes.
    const auto health = http.Get("/healthz", {{"X-Request-Id", "a b\"c"}});
    ASSERT_TRUE(health);
    EXPECT_NE(health->get_header_value("X-Request-Id"), "a b\"c");
    EXPECT_FALSE(health->get_header_value("X-Request-Id").empty());
    server.stop();
    std::ifstream file(log_path);
    std::stringstream text;
    text << file.rdbuf();
    log = text.str();
  }
  std::filesystem::remove(log_path);
  bool hook_line = false;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') {
      continue; // start-up and warning lines are plain text
    }
    rapidjson::Document entry;
    entry.Parse(line.c_str());
    ASSERT_FALSE(entry.HasParseError()) << line;
    if (std::string(entry["requestId"].GetString()) == "trace-42") {
      hook_line = true;
      EXPECT_STREQ(entry["service"].GetString(), "pumpcds-order-sign");
      EXPECT_EQ(entry["status"].GetInt(), 200);
      EXPECT_STREQ(entry["policies"][0].GetString(), "caresource-nc-mm-1369");
      EXPECT_STREQ(entry["decisions"][0].GetString(), "missing-documentation");
      EXPECT_TRUE(entry["ms"].IsNumber());
    }
  }
  EXPECT_TRUE(hook_line) << log;
  // The request's patient id, user and encounter never reach the log.
  for (const char* phi : {"nc-042", "dr-lee", "enc-77"}) {
    EXPECT_EQ(log.find(phi), std::string::npos) << phi << " in the log:\n" << log;
  }
}

} // namespace
} // namespace pumpcds::testing
