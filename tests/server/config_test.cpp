#include "server/config.h"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace pumpcds::server {
namespace {

TEST(Config, DefaultsAreLoopbackPort8080AndTheBundledLibrary) {
  auto config = parseConfig({"serve"}, {});
  ASSERT_TRUE(config.isOk());
  EXPECT_EQ(config.value().host, "127.0.0.1");
  EXPECT_EQ(config.value().port, 8080);
  EXPECT_TRUE(config.value().policies.empty());
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheConfigFile) {
  const std::string path = ::testing::TempDir() + "pumpcds-config.json";
  std::ofstream(path) << R"({"port": 9000, "host": "0.0.0.0", "threads": 3})";
  auto config =
      parseConfig({"serve", "--config", path, "--port=9100"}, {"PUMPCDS_PORT=9050", "PUMPCDS_THREADS=4"});
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config.value().port, 9100);
  EXPECT_EQ(config.value().host, "0.0.0.0");
  EXPECT_EQ(config.value().threads, 4);
  std::remove(path.c_str());
}

TEST(Config, EachBadSettingIsNamed) {
  const struct {
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    const char* names;
  } cases[] = {
      {{"serve", "--port", "http"}, {}, "--port: expected a whole number from 0 to 65535, got 'http'"},
      {{"serve"}, {"PUMPCDS_PORT=70000"}, "PUMPCDS_PORT: expected a whole number"},
      {{"evaluate", "r.json", "--now", "2025-02-30"}, {}, "--now: expected a date YYYY-MM-DD"},
      {{"serve", "--colour"}, {}, "unknown option '--colour'"},
      {{"evaluate"}, {}, "evaluate takes one or more REQUEST.json files"},
      {{"launch"}, {}, "unknown command 'launch'"},
      {{"serve", "--cds"}, {}, "--cds goes with evaluate"},
      {{"serve", "--config", "/nonexistent/pumpcds.json"}, {}, "--config: cannot read"},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(test.names);
    auto config = parseConfig(test.arguments, test.environment);
    ASSERT_FALSE(config.isOk());
    EXPECT_NE(config.status().message().find(test.names), std::string::npos) << config.status().message();
  }
}

TEST(Config, UnknownConfigFileKeyIsNamed) {
  const std::string path = ::testing::TempDir() + "pumpcds-bad-config.json";
  std::ofstream(path) << R"({"prot": 9000})";
  auto config = parseConfig({"serve", "--config", path}, {});
  ASSERT_FALSE(config.isOk());
  EXPECT_NE(config.status().message().find("unknown key 'prot'"), std::string::npos);
  std::remove(path.c_str());
}

} // namespace
} // namespace pumpcds::server
