// Every response pumpcds gives for the library's policy cases (every policy, complete and with gaps,
// contraindications, no policy, prior authorization only, several orders) is a CDS Hooks 2.0 response an
// EHR can read, with readable card text and valid CRD coverage information.
#include <gtest/gtest.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "policy_cases/policy_test_runner.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/synthea_request.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

using policy_cases::policyCaseRequests;
using policy_cases::policyTestFiles;

TEST(ResponseConformance, EveryPolicyCaseAndASyntheaRecordGetAConformingResponse) {
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  std::vector<std::pair<std::string, std::string>> requests;
  for (const auto& request :
       policyCaseRequests(*library.value(), policyTestFiles(policy::bundledLibraryFiles()))) {
    requests.emplace_back(request.file + "#" + std::to_string(request.index) + " " + request.note,
                          request.request_json);
  }
  requests.emplace_back(
      "Synthea", testing::syntheaRequest(
                     testing::readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json"),
                     "Ambetter Health"));
  ASSERT_GT(requests.size(), 150U);
  size_t cards = 0;
  for (const auto& [name, body] : requests) {
    auto outcome = service.handle("pumpcds-order-sign", body);
    ASSERT_TRUE(outcome.isOk()) << name << ": " << outcome.status().message();
    const auto problems = testing::cdsResponseProblems(outcome.value().response_json);
    for (const auto& problem : problems) {
      ADD_FAILURE() << name << ": " << problem;
    }
    cards += outcome.value().determination.orders.size();
  }
  EXPECT_GT(cards, 150U);
}

TEST(ResponseConformance, TheCheckerCatchesWhatAnEhrWouldReject) {
  const auto problems = testing::cdsResponseProblems(
      R"({"cards":[{"uuid":"not-a-uuid","summary":")" + std::string(150, 'x') +
      R"(","indicator":"urgent","detail":"see Procedure/abc","source":{"label":"x","url":"#"},
         "suggestions":[{"label":"order it"}]}]})");
  const std::string all = [&] {
    std::string text;
    for (const auto& problem : problems) {
      text += problem + "\n";
    }
    return text;
  }();
  for (const char* expected :
       {"/cards/0/uuid", "/cards/0/summary: 140 characters", "/cards/0/indicator",
        "/cards/0/detail: a bare FHIR id", "/cards/0/source/url", "/cards/0/selectionBehavior",
        "/cards/0/suggestions/0/uuid", "/cards/0/suggestions/0/actions"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " not in:\n" << all;
  }
  EXPECT_NE(testing::cdsResponseProblems(R"({"cards":null})").size(), 0U);
}

} // namespace
} // namespace pumpcds::hooks
