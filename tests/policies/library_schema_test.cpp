// The JSON Schemas in policies/schema describe every library file (an editor can validate with them):
// every bundled file passes its schema, the schema knows exactly the registry's rule kinds, and what the
// loader refuses the schema refuses too.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cards/card_templates.h"
#include "library/policy_library.h"
#include "policies/rules.h"
#include "policy_cases/policy_test_runner.h"
#include "tests/support/library_schemas.h"

namespace pumpcds::policy {
namespace {

using testing::readSchemaText;
using testing::schemaFor;
using testing::Schemas;
using testing::validate;

std::string fileText(const std::string& path) {
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path == path) {
      return file.text;
    }
  }
  return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(LibrarySchema, EveryBundledFilePassesItsSchema) {
  Schemas schemas;
  size_t checked = 0;
  for (const auto& file : bundledLibraryFiles()) {
    EXPECT_EQ(validate(schemas, schemaFor(file.path), file.text), "") << file.path;
    ++checked;
  }
  EXPECT_GE(checked, 15U);
}

TEST(LibrarySchema, KnowsExactlyTheRegistrysRuleKinds) {
  rapidjson::Document policy;
  policy.Parse(readSchemaText("policy.schema.json").c_str());
  std::set<std::string> in_schema;
  for (const auto& kind : policy["definitions"]["rule"]["properties"].GetObject()) {
    in_schema.insert(kind.name.GetString());
  }
  std::set<std::string> registered;
  for (const RuleKind* kind : ruleKinds()) {
    registered.insert(std::string(kind->name));
  }
  EXPECT_EQ(in_schema, registered);
}

TEST(LibrarySchema, KnowsExactlyTheCardTextIds) {
  rapidjson::Document cards;
  cards.Parse(readSchemaText("cards.schema.json").c_str());
  std::set<std::string> in_schema;
  for (const auto& id : cards["properties"]["text"]["properties"].GetObject()) {
    in_schema.insert(id.name.GetString());
  }
  std::set<std::string> known;
  for (const auto& [id, values] : cards::CardTemplates::known()) {
    known.insert(id);
  }
  EXPECT_EQ(in_schema, known);
}

TEST(LibrarySchema, RefusesWhatTheLoaderRefuses) {
  Schemas schemas;
  const std::string policy = fileText("centene/centene-cp-mp-173.json");
  const struct {
    const char* what;
    std::string text;
  } broken[] = {
      {"unknown rule kind", replaced(policy, R"("documented": {)", R"("documentd": {)")},
      {"rule without looks_for",
       replaced(policy, R"("looks_for": "a life expectancy)", R"("look_for": "a life expectancy)")},
      {"unknown policy key", replaced(policy, R"("title":)", R"("colour": "red", "title":)")},
      {"unknown order kind", replaced(policy, R"("kinds": [)", R"("kinds": ["refill", )")},
      {"two kinds in one rule", replaced(policy, R"("use": "pain-pathology-identified")",
                                         R"("use": "pain-pathology-identified", "not": {"use": "x"})")},
      {"unknown named rule", replaced(policy, R"("use": "pain-pathology-identified")", R"("use": 7)")},
  };
  for (const auto& bad : broken) {
    EXPECT_NE(validate(schemas, "policy.schema.json", bad.text), "") << "the schema accepts: " << bad.what;
    std::vector<LibraryFile> files = bundledLibraryFiles();
    for (auto& file : files) {
      if (file.path == "centene/centene-cp-mp-173.json") {
        file.text = bad.text;
      }
    }
    EXPECT_FALSE(PolicyLibrary::load(files).isOk()) << "the loader accepts: " << bad.what;
  }
  const std::string cases = fileText("noridian/noridian-a55239_test.json");
  const std::string typo = replaced(cases, R"("decision":)", R"("decison":)");
  EXPECT_NE(validate(schemas, "cases.schema.json", typo), "") << "the schema accepts a misspelled expect key";
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const auto results =
      policy_cases::runPolicyTests(library.value(), {{"noridian/noridian-a55239_test.json", typo}});
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.front().outcome, policy_cases::PolicyCaseResult::Outcome::Error)
      << "the runner accepts it";
}

} // namespace
} // namespace pumpcds::policy
