// The case runner is strict: a case that names a wrong key, skips the decision, leaves a criterion
// unjudged without saying so, or names a criterion that does not exist fails instead of passing quietly.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "policy_cases/policy_test_runner.h"

namespace pumpcds::policy_cases {
namespace {

class PolicyTestRunnerTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto loaded = policy::PolicyLibrary::loadBundled();
    ASSERT_TRUE(loaded.isOk()) << loaded.status().message();
    library_ = new policy::PolicyLibrary::Ptr(loaded.value());
  }
  static void TearDownTestSuite() { delete library_; }

  // A case file for Noridian A55239 whose single case is `case_json`, from the file's "trial" patient
  // (who meets every criterion of a trial).
  static std::vector<PolicyCaseResult> run(const std::string& case_json) {
    std::string file_text;
    for (const auto& file : policyTestFiles(policy::bundledLibraryFiles())) {
      if (file.path == "noridian/noridian-a55239_test.json") {
        file_text = file.text;
      }
    }
    rapidjson::Document document;
    document.Parse(file_text.c_str());
    rapidjson::Document replacement;
    replacement.Parse(case_json.c_str());
    EXPECT_FALSE(replacement.HasParseError()) << case_json;
    auto& cases = document["cases"];
    cases.Clear();
    cases.PushBack(rapidjson::Value(replacement, document.GetAllocator()), document.GetAllocator());
    return runPolicyTests(*library_, {{"noridian/noridian-a55239_test.json", fhir::jsonText(document)}});
  }

  static std::string failures(const std::vector<PolicyCaseResult>& results) {
    std::string text;
    for (const auto& result : results) {
      for (const auto& failure : result.failures) {
        text += failure + "\n";
      }
    }
    return text;
  }

  static policy::PolicyLibrary::Ptr* library_;
};
policy::PolicyLibrary::Ptr* PolicyTestRunnerTest::library_ = nullptr;

TEST_F(PolicyTestRunnerTest, ACompleteCasePasses) {
  const auto results =
      run(R"({"note": "all met", "patient": "trial", "expect": {"decision": "complete", "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Pass) << failures(results);
}

TEST_F(PolicyTestRunnerTest, AMisspelledExpectKeyIsAnErrorNotAPass) {
  const auto results =
      run(R"({"note": "typo", "patient": "trial", "expect": {"decison": "not-covered", "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Error);
  const std::string text = failures(results);
  EXPECT_NE(text.find("/cases/0/expect/decison: unknown key"), std::string::npos) << text;
  EXPECT_NE(text.find("/cases/0/expect/decision: missing"), std::string::npos) << text;
}

TEST_F(PolicyTestRunnerTest, AMisspelledCaseKeyIsAnError) {
  const auto results = run(R"({"note": "typo", "patient": "trial", "remvoe": ["Condition/x"],
                              "expect": {"decision": "complete", "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Error);
  EXPECT_NE(failures(results).find("/cases/0/remvoe: unknown key"), std::string::npos) << failures(results);
}

TEST_F(PolicyTestRunnerTest, ACriterionTheCaseDoesNotJudgeFailsUnlessListedAsOpen) {
  auto results = run(R"({"note": "partial", "patient": "trial",
                         "expect": {"decision": "complete", "criteria": {"coverage.opioid": "met"}}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Fail);
  EXPECT_NE(failures(results).find("noridian-a55239/coverage.route (met)"), std::string::npos)
      << failures(results);

  results = run(R"({"note": "partial, said so", "patient": "trial",
                    "expect": {"decision": "complete", "criteria": {"coverage.opioid": "met"},
                               "open": ["coverage.route", "coverage.life-expectancy", "coverage.unresponsive",
                                        "necessity.route-required", "necessity.oral-failed",
                                        "necessity.pump-required", "necessity.dose-expected",
                                        "specialist-evaluation", "noninvasive-history",
                                        "contraindication.drug-allergy", "contraindication.infection",
                                        "contraindication.body-size"]}})");
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Pass) << failures(results);
}

TEST_F(PolicyTestRunnerTest, ALabelThatIsNoCriterionFails) {
  const auto results = run(R"({"note": "typo in a label", "patient": "trial",
                               "expect": {"decision": "complete", "criteria": {"coverage.opiod": "met"},
                                          "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Fail);
  EXPECT_NE(failures(results).find("'coverage.opiod' is not a criterion of noridian-a55239"),
            std::string::npos)
      << failures(results);
}

TEST_F(PolicyTestRunnerTest, AWrongDecisionFails) {
  const auto results =
      run(R"({"note": "wrong", "patient": "trial", "expect": {"decision": "not-covered", "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Fail);
  EXPECT_NE(failures(results).find("decision: expected not-covered, got complete"), std::string::npos);
}

TEST_F(PolicyTestRunnerTest, EveryOrderOfACaseIsChecked) {
  // A trial and a removal in one request: the removal has no criteria in A55239 (no-policy), so one
  // expectation for both fails on the second order, and one per order passes.
  auto results = run(R"({"note": "two orders", "patient": "trial", "orders": ["62327", "62365"],
                         "expect": {"decision": "complete", "others": "met"}})");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Fail);
  EXPECT_NE(failures(results).find("decision: expected complete, got no-policy"), std::string::npos)
      << failures(results);

  results = run(R"({"note": "two orders", "patient": "trial", "orders": ["62327", "62365"],
                    "expect": [{"decision": "complete", "others": "met"},
                               {"decision": "no-policy", "kind": "removal"}]})");
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Pass) << failures(results);
}

TEST_F(PolicyTestRunnerTest, ANamedRuleWithoutCasesIsReported) {
  auto test_files = policyTestFiles(policy::bundledLibraryFiles());
  EXPECT_TRUE(namedRulesWithoutCases(**library_, test_files).empty()) << "every bundled named rule has cases";
  for (auto& file : test_files) {
    if (file.path == "rules/common_test.json") {
      // Keep every case but those of body-size-adequate.
      rapidjson::Document document;
      document.Parse(file.text.c_str());
      auto& cases = document["cases"];
      for (auto it = cases.Begin(); it != cases.End();) {
        it = std::string((*it)["rule"].GetString()) == "body-size-adequate" ? cases.Erase(it) : it + 1;
      }
      file.text = fhir::jsonText(document);
    }
  }
  const auto uncovered = namedRulesWithoutCases(**library_, test_files);
  ASSERT_EQ(uncovered.size(), 1U);
  EXPECT_EQ(uncovered[0].file, "rules/common.json");
  EXPECT_NE(uncovered[0].failures.at(0).find("named rule 'body-size-adequate' has no case"),
            std::string::npos);
}

TEST_F(PolicyTestRunnerTest, ANamedRuleCaseChecksTruthAndEvidence) {
  const std::string cases =
      R"({"patients": {"p": {"as_of": "2025-11-20", "none": ["Condition", "Observation"]}},
    "cases": [
      {"note": "BMI 17", "patient": "p", "rule": "body-size-adequate",
       "add": [{"resourceType": "Observation", "id": "bmi", "status": "final", "effectiveDateTime": "2025-09-01",
                "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]},
                "valueQuantity": {"value": 17}}],
       "expect": {"truth": "false", "evidence": ["Observation/bmi"]}},
      {"note": "wrongly expected true", "patient": "p", "rule": "body-size-adequate", "expect": {"truth": "true"}},
      {"note": "no such rule", "patient": "p", "rule": "body-size", "expect": {"truth": "true"}},
      {"note": "a truth that does not exist", "patient": "p", "rule": "body-size-adequate", "expect": {"truth": "yes"}}]})";
  auto results = runPolicyTests(*library_, {{"rules/extra_test.json", cases}});
  ASSERT_EQ(results.size(), 1U) << "a format error stops the file";
  EXPECT_NE(failures(results).find("/cases/3/expect/truth: 'yes'"), std::string::npos) << failures(results);

  std::string valid = cases;
  valid.erase(valid.find(R"(,
      {"note": "a truth)"),
              std::string::npos);
  valid += "]}";
  results = runPolicyTests(*library_, {{"rules/extra_test.json", valid}});
  ASSERT_EQ(results.size(), 3U) << failures(results);
  EXPECT_EQ(results[0].outcome, PolicyCaseResult::Outcome::Pass) << failures(results);
  EXPECT_EQ(results[1].outcome, PolicyCaseResult::Outcome::Fail);
  EXPECT_NE(results[1].failures.at(0).find("truth: expected true, got unknown"), std::string::npos);
  EXPECT_EQ(results[2].outcome, PolicyCaseResult::Outcome::Error);
  EXPECT_NE(results[2].failures.at(0).find("unknown named rule 'body-size'"), std::string::npos);
}

} // namespace
} // namespace pumpcds::policy_cases
