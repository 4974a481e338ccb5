// What an EHR can configure per call (Da Vinci CRD "davinci-crd.configuration"), and the options pumpcds
// advertises in discovery ("davinci-crd.configuration-options"): the card's detail level and, for each
// suggestion in cards.json, whether it is offered.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "cards/card_settings.h"

namespace pumpcds::cards {

/// A value the request gave for one option, as JSON typed it.
struct ConfigurationValue {
  enum class Type { Boolean, Integer, Other };
  Type type = Type::Other;
  bool boolean = false;
  int64_t integer = 0;
};

/// One option as discovery describes it.
struct ConfigurationOption {
  std::string code;
  std::string type; ///< "boolean" or "integer"
  std::string name;
  std::string description;
  std::string default_json; ///< "true", "2"
};

inline constexpr int kBriefDetail = 1;   ///< what to order, record and attest, by name only
inline constexpr int kDefaultDetail = 2; ///< plus one line of why per item and a line of what is met
inline constexpr int kFullDetail = 3;    ///< every criterion with its finding and evidence

struct CardOptions {
  int detail_level = kDefaultDetail;
  std::set<std::string> suggestions_off; ///< suggestion ids the EHR switched off
};

/// The options of this library: "detail-level", then "suggest-<id>" per suggestion.
std::vector<ConfigurationOption> configurationOptions(const CardSettings& settings);

/// The options a request sets. Unknown codes are ignored (CRD); a known one with the wrong JSON type or
/// out of range is InvalidArgument naming it.
Result<CardOptions> readConfiguration(const std::vector<std::pair<std::string, ConfigurationValue>>& values,
                                      const CardSettings& settings);

} // namespace pumpcds::cards
