// Value sets as data: explicit codes plus inclusive code ranges, matched after code normalisation.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fhir/coding.h"
#include "fhir/json_read.h"

namespace pumpcds::policy {

/// Extra facts a value set keeps about a code, from the other members of its entry (numbers and
/// strings), e.g. a drug's ingredient_code and strength_value, or a fee table's price.
struct CodeProperties {
  std::map<std::string, double, std::less<>> numbers;
  std::map<std::string, std::string, std::less<>> strings;

  [[nodiscard]] std::optional<double> number(std::string_view key) const;
  [[nodiscard]] std::string string(std::string_view key) const;
};

/// One value set. Membership follows codesets/README.md: an explicit code, or a code inside a range
/// (ICD-10-CM category ranges cover every descendant: C00..C96 holds C50.912), minus the exclusions.
class ValueSet {
public:
  ValueSet() = default;
  ValueSet(std::string id, std::string description, std::string source)
      : id_(std::move(id)), description_(std::move(description)), source_(std::move(source)) {}

  void addCode(const fhir::Coding& coding);
  void setProperties(const fhir::Coding& coding, CodeProperties properties);
  /// The properties recorded with an explicit code of the set, or nullptr.
  [[nodiscard]] const CodeProperties* properties(const fhir::Coding& coding) const;
  /// Every explicit code with its properties, keyed "system|code".
  [[nodiscard]] const std::unordered_map<std::string, CodeProperties>& allProperties() const {
    return properties_;
  }
  void addRange(const std::string& system, const std::string& from, const std::string& to);
  void addExcludedCode(const fhir::Coding& coding);
  void addExcludedRange(const std::string& system, const std::string& from, const std::string& to);
  /// Adds every code (and, when `with_ranges`, every range and exclusion) of another set.
  void include(const ValueSet& other, bool with_ranges);

  [[nodiscard]] bool contains(const fhir::Coding& coding) const;
  [[nodiscard]] bool containsAny(const std::vector<fhir::Coding>& codings) const;
  /// The first of `codings` in the set, or nullptr.
  [[nodiscard]] const fhir::Coding* firstMatch(const std::vector<fhir::Coding>& codings) const;

  [[nodiscard]] const std::string& id() const { return id_; }
  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] size_t codeCount() const { return codes_.size(); }
  /// Entries of the set's own file marked "verified": false: to be checked against the code files.
  [[nodiscard]] size_t unverifiedCount() const { return unverified_; }
  void countUnverified() { ++unverified_; }
  /// The code systems the set has codes or ranges in (canonical URIs).
  [[nodiscard]] std::set<std::string> systems() const;

private:
  struct Range {
    std::string system;
    std::string from; // comparable form
    std::string to;
  };
  static bool inRange(const Range& range, const std::string& system, const std::string& code);

  std::string id_;
  std::string description_;
  std::string source_;
  std::unordered_set<std::string> codes_;
  std::unordered_map<std::string, CodeProperties> properties_;
  std::vector<Range> ranges_;
  std::unordered_set<std::string> excluded_codes_;
  std::vector<Range> excluded_ranges_;
  size_t unverified_ = 0;
};

/// All value sets of the library, by id.
class ValueSetLibrary {
public:
  /// Reads a value-set file: an object whose keys are set ids (keys starting with "_" are metadata).
  /// Each set has codes[{system,code}], ranges[{system,from,to}], exclude[...], and optionally
  /// include[{set, ranges}] naming sets defined in any file. Problems are appended as
  /// "<file>: <pointer>: <reason>".
  void loadFile(const std::string& file, const fhir::JsonValue& root, std::vector<std::string>& errors);
  /// Resolves the include lists once every file is loaded.
  void resolveIncludes(std::vector<std::string>& errors);

  [[nodiscard]] const ValueSet* find(std::string_view id) const;
  /// Whether any set holds `coding` (as a code or in a range).
  [[nodiscard]] bool anyContains(const fhir::Coding& coding) const;
  [[nodiscard]] size_t size() const { return sets_.size(); }
  /// Every set, by id.
  [[nodiscard]] const std::map<std::string, ValueSet, std::less<>>& all() const { return sets_; }

private:
  struct PendingInclude {
    std::string file;
    std::string target;
    std::string source;
    bool with_ranges = true;
  };
  std::map<std::string, ValueSet, std::less<>> sets_;
  std::vector<PendingInclude> includes_;
};

} // namespace pumpcds::policy
