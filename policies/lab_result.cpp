#include "policies/lab_result.h"

#include <cctype>
#include <string>
#include <vector>

namespace pumpcds::policy {
namespace {

// Lower-case words of `text`: "None-Detected." -> {"none", "detected"}.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    out.push_back(std::move(word));
  }
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view word) {
  for (const auto& item : list) {
    if (item == word) {
      return true;
    }
  }
  return false;
}

} // namespace

Polarity wordedPolarity(std::string_view text) {
  const auto list = words(text);
  if (list.empty()) {
    return Polarity::NoResult;
  }
  // Anything that defers or doubts the result is not a result.
  for (const char* doubt :
       {"see", "note", "comment", "inconclusive", "indeterminate", "equivocal", "invalid", "pending",
        "cancelled", "canceled", "unable", "performed", "insufficient", "rejected", "borderline"}) {
    if (has(list, doubt)) {
      return Polarity::NoResult;
    }
  }
  // "not detected", "none detected", "non-reactive": a negated finding is a negative one.
  const bool negated = has(list, "not") || has(list, "none") || has(list, "no") || has(list, "non");
  const bool finding = has(list, "detected") || has(list, "reactive") || has(list, "present");
  const bool negative = has(list, "negative") || has(list, "neg") || has(list, "undetected") ||
                        has(list, "nonreactive") || has(list, "absent") || (negated && finding);
  const bool positive = has(list, "positive") || has(list, "pos") || (!negated && finding);
  if (negative == positive) {
    return Polarity::NoResult; // neither, or both ("negative for opiates, positive for THC"): not one answer
  }
  return negative ? Polarity::Negative : Polarity::Positive;
}

Polarity resultPolarity(const fhir::ObservationResult& result, const ValueSet& negative,
                        const ValueSet& positive) {
  if (negative.containsAny(result.value_codes)) {
    return Polarity::Negative;
  }
  if (positive.containsAny(result.value_codes)) {
    return Polarity::Positive;
  }
  if (!result.value_string.empty()) {
    return wordedPolarity(result.value_string);
  }
  if (!result.value_codes.empty()) {
    // A coded value of neither set ("see note", an unknown code) is not read through its flags.
    return Polarity::NoResult;
  }
  if (negative.containsAny(result.interpretation)) {
    return Polarity::Negative;
  }
  if (positive.containsAny(result.interpretation)) {
    return Polarity::Positive;
  }
  return Polarity::NoResult;
}

} // namespace pumpcds::policy
