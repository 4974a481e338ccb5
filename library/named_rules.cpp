#include "library/named_rules.h"

#include "policies/rule_kinds.h"

namespace pumpcds::policy {

void NamedRules::addFile(const std::string& file, const fhir::JsonValue& root) {
  FileReader in(file, errors_);
  if (!in.checkObject(&root, "", {"description", "rules"})) {
    return;
  }
  in.requiredString(root, "description", "");
  const fhir::JsonValue* rules = fhir::member(root, "rules");
  if (rules == nullptr || !rules->IsObject() || rules->ObjectEmpty()) {
    in.fail("/rules", "expected an object of named rules");
    return;
  }
  for (const auto& entry : rules->GetObject()) {
    const std::string name(entry.name.GetString(), entry.name.GetStringLength());
    const std::string pointer = "/rules/" + name;
    if (!in.checkObject(&entry.value, pointer, {"description", "rule"})) {
      continue;
    }
    if (const auto existing = definitions_.find(name); existing != definitions_.end()) {
      in.fail(pointer, "the rule name '" + name + "' is already defined in " + existing->second.file);
      continue;
    }
    Definition definition;
    definition.file = file;
    definition.pointer = pointer;
    definition.description = in.requiredString(entry.value, "description", pointer);
    definition.rule = fhir::member(entry.value, "rule");
    definitions_.emplace(name, std::move(definition));
  }
}

RulePtr NamedRules::read(Definition& definition) {
  if (definition.parsed || definition.failed) {
    return definition.parsed;
  }
  definition.reading = true;
  FileReader in(definition.file, errors_);
  RuleReader reader(in, value_sets_, this);
  definition.parsed = reader.read(definition.rule, definition.pointer + "/rule");
  definition.reading = false;
  definition.failed = definition.parsed == nullptr;
  return definition.parsed;
}

RulePtr NamedRules::resolve(const std::string& name, RuleReader& from, const std::string& pointer) {
  const auto found = definitions_.find(name);
  if (found == definitions_.end()) {
    from.file().fail(pointer, "unknown named rule '" + name + "' (named rules are defined in rules/*.json)");
    return nullptr;
  }
  if (found->second.reading) {
    from.file().fail(pointer, "named rule '" + name + "' uses itself");
    return nullptr;
  }
  return read(found->second);
}

void NamedRules::resolveAll() {
  for (auto& [name, definition] : definitions_) {
    read(definition);
  }
}

namespace {

RulePtr readUse(RuleReader& reader, const fhir::JsonValue& body, const std::string& pointer) {
  if (!body.IsString() || body.GetStringLength() == 0) {
    reader.file().fail(pointer, "expected the name of a rule defined in rules/*.json");
    return nullptr;
  }
  if (reader.namedRules() == nullptr) {
    reader.file().fail(pointer, "named rules are not available here");
    return nullptr;
  }
  return reader.namedRules()->resolve(body.GetString(), reader, pointer);
}

} // namespace

const RuleKind kUseKind{"use", readUse};

} // namespace pumpcds::policy
