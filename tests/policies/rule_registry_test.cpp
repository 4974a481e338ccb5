// The registry of rule kinds and the named rules: a kind is declared once and documented, named rules
// resolve by name with clear errors, and the five policies write no shared tree out twice.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <rapidjson/document.h>

#include "library/policy_library.h"
#include "policies/rules.h"

namespace pumpcds::policy {
namespace {

std::vector<LibraryFile> bundledWith(const std::vector<LibraryFile>& changes) {
  auto files = bundledLibraryFiles();
  for (const auto& change : changes) {
    bool replaced = false;
    for (auto& file : files) {
      if (file.path == change.path) {
        file.text = change.text;
        replaced = true;
      }
    }
    if (!replaced) {
      files.push_back(change);
    }
  }
  return files;
}

std::string loadError(const std::vector<LibraryFile>& files) {
  auto library = PolicyLibrary::load(files);
  EXPECT_FALSE(library.isOk());
  return library.isOk() ? std::string() : library.status().message();
}

std::string readSource(const std::string& relative) {
  std::ifstream stream(std::string(PUMPCDS_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// A policy whose single criterion's rule is `rule`, routed from payor "Acme".
std::vector<LibraryFile> withAcmePolicy(const std::string& rule, std::vector<LibraryFile> more = {}) {
  more.push_back({"acme/acme.json", R"({"id": "acme", "title": "t", "publisher": "Acme", "citation": "A-1",
    "version": "1", "url": "https://acme.example", "effective": {"start": "2025-01-01"}, "kinds": ["trial"],
    "origin": {"malignant_value_sets": ["malignant-origin"]},
    "criteria": [{"label": "1", "short": "s", "text": "t", "document": "d", "rule": )" +
                                        rule + "}]}"});
  return more;
}

TEST(RuleRegistry, AnUnknownKindNamesEveryKindTheRegistryHas) {
  const std::string error = loadError(bundledWith(withAcmePolicy(R"({"hass": {}})")));
  EXPECT_NE(error.find("acme/acme.json: /criteria/0/rule/hass: unknown rule kind 'hass'"), std::string::npos)
      << error;
  for (const RuleKind* kind : ruleKinds()) {
    EXPECT_NE(error.find(std::string(kind->name)), std::string::npos)
        << kind->name << " missing from: " << error;
  }
  EXPECT_NE(error.find("order_is"), std::string::npos);
  EXPECT_NE(error.find("opioid_weaning"), std::string::npos);
}

TEST(RuleRegistry, EveryKindIsDocumentedInTheLibraryReadme) {
  const std::string readme = readSource("policies/library/README.md");
  ASSERT_FALSE(readme.empty());
  for (const RuleKind* kind : ruleKinds()) {
    EXPECT_NE(readme.find("| `" + std::string(kind->name) + "`"), std::string::npos)
        << "policies/library/README.md has no row for rule kind " << kind->name;
  }
}

TEST(RuleRegistry, AKindReportsItsOwnParameterErrors) {
  const std::string error = loadError(bundledWith(withAcmePolicy(
      R"({"latest_value": {"value_sets": ["bmi"], "looks_for": "a BMI", "within_months": 0, "colour": 1}})")));
  EXPECT_NE(error.find("acme/acme.json: /criteria/0/rule/latest_value/colour: unknown key"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("/criteria/0/rule/latest_value: give \"below\" or \"at_least\""), std::string::npos)
      << error;
  EXPECT_NE(error.find("/criteria/0/rule/latest_value/within_months"), std::string::npos) << error;
}

TEST(NamedRules, AUseResolvesToTheSharedTree) {
  std::string routing;
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path == "routing.json") {
      routing = file.text;
    }
  }
  routing.insert(routing.find('[') + 1, R"({"policy": "acme", "role": "medical", "payor_names": ["Acme"]},)");
  auto library = PolicyLibrary::load(
      bundledWith(withAcmePolicy(R"({"use": "body-size-adequate"})", {{"routing.json", routing}})));
  ASSERT_TRUE(library.isOk()) << library.status().message();
  const Policy* acme = library.value()->find("acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->criteria[0].rule.get(), library.value()->namedRule("body-size-adequate"))
      << "one shared tree, not a copy";
  EXPECT_NE(std::find(acme->read_types.begin(), acme->read_types.end(), "Observation"),
            acme->read_types.end())
      << "what a named rule reads counts for the policy that uses it";
}

TEST(NamedRules, AnUnknownNameIsRefusedWhereItIsUsed) {
  const std::string error = loadError(bundledWith(withAcmePolicy(R"({"use": "body-size-adequat"})")));
  EXPECT_NE(error.find("acme/acme.json: /criteria/0/rule/use: unknown named rule 'body-size-adequat'"),
            std::string::npos)
      << error;
}

TEST(NamedRules, ARuleThatUsesItselfIsRefused) {
  const std::string error = loadError(bundledWith({{"rules/loop.json", R"({"description": "d", "rules": {
      "ping": {"description": "d", "rule": {"not": {"use": "pong"}}},
      "pong": {"description": "d", "rule": {"not": {"use": "ping"}}}}})"}}));
  EXPECT_NE(error.find("named rule 'ping' uses itself"), std::string::npos) << error;
}

TEST(NamedRules, ANameDefinedTwiceAndABrokenUnusedRuleAreRefused) {
  const std::string error = loadError(bundledWith({{"rules/more.json", R"({"description": "d", "rules": {
      "body-size-adequate": {"description": "d", "rule": {"documented": {"looks_for": "x"}}},
      "never-used": {"description": "d", "rule": {"has": {"types": ["Condition"], "looks_for": "x"}}}}})"}}));
  EXPECT_NE(error.find("rules/more.json: /rules/body-size-adequate: the rule name 'body-size-adequate' is "
                       "already defined in rules/common.json"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("rules/more.json: /rules/never-used/rule/has/value_sets: missing"), std::string::npos)
      << error;
}

// Canonical text of a rule tree (members sorted), and its number of rules.
std::string canonical(const rapidjson::Value& value) {
  if (value.IsObject()) {
    std::map<std::string, std::string> members;
    for (const auto& member : value.GetObject()) {
      members[member.name.GetString()] = canonical(member.value);
    }
    std::string out = "{";
    for (const auto& [name, text] : members) {
      out += "\"" + name + "\":" + text + ",";
    }
    return out + "}";
  }
  if (value.IsArray()) {
    std::string out = "[";
    for (const auto& item : value.GetArray()) {
      out += canonical(item) + ",";
    }
    return out + "]";
  }
  if (value.IsString()) {
    return "\"" + std::string(value.GetString()) + "\"";
  }
  return value.IsNumber() ? std::to_string(value.GetDouble())
         : value.IsBool() ? (value.GetBool() ? "t" : "f")
                          : "n";
}

int walk(const rapidjson::Value& rule, const std::string& file,
         std::map<std::string, std::set<std::string>>& seen) {
  if (!rule.IsObject() || rule.MemberCount() != 1) {
    return 0;
  }
  const auto& only = *rule.MemberBegin();
  const std::string kind = only.name.GetString();
  int size = 1;
  if (kind == "all" || kind == "any" || kind == "first_known") {
    for (const auto& child : only.value.GetArray()) {
      size += walk(child, file, seen);
    }
  } else if (kind == "not") {
    size += walk(only.value, file, seen);
  }
  if (size >= 3) {
    seen[canonical(rule)].insert(file);
  }
  return size;
}

TEST(NamedRules, NoTreeOfThreeOrMoreRulesIsWrittenOutInTwoPolicyFiles) {
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path.find('/') == std::string::npos || file.path.rfind("valuesets/", 0) == 0 ||
        file.path.rfind("rules/", 0) == 0 || file.path.find("_test.json") != std::string::npos) {
      continue;
    }
    rapidjson::Document policy;
    policy.Parse(file.text.c_str());
    for (const auto& criterion : policy["criteria"].GetArray()) {
      walk(criterion["rule"], file.path, seen);
    }
  }
  ASSERT_FALSE(seen.empty()) << "no policy trees found";
  for (const auto& [tree, files] : seen) {
    EXPECT_EQ(files.size(), 1U) << "written out in " << files.size()
                                << " policy files; make it a named rule in rules/common.json: " << tree;
  }
}

} // namespace
} // namespace pumpcds::policy
