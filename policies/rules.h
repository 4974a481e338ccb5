// Rules: the nodes of a criterion's rule tree, and the registry of rule kinds that reads them from a
// policy file. Each kind is declared once, in its own rule_*.cpp: its name, its parameters (read and
// validated from JSON), the resource types it reads and its evaluation. Internal to policies/: callers
// use evaluator.h.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "fhir/date.h"
#include "fhir/json_read.h"
#include "fhir/patient_record.h"
#include "policies/file_reader.h"
#include "policies/policy.h"

namespace pumpcds::policy {

/// Four-valued truth, so that absence proves "no X" only where X's data was read:
/// True (shown), False (the opposite is shown), Absent (looked for in data that was read, not there),
/// Unknown (the data that would show it was not read, or cannot be judged).
enum class Truth { True, False, Absent, Unknown };

struct Outcome {
  Truth truth = Truth::Unknown;
  std::vector<std::string> evidence;
  std::string note;
};

struct PumpOrder;

struct RuleContext {
  const fhir::PatientRecord& record;
  const std::vector<fhir::Resource>& draft_orders;
  fhir::Date as_of;
  std::string criterion_id;
  const PumpOrder* order = nullptr; ///< the order being decided
  /// The policy that decides it: an attestation counts only from one of its questionnaires. Null when a
  /// named rule is tried on its own (its cases), where any questionnaire's answer is read.
  const Policy* policy = nullptr;
};

/// A rule read from a policy file. Immutable once read, and shared: a named rule is one object however
/// many criteria use it.
class Rule {
public:
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  [[nodiscard]] virtual Outcome evaluate(const RuleContext& context) const = 0;
  /// Adds the FHIR resource types this rule (and its children) read from the patient's record. Draft
  /// orders of the request are not counted: they come with the hook, never from the FHIR server.
  virtual void addReadTypes(std::set<std::string>& types) const = 0;
  /// Whether coded data (an order, a result, a diagnosis) can show this rule, or only a clinician's
  /// attestation or note: what a card asks the clinician to order or record versus to attest.
  [[nodiscard]] virtual bool codedDataCanShow() const { return true; }

protected:
  Rule() = default;
};

class RuleReader;

/// One kind of rule: `{"<name>": <body>}` in a policy file.
struct RuleKind {
  std::string_view name;
  /// `read` reports every problem of `body` through the reader (naming file, pointer and reason) and
  /// returns nullptr when the rule cannot be built.
  RulePtr (*read)(RuleReader& reader, const fhir::JsonValue& body, const std::string& pointer);
};

/// Every rule kind, in the order the README lists them (rule_kinds.cpp).
const std::vector<const RuleKind*>& ruleKinds();
const RuleKind* findRuleKind(std::string_view name);

class NamedRules;

/// Reads rules for one file: dispatches each `{"<kind>": body}` to its kind, and gives kinds the file's
/// error reporting, the value sets and the library's named rules.
class RuleReader {
public:
  RuleReader(FileReader& file, const ValueSetLibrary& value_sets, NamedRules* named_rules)
      : file_(file), value_sets_(value_sets), named_rules_(named_rules) {}

  /// The rule at `pointer`; nullptr (with the problem reported) when it is not a valid rule.
  RulePtr read(const fhir::JsonValue* json, const std::string& pointer);

  [[nodiscard]] FileReader& file() { return file_; }
  [[nodiscard]] NamedRules* namedRules() { return named_rules_; }
  std::vector<const ValueSet*> valueSets(const fhir::JsonValue& body, std::string_view key,
                                         const std::string& pointer, bool required) {
    return file_.valueSets(body, key, pointer, value_sets_, required);
  }
  const ValueSet* valueSet(const fhir::JsonValue& body, std::string_view key, const std::string& pointer) {
    return file_.valueSet(body, key, pointer, value_sets_);
  }
  /// Every leaf says, in plain words, what it looks for ("a negative drug test"): notes quote it.
  std::string looksFor(const fhir::JsonValue& body, const std::string& pointer) {
    return file_.requiredString(body, "looks_for", pointer);
  }

private:
  FileReader& file_;
  const ValueSetLibrary& value_sets_;
  NamedRules* named_rules_;
};

/// Reads one rule from JSON text against `value_sets`: for tests and tools. Errors name "<rule>".
Result<RulePtr> readRuleText(std::string_view json, const ValueSetLibrary& value_sets);

} // namespace pumpcds::policy
