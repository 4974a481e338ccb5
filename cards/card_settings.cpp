#include "cards/card_settings.h"

#include <set>

#include "policies/file_reader.h"

namespace pumpcds::cards {

namespace {

using policy::FileReader;

std::optional<fhir::Coding> readCoding(FileReader& in, const fhir::JsonValue* json, const std::string& at) {
  if (!in.checkObject(json, at, {"system", "code", "display"})) {
    return std::nullopt;
  }
  return fhir::Coding{fhir::canonicalSystem(in.requiredString(*json, "system", at)),
                      in.requiredString(*json, "code", at), in.requiredString(*json, "display", at)};
}

void loadOverrideReasons(FileReader& in, const fhir::JsonValue& root, CardSettings& settings) {
  const auto reasons = fhir::items(fhir::member(root, "override_reasons"));
  if (reasons.empty()) {
    in.fail("/override_reasons", "expected a non-empty list of {code, display}");
    return;
  }
  std::set<std::string> codes;
  for (size_t i = 0; i < reasons.size(); ++i) {
    const std::string at = "/override_reasons/" + std::to_string(i);
    if (!in.checkObject(reasons[i], at, {"code", "display"})) {
      continue;
    }
    fhir::Coding reason{std::string(kOverrideReasonSystem), in.requiredString(*reasons[i], "code", at),
                        in.requiredString(*reasons[i], "display", at)};
    if (!reason.code.empty() && !codes.insert(reason.code).second) {
      in.fail(at + "/code", "code '" + reason.code + "' is used twice");
    }
    settings.override_reasons.push_back(std::move(reason));
  }
}

void loadSuggestions(FileReader& in, const fhir::JsonValue& root, const policy::ValueSetLibrary& value_sets,
                     CardSettings& settings) {
  std::set<std::string> ids;
  const auto suggestions = fhir::items(fhir::member(root, "suggestions"));
  for (size_t i = 0; i < suggestions.size(); ++i) {
    const std::string at = "/suggestions/" + std::to_string(i);
    if (!in.checkObject(suggestions[i], at,
                        {"id", "label", "option_name", "code", "in_value_set", "category"})) {
      continue;
    }
    SuggestionTemplate suggestion;
    suggestion.id = in.requiredString(*suggestions[i], "id", at);
    suggestion.label = in.requiredString(*suggestions[i], "label", at);
    suggestion.option_name = in.requiredString(*suggestions[i], "option_name", at);
    if (!suggestion.id.empty() && !ids.insert(suggestion.id).second) {
      in.fail(at + "/id", "suggestion '" + suggestion.id + "' is defined twice");
    }
    const auto code = readCoding(in, fhir::member(*suggestions[i], "code"), at + "/code");
    const auto category = readCoding(in, fhir::member(*suggestions[i], "category"), at + "/category");
    const policy::ValueSet* set = in.valueSet(*suggestions[i], "in_value_set", at, value_sets);
    if (!code || !category) {
      continue;
    }
    if (set != nullptr && !set->contains(*code)) {
      in.fail(at + "/code", "code " + code->code + " is not in value set '" + set->id() +
                                "': a suggestion must order what its criteria look for");
    }
    suggestion.code = *code;
    suggestion.category = *category;
    settings.suggestions.push_back(std::move(suggestion));
  }
}

} // namespace

const SuggestionTemplate* CardSettings::findSuggestion(std::string_view id) const {
  for (const auto& suggestion : suggestions) {
    if (suggestion.id == id) {
      return &suggestion;
    }
  }
  return nullptr;
}

void CardSettings::load(const std::string& file, const fhir::JsonValue& root,
                        const policy::ValueSetLibrary& value_sets, std::vector<std::string>& errors) {
  FileReader in(file, errors);
  if (!in.checkObject(&root, "", {"description", "override_reasons", "suggestions", "text"})) {
    return;
  }
  loadOverrideReasons(in, root, *this);
  loadSuggestions(in, root, value_sets, *this);
  text.load(file, fhir::member(root, "text"), errors);
}

} // namespace pumpcds::cards
