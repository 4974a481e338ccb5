// PolicyLibrary: the value sets, order codes, routing table and policies, loaded and validated as one
// immutable set, from the files bundled into the executable or from a directory.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "cards/card_settings.h"
#include "policies/order_catalog.h"
#include "policies/policy.h"
#include "policies/routing.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

struct LibraryFile {
  std::string path; ///< relative to the library root, e.g. "caresource/caresource-nc-mm-1369.json"
  std::string text;
};

/// The library files compiled into the executable (policies/library at build time).
std::vector<LibraryFile> bundledLibraryFiles();

/// Every *.json file under `directory`, with paths relative to it.
Result<std::vector<LibraryFile>> readLibraryDirectory(const std::string& directory);

class PolicyLibrary {
public:
  using Ptr = std::shared_ptr<const PolicyLibrary>;

  /// Loads a whole library. Any bad file fails the load, with every problem listed one per line as
  /// "<file>: <pointer or line/column>: <reason>": a half-loaded library is never served.
  /// Layout: valuesets/*.json (value sets), orders.json, routing.json, cards.json, rules/*.json (named
  /// rules), and every other *.json a policy
  /// (files ending in _test.json are policy test cases, not policies).
  static Result<Ptr> load(const std::vector<LibraryFile>& files);
  static Result<Ptr> loadDirectory(const std::string& directory);
  static Result<Ptr> loadBundled();

  [[nodiscard]] const Policy* find(std::string_view id) const;
  [[nodiscard]] const std::vector<Policy>& policies() const { return policies_; }
  [[nodiscard]] const ValueSetLibrary& valueSets() const { return value_sets_; }
  [[nodiscard]] const OrderCatalog& orders() const { return orders_; }
  [[nodiscard]] const RoutingTable& routing() const { return routing_; }
  [[nodiscard]] const cards::CardSettings& cardSettings() const { return card_settings_; }
  /// The FHIR resource types any policy reads (the union of Policy::read_types): what discovery asks
  /// the EHR to prefetch.
  [[nodiscard]] const std::set<std::string>& readTypes() const { return read_types_; }
  /// A named rule of rules/*.json, or nullptr.
  [[nodiscard]] const Rule* namedRule(std::string_view name) const;
  struct NamedRule {
    std::string file; ///< the rules/*.json that defines it
    RulePtr rule;
  };
  /// Every named rule, by name.
  [[nodiscard]] const std::map<std::string, NamedRule, std::less<>>& namedRules() const {
    return named_rules_;
  }
  /// The policy for the record's coverage on `as_of`, and what coverage was seen.
  [[nodiscard]] RoutingResult route(const fhir::PatientRecord& record, const fhir::Date& as_of) const;
  /// SHA-256 of every file's path and text: names exactly which library made a decision.
  [[nodiscard]] const std::string& revision() const { return revision_; }

  PolicyLibrary() = default;
  PolicyLibrary(const PolicyLibrary&) = delete;
  PolicyLibrary& operator=(const PolicyLibrary&) = delete;

private:
  ValueSetLibrary value_sets_;
  std::vector<Policy> policies_;
  OrderCatalog orders_;
  RoutingTable routing_;
  cards::CardSettings card_settings_;
  std::set<std::string> read_types_;
  std::map<std::string, NamedRule, std::less<>> named_rules_;
  std::string revision_;
};

} // namespace pumpcds::policy
