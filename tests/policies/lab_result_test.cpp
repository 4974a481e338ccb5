// Drug-test results as labs send them: coded, worded with their own case and punctuation, or flagged.
#include <gtest/gtest.h>

#include "library/policy_library.h"
#include "policies/lab_result.h"

namespace pumpcds::policy {
namespace {

TEST(LabResult, WordingsLabsUseReadTheSameWay) {
  const struct {
    const char* text;
    Polarity polarity;
  } cases[] = {
      {"Negative", Polarity::Negative},
      {"NEG", Polarity::Negative},
      {"neg.", Polarity::Negative},
      {"None Detected", Polarity::Negative},
      {"NOT DETECTED", Polarity::Negative},
      {"Not-Detected.", Polarity::Negative},
      {"Non-reactive", Polarity::Negative},
      {"No drugs detected", Polarity::Negative},
      {"Positive", Polarity::Positive},
      {"POS", Polarity::Positive},
      {"Detected", Polarity::Positive},
      {"Presumptive positive", Polarity::Positive},
      {"DETECTED (confirm)", Polarity::Positive},
      {"See note", Polarity::NoResult},
      {"see comment", Polarity::NoResult},
      {"Inconclusive", Polarity::NoResult},
      {"Pending", Polarity::NoResult},
      {"Test not performed", Polarity::NoResult},
      {"Negative for opiates, positive for THC", Polarity::NoResult},
      {"", Polarity::NoResult},
      {"150 ng/mL", Polarity::NoResult},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(wordedPolarity(c.text), c.polarity) << '"' << c.text << '"';
  }
}

TEST(LabResult, CodedValueThenWordsThenInterpretation) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const ValueSet& negative = *library.value()->valueSets().find("drug-test-negative-results");
  const ValueSet& positive = *library.value()->valueSets().find("drug-test-positive-results");
  const fhir::Coding not_detected{std::string(fhir::systems::kSnomed), "260415000", ""};
  const fhir::Coding detected{std::string(fhir::systems::kSnomed), "260373001", ""};
  const fhir::Coding flag_pos{"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "POS",
                              ""};
  const fhir::Coding flag_neg{"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "NEG",
                              ""};
  const fhir::Coding unknown{std::string(fhir::systems::kSnomed), "123456", ""};

  EXPECT_EQ(resultPolarity({{}, "", "", {not_detected}, {}}, negative, positive), Polarity::Negative);
  EXPECT_EQ(resultPolarity({{}, "", "", {detected}, {}}, negative, positive), Polarity::Positive);
  EXPECT_EQ(resultPolarity({{}, "", "None detected", {}, {flag_pos}}, negative, positive), Polarity::Negative)
      << "the value, not the flag, says what was found";
  EXPECT_EQ(resultPolarity({{}, "", "", {}, {flag_neg}}, negative, positive), Polarity::Negative);
  EXPECT_EQ(resultPolarity({{}, "", "", {}, {flag_pos}}, negative, positive), Polarity::Positive);
  EXPECT_EQ(resultPolarity({{}, "", "", {unknown}, {flag_neg}}, negative, positive), Polarity::NoResult)
      << "a coded value pumpcds cannot read is not read through its flag";
  EXPECT_EQ(resultPolarity({{}, "", "", {}, {}}, negative, positive), Polarity::NoResult);
}

} // namespace
} // namespace pumpcds::policy
