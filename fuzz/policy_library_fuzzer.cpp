// Fuzzes the policy library's file loaders as an analyst's edited file reaches them (`--policies DIR`): the
// first byte picks the kind of file (policy, named rules, routing, orders, cards, value sets), the rest is
// its text. The bundled value sets and named rules are loaded once and stand in for the rest of the
// library: loading the whole library per input (2 MB of value sets) ran 5 inputs a second.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "cards/card_settings.h"
#include "library/named_rules.h"
#include "library/policy_library.h"
#include "library/policy_loader.h"
#include "policies/order_catalog.h"
#include "policies/routing.h"
#include "policies/value_set.h"

namespace {

using namespace pumpcds::policy;

struct Bundled {
  ValueSetLibrary value_sets;
  std::vector<std::pair<std::string, rapidjson::Document>> rules;
};

const Bundled& bundled() {
  static const Bundled* instance = [] {
    auto* out = new Bundled;
    std::vector<std::string> errors;
    for (const auto& file : bundledLibraryFiles()) {
      const bool value_sets = file.path.rfind("valuesets/", 0) == 0;
      const bool rules =
          file.path.rfind("rules/", 0) == 0 && file.path.find("_test.json") == std::string::npos;
      if (!value_sets && !rules) {
        continue;
      }
      rapidjson::Document document;
      document.Parse(file.text.data(), file.text.size());
      if (value_sets) {
        out->value_sets.loadFile(file.path, document, errors);
      } else {
        out->rules.emplace_back(file.path, std::move(document));
      }
    }
    out->value_sets.resolveIncludes(errors);
    if (!errors.empty()) {
      __builtin_trap(); // the bundled library must load
    }
    return out;
  }();
  return *instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const Bundled& library = bundled();
  rapidjson::Document document;
  document.Parse(reinterpret_cast<const char*>(data + 1), size - 1);
  if (document.HasParseError()) {
    return 0; // the loader reports it before any of these run
  }
  std::vector<std::string> errors;
  switch (data[0] % 6) {
  case 0: {
    NamedRules rules(library.value_sets, errors);
    for (const auto& [path, rule_file] : library.rules) {
      rules.addFile(path, rule_file);
    }
    (void)loadPolicy("fuzz/policy.json", document, library.value_sets, &rules, errors);
    break;
  }
  case 1: {
    NamedRules rules(library.value_sets, errors);
    rules.addFile("rules/fuzz.json", document);
    rules.resolveAll();
    break;
  }
  case 2: {
    RoutingTable routing;
    routing.load("routing.json", document, errors);
    break;
  }
  case 3: {
    OrderCatalog orders;
    orders.load("orders.json", document, library.value_sets, errors);
    break;
  }
  case 4: {
    pumpcds::cards::CardSettings cards;
    cards.load("cards.json", document, library.value_sets, errors);
    break;
  }
  default: {
    ValueSetLibrary value_sets;
    value_sets.loadFile("valuesets/fuzz.json", document, errors);
    value_sets.resolveIncludes(errors);
    break;
  }
  }
  return 0;
}
