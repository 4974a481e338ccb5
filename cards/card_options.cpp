#include "cards/card_options.h"

namespace pumpcds::cards {

namespace {
constexpr std::string_view kDetailLevel = "detail-level";
constexpr std::string_view kSuggestPrefix = "suggest-";
} // namespace

std::vector<ConfigurationOption> configurationOptions(const CardSettings& settings) {
  std::vector<ConfigurationOption> options;
  options.push_back({std::string(kDetailLevel), "integer", "Card detail level",
                     "1: only what to order, record and attest, by name; 2: also one line of why per item "
                     "and what is already met; 3: every criterion with its finding and evidence.",
                     std::to_string(kDefaultDetail)});
  for (const auto& suggestion : settings.suggestions) {
    options.push_back(
        {std::string(kSuggestPrefix) + suggestion.id, "boolean", suggestion.option_name,
         "Offer '" + suggestion.label + "' as a suggestion when a criterion it closes is missing.", "true"});
  }
  return options;
}

Result<CardOptions> readConfiguration(const std::vector<std::pair<std::string, ConfigurationValue>>& values,
                                      const CardSettings& settings) {
  CardOptions options;
  for (const auto& [code, value] : values) {
    const std::string where = "'extension.davinci-crd.configuration." + code + "'";
    if (code == kDetailLevel) {
      if (value.type != ConfigurationValue::Type::Integer || value.integer < kBriefDetail ||
          value.integer > kFullDetail) {
        return invalidArgument(where + " must be an integer from " + std::to_string(kBriefDetail) + " to " +
                               std::to_string(kFullDetail));
      }
      options.detail_level = static_cast<int>(value.integer);
      continue;
    }
    if (code.rfind(kSuggestPrefix, 0) != 0 ||
        settings.findSuggestion(std::string_view(code).substr(kSuggestPrefix.size())) == nullptr) {
      continue; // an option of another service or a later version: ignored, as CRD asks
    }
    if (value.type != ConfigurationValue::Type::Boolean) {
      return invalidArgument(where + " must be true or false");
    }
    if (!value.boolean) {
      options.suggestions_off.insert(code.substr(kSuggestPrefix.size()));
    }
  }
  return options;
}

} // namespace pumpcds::cards
