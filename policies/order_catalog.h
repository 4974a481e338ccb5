// Which order codes are pump orders, and of which kind (library file orders.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/json_read.h"
#include "fhir/resource.h"
#include "policies/policy.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

class OrderCatalog {
public:
  /// orders.json: {"kinds": {"trial": {"order_types": ["ServiceRequest"], "value_sets": [...]}, ...}}.
  void load(const std::string& file, const fhir::JsonValue& root, const ValueSetLibrary& value_sets,
            std::vector<std::string>& errors);

  struct Match {
    OrderKind kind;
    fhir::Coding code;
  };
  /// The kind of a draft order and the code that decided it; nullopt when it is not a pump order.
  [[nodiscard]] std::optional<Match> classify(const fhir::Resource& order) const;

private:
  struct Entry {
    OrderKind kind;
    std::vector<std::string> order_types;
    std::vector<const ValueSet*> value_sets;
  };
  std::vector<Entry> entries_;
};

} // namespace pumpcds::policy
