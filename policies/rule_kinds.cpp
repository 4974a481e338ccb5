// The registry of rule kinds, and the reader that dispatches a rule to its kind.
#include "policies/rule_kinds.h"

#include <rapidjson/document.h>

namespace pumpcds::policy {

const std::vector<const RuleKind*>& ruleKinds() {
  static const std::vector<const RuleKind*> kinds = {
      &kAllKind,
      &kAnyKind,
      &kFirstKnownKind,
      &kNotKind,
      &kUseKind,
      &kHasKind,
      &kLatestValueKind,
      &kNegativeDrugTestKind,
      &kTherapyDurationKind,
      &kPainReductionKind,
      &kOpioidWeaningKind,
      &kDocumentedKind,
      &kOrderedDrugKind,
      &kAllergyToOrderedDrugKind,
      &kOrderIsKind,
  };
  return kinds;
}

const RuleKind* findRuleKind(std::string_view name) {
  for (const RuleKind* kind : ruleKinds()) {
    if (kind->name == name) {
      return kind;
    }
  }
  return nullptr;
}

namespace {

std::string kindNames() {
  std::string names;
  for (const RuleKind* kind : ruleKinds()) {
    names += (names.empty() ? "" : ", ") + std::string(kind->name);
  }
  return names;
}

} // namespace

RulePtr RuleReader::read(const fhir::JsonValue* json, const std::string& pointer) {
  if (json == nullptr || !json->IsObject() || json->MemberCount() != 1) {
    file_.fail(pointer, "a rule is an object with exactly one key, its kind: " + kindNames());
    return nullptr;
  }
  const auto& only = *json->MemberBegin();
  const std::string name(only.name.GetString(), only.name.GetStringLength());
  const RuleKind* kind = findRuleKind(name);
  if (kind == nullptr) {
    file_.fail(pointer + "/" + name, "unknown rule kind '" + name + "', expected one of: " + kindNames());
    return nullptr;
  }
  return kind->read(*this, only.value, pointer + "/" + name);
}

Result<RulePtr> readRuleText(std::string_view json, const ValueSetLibrary& value_sets) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError()) {
    return invalidArgument("<rule>: " + fhir::describeParseError(document, json));
  }
  std::vector<std::string> errors;
  FileReader file("<rule>", errors);
  RuleReader reader(file, value_sets, nullptr);
  RulePtr rule = reader.read(&document, "");
  if (!errors.empty() || rule == nullptr) {
    std::string message;
    for (const auto& error : errors) {
      message += (message.empty() ? "" : "\n") + error;
    }
    return invalidArgument(message);
  }
  return rule;
}

} // namespace pumpcds::policy
