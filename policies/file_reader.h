// Strict, error-collecting reads of our own data files (policies, routing, order codes): every problem
// is reported as "<file>: <JSON pointer>: <reason>" and reading goes on, so one pass lists them all.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/date.h"
#include "fhir/json_read.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

class FileReader {
public:
  FileReader(std::string file, std::vector<std::string>& errors) : file_(std::move(file)), errors_(errors) {}

  void fail(const std::string& pointer, const std::string& reason);
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] size_t errorCount() const { return errors_.size(); }

  /// Reports each member of `object` not named in `allowed` ("unknown key"), and a non-object.
  bool checkObject(const fhir::JsonValue* object, const std::string& pointer,
                   std::initializer_list<std::string_view> allowed);
  std::string requiredString(const fhir::JsonValue& object, std::string_view key, const std::string& pointer);
  std::string optionalString(const fhir::JsonValue& object, std::string_view key, const std::string& pointer);
  std::optional<int> optionalInt(const fhir::JsonValue& object, std::string_view key,
                                 const std::string& pointer, int min, int max);
  std::optional<double> optionalNumber(const fhir::JsonValue& object, std::string_view key,
                                       const std::string& pointer);
  std::optional<bool> optionalBool(const fhir::JsonValue& object, std::string_view key,
                                   const std::string& pointer);
  /// An array of strings (absent gives none; `required` reports absence or emptiness).
  std::vector<std::string> stringList(const fhir::JsonValue& object, std::string_view key,
                                      const std::string& pointer, bool required);
  /// An array of value-set ids, each resolved in `library`.
  std::vector<const ValueSet*> valueSets(const fhir::JsonValue& object, std::string_view key,
                                         const std::string& pointer, const ValueSetLibrary& library,
                                         bool required);
  const ValueSet* valueSet(const fhir::JsonValue& object, std::string_view key, const std::string& pointer,
                           const ValueSetLibrary& library);
  std::optional<fhir::Date> optionalDate(const fhir::JsonValue& object, std::string_view key,
                                         const std::string& pointer);

  /// An array of words, each parsed by `parse` (e.g. parseOrderKind); unknown words are reported.
  template <typename Enum, typename Parser>
  void enumList(const fhir::JsonValue& object, std::string_view key, const std::string& pointer, Parser parse,
                std::vector<Enum>& out) {
    const auto words = stringList(object, key, pointer, false);
    for (size_t i = 0; i < words.size(); ++i) {
      if (auto parsed = parse(words[i])) {
        out.push_back(*parsed);
      } else {
        fail(pointer + "/" + std::string(key) + "/" + std::to_string(i), "unknown value '" + words[i] + "'");
      }
    }
  }

private:
  std::string file_;
  std::vector<std::string>& errors_;
};

} // namespace pumpcds::policy
