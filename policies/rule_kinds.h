// The rule kinds, each defined in its own file (rule_*.cpp) and listed once in rule_kinds.cpp. A new
// kind is its file, its line here and in the list, its README row and its tests.
#pragma once

#include "policies/rule_support.h"
#include "policies/rules.h"

namespace pumpcds::policy {

extern const RuleKind kAllKind;         ///< every child holds (rule_tree.cpp)
extern const RuleKind kAnyKind;         ///< at least one child holds
extern const RuleKind kFirstKnownKind;  ///< the first child that shows true or false decides
extern const RuleKind kNotKind;         ///< the child does not hold; by absence only where its data was read
extern const RuleKind kUseKind;         ///< a named rule of the library (named_rules.cpp)
extern const RuleKind kHasKind;         ///< a coded resource is on record (rule_presence.cpp)
extern const RuleKind kLatestValueKind; ///< the latest observation is in bounds (rule_presence.cpp)
extern const RuleKind kNegativeDrugTestKind;     ///< rule_drug_test.cpp
extern const RuleKind kTherapyDurationKind;      ///< rule_therapy.cpp
extern const RuleKind kPainReductionKind;        ///< rule_pain_reduction.cpp
extern const RuleKind kOpioidWeaningKind;        ///< rule_opioid_weaning.cpp
extern const RuleKind kDocumentedKind;           ///< rule_documented.cpp
extern const RuleKind kOrderedDrugKind;          ///< rule_ordered_drug.cpp
extern const RuleKind kAllergyToOrderedDrugKind; ///< rule_ordered_drug.cpp
extern const RuleKind kOrderIsKind;              ///< rule_order.cpp

} // namespace pumpcds::policy
