#include "cli/config.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/options.h"

namespace pumpcds::cli {
namespace {

TEST(Config, DefaultsAreLoopbackPort8080AndTheBundledLibrary) {
  auto config = parseConfig({"serve"}, {});
  ASSERT_TRUE(config.isOk());
  EXPECT_EQ(config.value().server.host, "127.0.0.1");
  EXPECT_EQ(config.value().server.port, 8080);
  EXPECT_TRUE(config.value().policies.empty());
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheConfigFile) {
  const std::string path = ::testing::TempDir() + "pumpcds-config.json";
  std::ofstream(path) << R"({"port": 9000, "host": "0.0.0.0", "threads": 3})";
  auto config =
      parseConfig({"serve", "--config", path, "--port=9100"}, {"PUMPCDS_PORT=9050", "PUMPCDS_THREADS=4"});
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config.value().server.port, 9100);
  EXPECT_EQ(config.value().server.host, "0.0.0.0");
  EXPECT_EQ(config.value().server.threads, 4);
  std::remove(path.c_str());
}

TEST(Config, FhirReadSettingsFromFlagsEnvironmentAndFile) {
  const std::string path = ::testing::TempDir() + "pumpcds-fhir-config.json";
  std::ofstream(path) << R"({"fhir_server_allow": ["ehr.example.org", "fhir.example.org"],
    "allow_insecure_fhir": true, "fhir_deadline_ms": 2500})";
  auto config = parseConfig({"serve", "--config", path, "--prefetch", "minimal", "--fhir-max-pages=7"},
                            {"PUMPCDS_FHIR_CA_FILE=/etc/ca.pem"});
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config.value().fhir.server_allow,
            (std::vector<std::string>{"ehr.example.org", "fhir.example.org"}));
  EXPECT_TRUE(config.value().fhir.allow_insecure);
  EXPECT_EQ(config.value().fhir.deadline_ms, 2500);
  EXPECT_EQ(config.value().fhir.max_pages, 7);
  EXPECT_EQ(config.value().fhir.ca_file, "/etc/ca.pem");
  EXPECT_TRUE(config.value().server.minimal_prefetch);
  std::remove(path.c_str());
  auto flags = parseConfig({"serve", "--allow-insecure-fhir", "--fhir-server-allow", " a.org , b.org "}, {});
  ASSERT_TRUE(flags.isOk());
  EXPECT_TRUE(flags.value().fhir.allow_insecure);
  EXPECT_EQ(flags.value().fhir.server_allow, (std::vector<std::string>{"a.org", "b.org"}));
}

// Paths are appended to it (a token's aud, the DTR app's launch page), so a trailing slash is dropped once.
TEST(Config, ThePublicUrlIsKeptWithoutATrailingSlash) {
  auto flags = parseConfig({"serve", "--public-url", "https://pumpcds.example.org/cds//"}, {});
  ASSERT_TRUE(flags.isOk()) << flags.status().message();
  EXPECT_EQ(flags.value().trust.public_url, "https://pumpcds.example.org/cds");
}

TEST(Config, CheckTakesServerPatientOrdersAndDrugs) {
  auto config = parseConfig({"check", "--fhir-server", "https://ehr/fhir", "--patient", "p1", "--order",
                             "62350", "--order", "62362", "--drug", "7052", "--cds"},
                            {});
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config.value().source.order_codes, (std::vector<std::string>{"62350", "62362"}));
  EXPECT_EQ(config.value().source.drug_codes, (std::vector<std::string>{"7052"}));
  EXPECT_TRUE(config.value().cds);
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
      {{"serve", "--prefetch", "lean"}, {}, "--prefetch: expected full or minimal, got 'lean'"},
      {{"serve"},
       {"PUMPCDS_ALLOW_INSECURE_FHIR=maybe"},
       "PUMPCDS_ALLOW_INSECURE_FHIR: expected true or false"},
      {{"serve", "--fhir-deadline-ms", "5"}, {}, "--fhir-deadline-ms: expected a whole number from 50"},
      {{"check", "--patient", "p1", "--order", "62362"}, {}, "check needs --fhir-server URL"},
      {{"check", "--fhir-server", "http://x", "--patient", "p1", "--patient", "p2", "--order", "62362"},
       {},
       "check takes one --patient; for several, use precheck --fhir-server"},
      {{"serve", "--order", "62362"}, {}, "--order goes with check or precheck, not 'serve'"},
      {{"precheck", "--bulk", "d", "--order", "62362", "--drug", "7052", "--out", "o"},
       {},
       "--drug goes with check"},
      {{"precheck", "--bulk", "d", "--order", "62362", "--shard", "1-2", "--out", "o"},
       {},
       "--shard: expected K/N"},
      {{"precheck", "--fhir-server", "http://x", "--order", "62362", "--out", "o"},
       {},
       "--patient ID (repeatable)"},
      {{"serve", "--bulk", "d"}, {}, "--bulk goes with precheck"},
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

TEST(Config, ASettingAnotherCommandUsesIsNotReadButAFlagForItIsRefused) {
  // One environment and one config file serve every command: PUMPCDS_PORT is the server's business.
  const std::string path = ::testing::TempDir() + "pumpcds-shared-config.json";
  std::ofstream(path) << R"({"port": "abc", "format": "csv", "data_dir": "/srv/pumpcds"})";
  auto policies = parseConfig({"policies", "--config", path}, {"PUMPCDS_PORT=abc", "PUMPCDS_THREADS=0"});
  ASSERT_TRUE(policies.isOk()) << policies.status().message();
  auto audit = parseConfig({"audit", "--config", path}, {"PUMPCDS_PORT=abc"});
  ASSERT_TRUE(audit.isOk()) << audit.status().message();
  EXPECT_EQ(audit.value().format, "csv");
  EXPECT_EQ(audit.value().store.data_dir, "/srv/pumpcds");
  auto serve = parseConfig({"serve", "--config", path}, {});
  ASSERT_FALSE(serve.isOk()) << "serve does read the port, and it is wrong";
  EXPECT_NE(serve.status().message().find("port: expected a whole number"), std::string::npos);
  std::remove(path.c_str());
  auto flag = parseConfig({"policies", "--port", "9000"}, {});
  ASSERT_FALSE(flag.isOk());
  EXPECT_EQ(flag.status().message(), "--port goes with serve, not 'policies'; see pumpcds policies --help");
}

TEST(Config, TheStoreDefaultsToTheUsersStateDirectory) {
  EXPECT_EQ(parseConfig({"serve"}, {"HOME=/home/ann"}).value().store.data_dir,
            "/home/ann/.local/state/pumpcds");
  EXPECT_EQ(parseConfig({"serve"}, {"HOME=/home/ann", "XDG_STATE_HOME=/state"}).value().store.data_dir,
            "/state/pumpcds");
  EXPECT_EQ(parseConfig({"serve"}, {}).value().store.data_dir, "/var/lib/pumpcds");
  EXPECT_EQ(parseConfig({"serve"}, {"PUMPCDS_DATA_DIR=/data"}).value().store.data_dir, "/data");
  EXPECT_EQ(parseConfig({"serve", "--database", "postgres://db/pumpcds"}, {}).value().store.database,
            "postgres://db/pumpcds");
  auto mysql = parseConfig({"serve"}, {"PUMPCDS_DATABASE=mysql://app:hunter2@db/pumpcds"});
  ASSERT_FALSE(mysql.isOk());
  EXPECT_NE(mysql.status().message().find("expected sqlite:PATH, postgres://"), std::string::npos);
  EXPECT_EQ(mysql.status().message().find("hunter2"), std::string::npos)
      << "a URL's password is never echoed";
}

TEST(Config, UnknownConfigFileKeyIsNamed) {
  const std::string path = ::testing::TempDir() + "pumpcds-bad-config.json";
  std::ofstream(path) << R"({"prot": 9000})";
  auto config = parseConfig({"serve", "--config", path}, {});
  ASSERT_FALSE(config.isOk());
  EXPECT_NE(config.status().message().find("unknown key 'prot'"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Options, EachFlagAndKeyIsDeclaredOnce) {
  std::set<std::string_view> flags;
  std::set<std::string_view> keys;
  for (const auto& option : optionSpecs()) {
    EXPECT_TRUE(flags.insert(option.flag).second) << option.flag << " is declared twice";
    EXPECT_TRUE(option.key.empty() || keys.insert(option.key).second) << option.key << " is declared twice";
    EXPECT_NE(option.commands, 0U) << option.flag << " belongs to no command";
    EXPECT_FALSE(option.help.empty()) << option.flag << " has no help";
  }
}

TEST(Options, EachCommandsHelpListsExactlyItsOptions) {
  for (const auto& command : commandSpecs()) {
    const std::string help = usage(std::string(command.name));
    SCOPED_TRACE(command.name);
    EXPECT_EQ(help.rfind("usage: pumpcds " + std::string(command.name), 0), 0U) << help;
    for (const auto& option : optionSpecs()) {
      if (option.flag == "--help") {
        continue;
      }
      const bool listed = help.find("  " + std::string(option.flag) + " ") != std::string::npos ||
                          help.find("  " + std::string(option.flag) + "\n") != std::string::npos;
      EXPECT_EQ(listed, (option.commands & command.bit) != 0) << option.flag << " in:\n" << help;
    }
  }
}

TEST(Options, AFlagGivenToACommandItDoesNotBelongToSaysWhereItGoes) {
  for (const auto& option : optionSpecs()) {
    for (const auto& command : commandSpecs()) {
      if ((option.commands & command.bit) != 0) {
        continue;
      }
      std::vector<std::string> arguments = {std::string(command.name), std::string(option.flag)};
      if (!option.value_name.empty()) {
        arguments.emplace_back("x");
      }
      auto config = parseConfig(arguments, {});
      ASSERT_FALSE(config.isOk()) << option.flag << " accepted by " << command.name;
      EXPECT_EQ(config.status().message(),
                std::string(option.flag) + " goes with " + commandList(option.commands) + ", not '" +
                    std::string(command.name) + "'; see pumpcds " + std::string(command.name) + " --help");
    }
  }
}

TEST(Options, EveryKeyIsAlsoItsEnvironmentVariable) {
  // PUMPCDS_PORT=9000 and {"port": 9000} say the same; a bad value names the variable.
  auto config = parseConfig({"serve"}, {"PUMPCDS_FHIR_MAX_PAGES=7", "PUMPCDS_ADMIN_HOST=127.0.0.2"});
  ASSERT_TRUE(config.isOk()) << config.status().message();
  EXPECT_EQ(config.value().fhir.max_pages, 7);
  EXPECT_EQ(config.value().server.admin_host, "127.0.0.2");
  EXPECT_EQ(environmentVariable("fhir_ca_file"), "PUMPCDS_FHIR_CA_FILE");
}

TEST(Options, TheDocsOptionsTableIsTheGeneratedOne) {
  std::ifstream stream(std::string(PUMPCDS_SOURCE_DIR) + "/docs/configuration.md");
  std::ostringstream text;
  text << stream.rdbuf();
  const std::string docs = text.str();
  const std::string begin = "<!-- options: begin -->\n";
  const std::string end = "<!-- options: end -->";
  const auto from = docs.find(begin);
  const auto to = docs.find(end);
  ASSERT_NE(from, std::string::npos) << "docs/configuration.md has no " << begin;
  ASSERT_NE(to, std::string::npos) << "docs/configuration.md has no " << end;
  EXPECT_EQ(docs.substr(from + begin.size(), to - from - begin.size()), optionsTable())
      << "docs/configuration.md's table is out of date: replace it with `build/cli/pumpcds help options`";
}

} // namespace
} // namespace pumpcds::cli
