#include "fhir/coding.h"

#include <gtest/gtest.h>

#include "fhir/json_read.h"

namespace pumpcds::fhir {
namespace {

TEST(Coding, AliasesOfRealSystemsBecomeCanonical) {
  EXPECT_EQ(canonicalSystem("https://bluebutton.cms.gov/resources/codesystem/hcpcs"), systems::kHcpcs);
  EXPECT_EQ(canonicalSystem("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"), systems::kHcpcs);
  EXPECT_EQ(canonicalSystem("urn:oid:2.16.840.1.113883.6.96"), systems::kSnomed);
  EXPECT_EQ(canonicalSystem("urn:oid:2.16.840.1.113883.6.90"), systems::kIcd10Cm);
  EXPECT_EQ(canonicalSystem("urn:oid:2.16.840.1.113883.6.88"), systems::kRxNorm);
  EXPECT_EQ(canonicalSystem(" http://snomed.info/sct/ "), systems::kSnomed);
  EXPECT_EQ(canonicalSystem("http://example.org/local"), "http://example.org/local");
}

TEST(Coding, Icd10CodesCompareWithOrWithoutTheDot) {
  const std::string system(systems::kIcd10Cm);
  EXPECT_EQ(comparableCode(system, "m54.16"), "M5416");
  EXPECT_EQ(codingKey({system, "M54.16", ""}), codingKey({system, "M5416", ""}));
  // Other systems keep their dots: a LOINC code is not an ICD-10 code.
  EXPECT_EQ(comparableCode(std::string(systems::kLoinc), "3394-4"), "3394-4");
}

TEST(Coding, CodeableConceptsSkipEmptyCodingsAndAcceptALoneObject) {
  rapidjson::Document document;
  document.Parse(R"({"a":{"coding":[{"system":"http://snomed.info/sct"},{"code":""},
    {"system":"urn:oid:2.16.840.1.113883.6.96","code":"82423001","display":"Chronic pain"}]},
    "b":{"coding":{"system":"http://loinc.org","code":"3394-4"}}})");
  const auto a = codings(member(document, "a"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].system, systems::kSnomed);
  EXPECT_EQ(describe(a), "Chronic pain");
  const auto b = codings(member(document, "b"));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].code, "3394-4");
}

} // namespace
} // namespace pumpcds::fhir
