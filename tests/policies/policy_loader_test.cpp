// A broken policy library is refused with the file, the location and the reason of every problem.
#include <gtest/gtest.h>

#include "library/policy_library.h"

namespace pumpcds::policy {
namespace {

std::vector<LibraryFile> bundledWith(const std::string& path, const std::string& text) {
  auto files = bundledLibraryFiles();
  bool replaced = false;
  for (auto& file : files) {
    if (file.path == path) {
      file.text = text;
      replaced = true;
    }
  }
  if (!replaced) {
    files.push_back({path, text});
  }
  return files;
}

std::string loadError(const std::vector<LibraryFile>& files) {
  auto library = PolicyLibrary::load(files);
  EXPECT_FALSE(library.isOk());
  return library.isOk() ? std::string() : library.status().message();
}

TEST(PolicyLibrary, BundledLibraryLoadsAndHasMm1369) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk()) << library.status().message();
  const Policy* policy = library.value()->find("caresource-nc-mm-1369");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->effective_start.toString(), "2025-06-01");
  EXPECT_FALSE(policy->effective_end);
  EXPECT_TRUE(policy->inForce(*fhir::Date::parse("2025-06-01")));
  EXPECT_FALSE(policy->inForce(*fhir::Date::parse("2025-05-31")));
  EXPECT_EQ(library.value()->revision().size(), 64u);
}

TEST(PolicyLibrary, SyntaxErrorNamesFileLineAndColumn) {
  const std::string error = loadError(bundledWith("acme/broken.json", "{\n  \"id\": \"x\",\n  oops\n}"));
  EXPECT_NE(error.find("acme/broken.json: line 3, column 3"), std::string::npos) << error;
}

TEST(PolicyLibrary, EveryProblemOfAPolicyIsListedWithItsPointer) {
  const std::string error = loadError(bundledWith("acme/bad.json", R"({
    "id": "acme-bad", "title": "t", "publisher": "p", "citation": "c", "version": "1", "url": "u",
    "effective": {"start": "2025-13-01"}, "kinds": ["trial", "refill"], "colour": "red",
    "origin": {"malignant_value_sets": ["malignant-origin"]},
    "criteria": [
      {"label": "A", "short": "s", "text": "t", "document": "d",
       "rule": {"has": {"types": ["Condition"], "value_sets": ["no-such-set"], "looks_for": "x"}}},
      {"label": "A", "short": "s", "text": "t", "document": "d", "rule": {"maybe": {}}},
      {"label": "B", "short": "s", "text": "t", "document": "d",
       "rule": {"therapy_duration": {"types": ["Procedure"], "value_sets": ["physical-therapy"], "looks_for": "x"}}}
    ]})"));
  for (const char* expected :
       {"acme/bad.json: /effective/start: expected a date YYYY-MM-DD",
        "acme/bad.json: /kinds/1: unknown value 'refill'", "acme/bad.json: /colour: unknown key",
        "acme/bad.json: /criteria/0/rule/has/value_sets/0: unknown value set 'no-such-set'",
        "acme/bad.json: /criteria/1/label: label 'A' is used twice",
        "acme/bad.json: /criteria/1/rule/maybe: unknown rule kind 'maybe'",
        "acme/bad.json: /criteria/2/rule/therapy_duration/min_months: missing"}) {
    EXPECT_NE(error.find(expected), std::string::npos) << "expected: " << expected << "\nin:\n" << error;
  }
}

TEST(PolicyLibrary, RoutingToAnUnknownPolicyIsRefused) {
  const std::string error =
      loadError(bundledWith("routing.json", R"({"routes":[{"policy":"nobody","payor_names":["X"]}]})"));
  EXPECT_NE(error.find("routing.json: /routes/0/policy: unknown policy 'nobody'"), std::string::npos)
      << error;
}

TEST(PolicyLibrary, APolicyNoRoutePointsToIsRefused) {
  auto files = bundledLibraryFiles();
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path == "noridian/noridian-a55239.json") {
      std::string text = file.text;
      text.replace(text.find("noridian-a55239"), 15, "noridian-orphan");
      files.push_back({"copy/orphan.json", text});
    }
  }
  EXPECT_NE(loadError(files).find("copy/orphan.json: /id: no route in routing.json points to policy "
                                  "'noridian-orphan'"),
            std::string::npos);
}

TEST(PolicyLibrary, BadOverrideReasonsAreRefusedAndMissingCardsJsonIsNamed) {
  const std::string error = loadError(bundledWith("cards.json", R"({"override_reasons": [
      {"code": "declined", "display": "Patient declined"}, {"code": "declined", "display": "Again"},
      {"code": "x"}]})"));
  EXPECT_NE(error.find("cards.json: /override_reasons/1/code: code 'declined' is used twice"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("cards.json: /override_reasons/2/display: missing"), std::string::npos) << error;
  auto files = bundledLibraryFiles();
  std::erase_if(files, [](const LibraryFile& file) { return file.path == "cards.json"; });
  EXPECT_NE(loadError(files).find("cards.json: missing from the library"), std::string::npos);
}

TEST(PolicyLibrary, DuplicatePolicyIdIsRefused) {
  auto files = bundledLibraryFiles();
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path == "caresource/caresource-nc-mm-1369.json") {
      files.push_back({"copy/again.json", file.text});
    }
  }
  EXPECT_NE(loadError(files).find("copy/again.json: /id: policy id 'caresource-nc-mm-1369' is already used"),
            std::string::npos);
}

std::string bundledText(const std::string& path) {
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path == path) {
      return file.text;
    }
  }
  return {};
}

TEST(PolicyLibrary, ASuggestionMustOrderWhatItsCriteriaLookForAndBeKnownToThem) {
  std::string cards = bundledText("cards.json");
  cards.replace(cards.find("69739-1"), 7, "2345-7"); // glucose, not a drug test
  EXPECT_NE(
      loadError(bundledWith("cards.json", cards))
          .find("cards.json: /suggestions/0/code: code 2345-7 is not in value set 'urine-drug-screen-all'"),
      std::string::npos);
  const std::string path = "caresource/caresource-nc-mm-1369.json";
  std::string policy = bundledText(path);
  policy.replace(policy.find("\"urine-drug-screen\""), 19, "\"urine-drug-scren\"");
  const std::string error = loadError(bundledWith(path, policy));
  EXPECT_NE(error.find(path + ": /criteria/"), std::string::npos) << error;
  EXPECT_NE(error.find("/suggestions/0: unknown suggestion 'urine-drug-scren'"), std::string::npos) << error;
}

TEST(PolicyLibrary, CardTextMustNameKnownValuesAndLeaveNoIdOut) {
  std::string cards = bundledText("cards.json");
  cards.replace(cards.find("{order}: {policy} needs {needs}"), 31, "{order}: {polcy} needs {needs}");
  std::string error = loadError(bundledWith("cards.json", cards));
  EXPECT_NE(error.find("cards.json: /text/summary.needs: unknown value {polcy}; this text may use {order}, "
                       "{policy}, {needs}"),
            std::string::npos)
      << error;
  cards = bundledText("cards.json");
  cards.replace(cards.find("\"summary.complete\""), 18, "\"summary.completed\"");
  error = loadError(bundledWith("cards.json", cards));
  EXPECT_NE(error.find("cards.json: /text/summary.completed: unknown card text 'summary.completed'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("cards.json: /text: missing card text 'summary.complete'"), std::string::npos)
      << error;
}

TEST(PolicyLibrary, AShortNameWithACommaIsRefusedBecauseItReadsAsTwoItems) {
  const std::string path = "noridian/noridian-a55239.json";
  std::string policy = bundledText(path);
  policy.replace(policy.find("chronic pain and life >= 3 months"), 33, "chronic pain, life >= 3 months");
  const std::string error = loadError(bundledWith(path, policy));
  EXPECT_NE(error.find("/short: no commas or semicolons"), std::string::npos) << error;
}

} // namespace
} // namespace pumpcds::policy
