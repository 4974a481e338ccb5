// MME/day arithmetic against hand-computed values (CDC 2022 factors from the bundled code sets).
#include "policies/mme.h"

#include <gtest/gtest.h>

#include "library/policy_library.h"

namespace pumpcds::policy {
namespace {

fhir::Resource medication(const std::string& rxnorm, std::optional<double> dose, const std::string& unit,
                          std::optional<double> per_day) {
  fhir::Resource out;
  out.type = "MedicationRequest";
  out.id = "m";
  out.codes = {{std::string(fhir::systems::kRxNorm), rxnorm, ""}};
  out.dose_value = dose;
  out.dose_unit = unit;
  out.doses_per_day = per_day;
  return out;
}

class MmeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { library_ = PolicyLibrary::loadBundled().value(); }
  static void TearDownTestSuite() { library_.reset(); }

  static std::optional<double> mme(const fhir::Resource& resource, std::string* why = nullptr) {
    std::string reason;
    const auto dose = dailyMme(resource, *library_->valueSets().find("opioid-drug-ingredient-strength-map"),
                               *library_->valueSets().find("opioid-mme-conversion-factors"), reason);
    if (why != nullptr) {
      *why = reason;
    }
    return dose ? std::optional<double>(dose->mme) : std::nullopt;
  }

  static PolicyLibrary::Ptr library_;
};

PolicyLibrary::Ptr MmeTest::library_;

TEST_F(MmeTest, TabletsTimesStrengthTimesFrequencyTimesFactor) {
  // oxycodone 5 mg tablet, 2 tablets every 4 hours: 5 x 2 x 6 x 1.5 = 90
  EXPECT_DOUBLE_EQ(*mme(medication("1049621", 2, "TAB", 6)), 90.0);
  // acetaminophen 325 / oxycodone 5 mg: only the opioid counts: 5 x 1 x 4 x 1.5 = 30
  EXPECT_DOUBLE_EQ(*mme(medication("1049221", 1, "tablet", 4)), 30.0);
  // hydrocodone 5 mg (Vicodin), 1 tablet 3 times a day: 5 x 3 x 1 = 15
  EXPECT_DOUBLE_EQ(*mme(medication("1310197", 1, "{tbl}", 3)), 15.0);
}

TEST_F(MmeTest, IngredientCodedDosesInMilligrams) {
  // hydromorphone (ingredient) 4 mg four times a day: 16 mg x 5 = 80
  EXPECT_DOUBLE_EQ(*mme(medication("3423", 4, "mg", 4)), 80.0);
  // methadone 10 mg twice a day, CDC 2022 single factor 4.7: 20 x 4.7 = 94
  EXPECT_NEAR(*mme(medication("6813", 10, "mg", 2)), 94.0, 1e-9);
  // tramadol 50 mg four times a day, factor 0.2: 200 x 0.2 = 40
  EXPECT_NEAR(*mme(medication("10689", 50, "mg", 4)), 40.0, 1e-9);
  // codeine 30000 micrograms (30 mg) every 6 hours, factor 0.15: 120 x 0.15 = 18
  EXPECT_NEAR(*mme(medication("2670", 30000, "ug", 4)), 18.0, 1e-9);
}

TEST_F(MmeTest, TransdermalFentanylIsPatchRateTimesTwoPointFour) {
  // 25 mcg/h patch changed every 72 h: 25 x 2.4 = 60, not multiplied by the change frequency
  EXPECT_DOUBLE_EQ(*mme(medication("245134", 1, "patch", 1.0 / 3)), 60.0);
  // two 50 mcg/h patches: 100 x 2.4 = 240
  EXPECT_DOUBLE_EQ(*mme(medication("245135", 2, "patch", 1.0 / 3)), 240.0);
}

TEST_F(MmeTest, UnconvertibleDosesSayWhy) {
  std::string why;
  EXPECT_FALSE(mme(medication("1049621", std::nullopt, "", std::nullopt), &why));
  EXPECT_NE(why.find("no structured dose"), std::string::npos) << why;
  EXPECT_FALSE(mme(medication("1819", 8, "mg", 1), &why)) << "buprenorphine has no CDC 2022 factor";
  EXPECT_NE(why.find("no CDC 2022 MME factor"), std::string::npos) << why;
  EXPECT_FALSE(mme(medication("3423", 2, "mL", 4), &why)) << "an ingredient dose in mL has no strength";
  EXPECT_FALSE(mme(medication("197806", 1, "TAB", 3), &why)) << "ibuprofen is not an opioid";
}

} // namespace
} // namespace pumpcds::policy
