// A real generated record: a Synthea R4 patient's resources, served as the EHR's prefetch searchsets.
#include <map>

#include <gtest/gtest.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "tests/support/synthea_request.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

TEST(Synthea, GeneratedRecordIsReadAndJudgedOnWhatItHolds) {
  const std::string bundle =
      testing::readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
  ASSERT_FALSE(bundle.empty());
  auto library = policy::PolicyLibrary::loadBundled();
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", testing::syntheaRequest(bundle, "Ambetter Health"));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  ASSERT_EQ(outcome.value().determination.orders.size(), 1u);
  const auto& order = outcome.value().determination.orders.front();
  ASSERT_NE(order.policy, nullptr);
  EXPECT_EQ(order.policy->id, "centene-cp-mp-173");
  EXPECT_EQ(order.origin, policy::Origin::NonMalignant);
  std::map<std::string, std::string> status;
  std::map<std::string, std::vector<std::string>> evidence;
  for (const auto& result : order.criteria) {
    status[result.criterion->label] = std::string(policy::toString(result.status));
    evidence[result.criterion->label] = result.evidence;
  }
  // Chronic pain (SNOMED 82423001) since 2011 shows the pain, not its pathology: as for MM-1369 IV.C,
  // the pathology needs documenting.
  EXPECT_EQ(status["I.B.1"], "missing");
  EXPECT_TRUE(evidence["I.B.1"].empty());
  // Conditions were read and hold no substance use disorder or infection.
  EXPECT_EQ(status["I.B.5"], "met");
  EXPECT_EQ(status["I.B.9"], "met");
  // Her one oxycodone prescription was in 2011: nothing in the 12 months before the order to weigh.
  EXPECT_EQ(status["I.B.10"], "missing");
  EXPECT_EQ(status["I.B.6"], "missing");
  EXPECT_EQ(order.decision, policy::Decision::MissingDocumentation);
}

} // namespace
} // namespace pumpcds::hooks
