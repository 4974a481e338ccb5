// Named rules: rule trees the policies share (rules/*.json), used in a policy as {"use": "<name>"}.
// "Active infection" or "conservative therapy failed" is written once and means the same everywhere.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fhir/json_read.h"
#include "policies/rules.h"

namespace pumpcds::policy {

class NamedRules {
public:
  /// Problems are appended to `errors` as "<file>: <pointer>: <reason>".
  NamedRules(const ValueSetLibrary& value_sets, std::vector<std::string>& errors)
      : value_sets_(value_sets), errors_(errors) {}
  NamedRules(const NamedRules&) = delete;
  NamedRules& operator=(const NamedRules&) = delete;

  /// Registers the definitions of one rules file: {"description", "rules": {"<name>": {"description",
  /// "rule"}}}. `root` is read lazily and must outlive resolveAll().
  void addFile(const std::string& file, const fhir::JsonValue& root);

  /// The rule called `name`, read on first use. Unknown names and rules that use themselves are
  /// reported at `pointer` of the file `from` reads; they give nullptr.
  RulePtr resolve(const std::string& name, RuleReader& from, const std::string& pointer);

  /// Reads every definition, used or not, so that a broken one is reported even before a policy uses it.
  void resolveAll();

  struct Definition {
    std::string file;
    std::string pointer; ///< "/rules/<name>"
    std::string description;
    const fhir::JsonValue* rule = nullptr;
    RulePtr parsed;
    bool reading = false;
    bool failed = false;
  };
  [[nodiscard]] const std::map<std::string, Definition, std::less<>>& definitions() const {
    return definitions_;
  }

private:
  RulePtr read(Definition& definition);

  const ValueSetLibrary& value_sets_;
  std::vector<std::string>& errors_;
  std::map<std::string, Definition, std::less<>> definitions_;
};

} // namespace pumpcds::policy
