// Problem lists are coded in ICD-10-CM or in SNOMED CT (Synthea and many EHRs use SNOMED CT): a condition
// set with members in only one of them makes "no X" true for a patient whose X is coded in the other.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <rapidjson/document.h>

#include "fhir/coding.h"
#include "library/policy_library.h"

namespace pumpcds::policy {
namespace {

// The value sets rules search Conditions with, by where they are used.
void conditionSets(const rapidjson::Value& rule, const std::string& where,
                   std::map<std::string, std::string>& out) {
  if (!rule.IsObject() || rule.MemberCount() != 1) {
    return;
  }
  const auto& only = *rule.MemberBegin();
  const std::string kind = only.name.GetString();
  if (kind == "all" || kind == "any" || kind == "first_known") {
    for (const auto& child : only.value.GetArray()) {
      conditionSets(child, where, out);
    }
  } else if (kind == "not") {
    conditionSets(only.value, where, out);
  } else if (kind == "has") {
    bool conditions = false;
    for (const auto& type : only.value["types"].GetArray()) {
      conditions = conditions || std::string(type.GetString()) == "Condition";
    }
    for (const auto& set : only.value["value_sets"].GetArray()) {
      if (conditions) {
        out.emplace(set.GetString(), where);
      }
    }
  }
}

TEST(ConditionSets, EveryConditionSetHasIcd10AndSnomedMembers) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  std::map<std::string, std::string> used;
  for (const auto& file : bundledLibraryFiles()) {
    if (file.path.rfind("valuesets/", 0) == 0 || file.path.find("_test.json") != std::string::npos ||
        file.path == "orders.json" || file.path == "routing.json") {
      continue;
    }
    rapidjson::Document document;
    document.Parse(file.text.c_str());
    for (const auto& criterion : fhir::items(fhir::member(document, "criteria"))) {
      conditionSets((*criterion)["rule"], file.path + " " + (*criterion)["label"].GetString(), used);
    }
    if (const auto* rules = fhir::member(document, "rules")) {
      for (const auto& named : rules->GetObject()) {
        conditionSets(named.value["rule"], file.path + " " + named.name.GetString(), used);
      }
    }
  }
  for (const auto& policy : library.value()->policies()) {
    for (const ValueSet* set : policy.malignant_sets) {
      used.emplace(set->id(), policy.id + " origin");
    }
  }
  // Sets whose concepts have no verified counterpart in the other system, each with its reason.
  const std::map<std::string, std::string> single_system = {
      {"opioid-intolerance-evidence", "ICD-10-CM adverse-effect T-codes; SNOMED CT records intolerance as an "
                                      "AllergyIntolerance, which the same rule reads"},
      {"hospice",
       "a service, not a diagnosis: SNOMED CT, HCPCS and discharge codes; ICD-10-CM has no hospice "
       "diagnosis"},
  };
  ASSERT_GE(used.size(), 15U);
  for (const auto& [id, where] : used) {
    const ValueSet* set = library.value()->valueSets().find(id);
    ASSERT_NE(set, nullptr) << id;
    const auto systems = set->systems();
    const bool both = systems.count(std::string(fhir::systems::kIcd10Cm)) != 0 &&
                      systems.count(std::string(fhir::systems::kSnomed)) != 0;
    EXPECT_TRUE(both || single_system.count(id) != 0)
        << id << " (used by " << where << ") has members in only one of ICD-10-CM and SNOMED CT";
  }
}

} // namespace
} // namespace pumpcds::policy
