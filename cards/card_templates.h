// The words of the cards as templates a payer can edit (cards.json "text"): each template has an id and
// names the values it may use in braces ("{order}: {policy} needs {needs}"). Which ids exist and which
// values each may use is fixed here, so a misspelt id or value is a load error, not a blank on a card.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/json_read.h"

namespace pumpcds::cards {

class CardTemplates {
public:
  using Values = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  /// The template `id` with each {name} replaced by its value. An id not loaded gives "" (never the case
  /// for a loaded library: every id is required).
  [[nodiscard]] std::string render(std::string_view id, Values values = {}) const;

  /// Reads the "text" object of cards.json: every known id must be there, no other, and each may use only
  /// its own values. Problems are appended as "<file>: <pointer>: <reason>".
  void load(const std::string& file, const fhir::JsonValue* text, std::vector<std::string>& errors);

  /// Every template id with the values it may use.
  static const std::map<std::string, std::vector<std::string>, std::less<>>& known();

private:
  std::map<std::string, std::string, std::less<>> templates_;
};

} // namespace pumpcds::cards
