#include "policies/value_set.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pumpcds::policy {
namespace {

const std::string kIcd(fhir::systems::kIcd10Cm);

ValueSetLibrary load(const char* json, std::vector<std::string>& errors) {
  rapidjson::Document document;
  document.Parse(json);
  ValueSetLibrary library;
  library.loadFile("sets.json", document, errors);
  library.resolveIncludes(errors);
  return library;
}

TEST(ValueSet, RangesCoverDescendantsAndExclusionsWin) {
  std::vector<std::string> errors;
  const auto library =
      load(R"({"cancer":{"ranges":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","from":"C00","to":"C96"}],
    "exclude":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","from":"C44","to":"C44"}]}})",
           errors);
  ASSERT_TRUE(errors.empty());
  const ValueSet* cancer = library.find("cancer");
  ASSERT_NE(cancer, nullptr);
  EXPECT_TRUE(cancer->contains({kIcd, "C50.912", ""}));
  EXPECT_TRUE(cancer->contains({kIcd, "c7a.1", ""}));
  EXPECT_TRUE(cancer->contains({kIcd, "C96.9", ""}));
  EXPECT_FALSE(cancer->contains({kIcd, "C44.91", ""}));
  EXPECT_FALSE(cancer->contains({kIcd, "D03.9", ""}));
  EXPECT_FALSE(cancer->contains({std::string(fhir::systems::kSnomed), "C50.912", ""}));
}

TEST(ValueSet, CodesMatchWithOrWithoutDotAndThroughSystemAliases) {
  std::vector<std::string> errors;
  const auto library =
      load(R"({"pain":{"codes":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"G89.29"},
    {"system":"http://snomed.info/sct","code":"82423001"}]}})",
           errors);
  const ValueSet* pain = library.find("pain");
  ASSERT_NE(pain, nullptr);
  EXPECT_TRUE(pain->contains({kIcd, "G8929", ""}));
  EXPECT_TRUE(pain->contains({fhir::canonicalSystem("urn:oid:2.16.840.1.113883.6.96"), "82423001", ""}));
  EXPECT_FALSE(pain->contains({kIcd, "G89.2", ""}));
}

TEST(ValueSet, IncludesResolveTransitivelyAndCanDropRanges) {
  std::vector<std::string> errors;
  const auto library = load(R"({
    "outer":{"include":[{"set":"middle"}]},
    "middle":{"include":[{"set":"base","ranges":false}],"codes":[{"system":"http://loinc.org","code":"1-8"}]},
    "base":{"codes":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"A41.9"}],
            "ranges":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","from":"A00","to":"B99"}]}})",
                            errors);
  ASSERT_TRUE(errors.empty()) << errors.front();
  const ValueSet* outer = library.find("outer");
  EXPECT_TRUE(outer->contains({kIcd, "A41.9", ""}));
  EXPECT_TRUE(outer->contains({std::string(fhir::systems::kLoinc), "1-8", ""}));
  EXPECT_FALSE(outer->contains({kIcd, "B20", ""})) << "the range was left out";
}

TEST(ValueSet, BadEntriesAndUnknownIncludesAreReported) {
  std::vector<std::string> errors;
  load(R"({"a":{"codes":[{"code":"x"}]},"b":{"include":[{"set":"nope"}]},"c":[]})", errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("sets.json: /a/codes/0"), std::string::npos);
  EXPECT_NE(errors[1].find("/c: a value set must be an object"), std::string::npos);
  EXPECT_NE(errors[2].find("unknown value set 'nope'"), std::string::npos);
}

TEST(ValueSet, EntriesNotYetVerifiedAreCountedPerSet) {
  std::vector<std::string> errors;
  const auto library = load(R"({"pain":{"codes":[
      {"system":"http://snomed.info/sct","code":"82423001","verified":false},
      {"system":"http://snomed.info/sct","code":"373621006","verified":true},
      {"system":"http://snomed.info/sct","code":"279039007"}],
    "ranges":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","from":"G89.2","to":"G89.2","verified":false}]},
    "users":{"include":[{"set":"pain"}]}})",
                            errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_EQ(library.find("pain")->unverifiedCount(), 2U);
  EXPECT_EQ(library.find("users")->unverifiedCount(), 0U) << "counted where they are written, once";
}

} // namespace
} // namespace pumpcds::policy
