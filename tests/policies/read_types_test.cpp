// What each policy reads is derived from its rules: the FHIR fetch asks the server for exactly that.
#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "fhir/prefetch_templates.h"
#include "library/policy_library.h"

namespace pumpcds::policy {
namespace {

bool reads(const Policy& policy, const std::string& type) {
  return std::find(policy.read_types.begin(), policy.read_types.end(), type) != policy.read_types.end();
}

TEST(ReadTypes, DerivedFromTheRulesOfEachPolicy) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk()) << library.status().message();
  const Policy* mm1369 = library.value()->find("caresource-nc-mm-1369");
  ASSERT_NE(mm1369, nullptr);
  // Routing, origin, the drug test (and what is prescribed), attestations.
  for (const char* type : {"Patient", "Coverage", "Condition", "Observation", "MedicationRequest",
                           "MedicationStatement", "QuestionnaireResponse", "AllergyIntolerance"}) {
    EXPECT_TRUE(reads(*mm1369, type)) << type;
  }
  // Nothing reads these from the record: draft orders come with the hook.
  EXPECT_FALSE(reads(*mm1369, "Organization"));
  const Policy* pa = library.value()->find("caresource-pa-rp");
  ASSERT_NE(pa, nullptr);
  EXPECT_TRUE(reads(*pa, "Encounter")); // hospice stays
}

TEST(ReadTypes, EveryTypeAPolicyReadsHasAQueryTemplate) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  for (const auto& policy : library.value()->policies()) {
    for (const auto& type : policy.read_types) {
      EXPECT_NE(fhir::templateForType(type), nullptr) << policy.id << " reads " << type;
    }
  }
}

TEST(AttestationOnly, ACriterionOnlyAnAttestationCanShowIsMarkedAndOneWithCodedDataIsNot) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const Policy* mm1369 = library.value()->find("caresource-nc-mm-1369");
  ASSERT_NE(mm1369, nullptr);
  std::map<std::string, bool> attestation_only;
  for (const auto& criterion : mm1369->criteria) {
    attestation_only[criterion.label] = criterion.attestation_only;
  }
  EXPECT_TRUE(attestation_only.at("I.A")) << "documented alone";
  EXPECT_FALSE(attestation_only.at("IV.D.2")) << "a drug test result";
  EXPECT_FALSE(attestation_only.at("IV.H.1")) << "therapy records, or an attestation";
}

} // namespace
} // namespace pumpcds::policy
