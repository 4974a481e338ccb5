#include "policies/order_catalog.h"

#include <algorithm>

#include "policies/file_reader.h"

namespace pumpcds::policy {

void OrderCatalog::load(const std::string& file, const fhir::JsonValue& root,
                        const ValueSetLibrary& value_sets, std::vector<std::string>& errors) {
  FileReader in(file, errors);
  if (!in.checkObject(&root, "", {"description", "kinds"})) {
    return;
  }
  const fhir::JsonValue* kinds = fhir::member(root, "kinds");
  if (!in.checkObject(kinds, "/kinds", {"trial", "permanent", "maintenance", "removal"})) {
    return;
  }
  for (const auto& item : kinds->GetObject()) {
    const std::string name = item.name.GetString();
    const auto kind = parseOrderKind(name);
    const std::string at = "/kinds/" + name;
    if (!kind || !in.checkObject(&item.value, at, {"description", "order_types", "value_sets"})) {
      continue;
    }
    entries_.push_back({*kind, in.stringList(item.value, "order_types", at, true),
                        in.valueSets(item.value, "value_sets", at, value_sets, true)});
  }
}

std::optional<OrderCatalog::Match> OrderCatalog::classify(const fhir::Resource& order) const {
  for (const auto& entry : entries_) {
    if (std::find(entry.order_types.begin(), entry.order_types.end(), order.type) ==
        entry.order_types.end()) {
      continue;
    }
    for (const ValueSet* set : entry.value_sets) {
      if (const fhir::Coding* code = set->firstMatch(order.codes)) {
        return Match{entry.kind, *code};
      }
    }
  }
  return std::nullopt;
}

} // namespace pumpcds::policy
