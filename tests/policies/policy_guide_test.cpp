// The "add a policy" guide in policies/library/README.md works as written: its example files, taken from
// the README itself, pass their schemas, load beside the bundled library, and every example case passes.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "library/policy_library.h"
#include "policy_cases/policy_test_runner.h"
#include "tests/support/library_schemas.h"

namespace pumpcds::policy {
namespace {

// The README's example blocks: "<!-- example: NAME -->" followed by a ```json block, by NAME.
std::map<std::string, std::string> guideExamples() {
  std::ifstream stream(std::string(PUMPCDS_SOURCE_DIR) + "/policies/library/README.md");
  std::ostringstream text;
  text << stream.rdbuf();
  const std::string readme = text.str();
  std::map<std::string, std::string> examples;
  const std::string marker = "<!-- example: ";
  for (size_t at = readme.find(marker); at != std::string::npos; at = readme.find(marker, at + 1)) {
    const size_t name_end = readme.find(" -->", at);
    const size_t open = readme.find("```json\n", name_end);
    const size_t close = readme.find("\n```", open + 8);
    if (name_end == std::string::npos || open == std::string::npos || close == std::string::npos) {
      break;
    }
    examples[readme.substr(at + marker.size(), name_end - at - marker.size())] =
        readme.substr(open + 8, close - open - 8);
  }
  return examples;
}

TEST(PolicyGuide, TheExamplePolicyLoadsAndItsCasesPass) {
  const auto examples = guideExamples();
  ASSERT_EQ(examples.size(), 3U) << "the guide's three example blocks";
  const std::string& policy = examples.at("acme/acme-ip-100.json");
  const std::string& route = examples.at("routing.json route");
  const std::string& cases = examples.at("acme/acme-ip-100_test.json");

  testing::Schemas schemas;
  EXPECT_EQ(testing::validate(schemas, "policy.schema.json", policy), "");
  EXPECT_EQ(testing::validate(schemas, "cases.schema.json", cases), "");
  EXPECT_EQ(testing::validate(schemas, "routing.schema.json", R"({"routes": [)" + route + "]}"), "");

  // Step 4: the route goes first in routing.json.
  auto files = bundledLibraryFiles();
  for (auto& file : files) {
    if (file.path == "routing.json") {
      const size_t list = file.text.find("\"routes\": [");
      ASSERT_NE(list, std::string::npos);
      file.text.insert(list + 11, route + ",");
    }
  }
  files.push_back({"acme/acme-ip-100.json", policy});
  auto library = PolicyLibrary::load(files);
  ASSERT_TRUE(library.isOk()) << library.status().message();
  ASSERT_NE(library.value()->find("acme-ip-100"), nullptr);

  const auto results = policy_cases::runPolicyTests(library.value(), {{"acme/acme-ip-100_test.json", cases}});
  EXPECT_EQ(results.size(), 5U);
  for (const auto& result : results) {
    std::string why;
    for (const auto& failure : result.failures) {
      why += "\n  " + failure;
    }
    EXPECT_EQ(result.outcome, policy_cases::PolicyCaseResult::Outcome::Pass) << result.note << why;
  }
}

TEST(PolicyGuide, WithoutItsRouteTheExamplePolicyIsRefused) {
  auto files = bundledLibraryFiles();
  files.push_back({"acme/acme-ip-100.json", guideExamples().at("acme/acme-ip-100.json")});
  auto library = PolicyLibrary::load(files);
  ASSERT_FALSE(library.isOk());
  EXPECT_NE(library.status().message().find("no route in routing.json points to policy 'acme-ip-100'"),
            std::string::npos);
}

} // namespace
} // namespace pumpcds::policy
