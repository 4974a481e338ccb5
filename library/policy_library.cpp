#include "library/policy_library.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include "base/text.h"
#include "library/named_rules.h"
#include "library/policy_loader.h"

namespace pumpcds::policy {
namespace {

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string sha256Hex(const std::vector<LibraryFile>& files) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  for (const auto& file : files) {
    EVP_DigestUpdate(context, file.path.data(), file.path.size() + 1); // with the terminating NUL
    EVP_DigestUpdate(context, file.text.data(), file.text.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

} // namespace

Result<PolicyLibrary::Ptr> PolicyLibrary::load(const std::vector<LibraryFile>& input) {
  std::vector<LibraryFile> files = input;
  std::sort(files.begin(), files.end(),
            [](const LibraryFile& a, const LibraryFile& b) { return a.path < b.path; });
  auto library = std::make_shared<PolicyLibrary>();
  std::vector<std::string> errors;
  std::vector<std::pair<const LibraryFile*, rapidjson::Document>> parsed;
  for (const auto& file : files) {
    if (!endsWith(file.path, ".json")) {
      continue;
    }
    rapidjson::Document document;
    document.Parse(file.text.data(), file.text.size());
    if (document.HasParseError()) {
      errors.push_back(file.path + ": " + fhir::describeParseError(document, file.text));
      continue;
    }
    parsed.emplace_back(&file, std::move(document));
  }
  const auto isValueSetFile = [](const std::string& path) { return path.rfind("valuesets/", 0) == 0; };
  for (const auto& [file, document] : parsed) {
    if (isValueSetFile(file->path)) {
      library->value_sets_.loadFile(file->path, document, errors);
    }
  }
  library->value_sets_.resolveIncludes(errors);
  const auto isRulesFile = [](const std::string& path) { return path.rfind("rules/", 0) == 0; };
  NamedRules named_rules(library->value_sets_, errors);
  for (const auto& [file, document] : parsed) {
    if (isRulesFile(file->path) && !endsWith(file->path, "_test.json")) {
      named_rules.addFile(file->path, document);
    }
  }
  bool have_orders = false;
  bool have_routing = false;
  bool have_cards = false;
  for (const auto& [file, document] : parsed) {
    const std::string& path = file->path;
    if (isValueSetFile(path) || isRulesFile(path) || endsWith(path, "_test.json")) {
      continue;
    }
    if (path == "orders.json") {
      library->orders_.load(path, document, library->value_sets_, errors);
      have_orders = true;
    } else if (path == "routing.json") {
      library->routing_.load(path, document, errors);
      have_routing = true;
    } else if (path == "cards.json") {
      library->card_settings_.load(path, document, library->value_sets_, errors);
      have_cards = true;
    } else if (auto policy = loadPolicy(path, document, library->value_sets_, &named_rules, errors)) {
      if (library->find(policy->id) != nullptr) {
        errors.push_back(path + ": /id: policy id '" + policy->id + "' is already used by another file");
      } else {
        library->policies_.push_back(std::move(*policy));
      }
    }
  }
  named_rules.resolveAll(); // a named rule no policy uses yet is still checked
  for (const auto& [name, definition] : named_rules.definitions()) {
    library->named_rules_.emplace(name, NamedRule{definition.file, definition.parsed});
  }
  if (!have_orders) {
    errors.emplace_back("orders.json: missing from the library: it says which order codes are pump orders");
  }
  if (!have_cards) {
    errors.emplace_back("cards.json: missing from the library: it holds the override reasons cards offer");
  }
  if (!have_routing) {
    errors.emplace_back(
        "routing.json: missing from the library: it says which coverage goes to which policy");
  }
  for (const auto& policy : library->policies_) {
    const auto& routes = library->routing_.routes();
    if (have_routing && std::none_of(routes.begin(), routes.end(),
                                     [&](const Route& route) { return route.policy_id == policy.id; })) {
      errors.push_back(policy.file + ": /id: no route in routing.json points to policy '" + policy.id +
                       "', so it would never decide an order: add a route for the coverage it governs");
    }
  }
  if (have_cards) {
    for (const auto& policy : library->policies_) {
      for (size_t i = 0; i < policy.criteria.size(); ++i) {
        const auto& suggestions = policy.criteria[i].suggestions;
        for (size_t j = 0; j < suggestions.size(); ++j) {
          if (library->card_settings_.findSuggestion(suggestions[j]) == nullptr) {
            errors.push_back(policy.file + ": /criteria/" + std::to_string(i) + "/suggestions/" +
                             std::to_string(j) + ": unknown suggestion '" + suggestions[j] +
                             "': cards.json lists the orders a card can suggest");
          }
        }
      }
    }
  }
  for (size_t i = 0; i < library->routing_.routes().size(); ++i) {
    const std::string& id = library->routing_.routes()[i].policy_id;
    if (!id.empty() && library->find(id) == nullptr) {
      errors.push_back("routing.json: /routes/" + std::to_string(i) + "/policy: unknown policy '" + id + "'");
    }
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::string message;
    for (const auto& error : errors) {
      message += (message.empty() ? "" : "\n") + error;
    }
    return invalidArgument(message);
  }
  for (const auto& policy : library->policies_) {
    library->read_types_.insert(policy.read_types.begin(), policy.read_types.end());
  }
  library->revision_ = sha256Hex(files);
  return Ptr(std::move(library));
}

Result<PolicyLibrary::Ptr> PolicyLibrary::loadDirectory(const std::string& directory) {
  auto files = readLibraryDirectory(directory);
  if (!files.isOk()) {
    return files.status();
  }
  return load(files.value());
}

Result<std::vector<LibraryFile>> readLibraryDirectory(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return notFound(directory + ": not a directory");
  }
  std::vector<LibraryFile> files;
  for (auto it = fs::recursive_directory_iterator(directory, error); !error && it != fs::end(it);
       it.increment(error)) {
    if (!it->is_regular_file() || it->path().extension() != ".json") {
      continue;
    }
    auto text = base::readWholeFile(it->path().string());
    if (!text) {
      return invalidArgument(it->path().string() + ": cannot be read");
    }
    files.push_back({fs::relative(it->path(), directory).generic_string(), std::move(*text)});
  }
  if (error) {
    return invalidArgument(directory + ": " + error.message());
  }
  return files;
}

Result<PolicyLibrary::Ptr> PolicyLibrary::loadBundled() {
  return load(bundledLibraryFiles());
}

const Rule* PolicyLibrary::namedRule(std::string_view name) const {
  const auto found = named_rules_.find(name);
  return found != named_rules_.end() ? found->second.rule.get() : nullptr;
}

const Policy* PolicyLibrary::find(std::string_view id) const {
  for (const auto& policy : policies_) {
    if (policy.id == id) {
      return &policy;
    }
  }
  return nullptr;
}

RoutingResult PolicyLibrary::route(const fhir::PatientRecord& record, const fhir::Date& as_of) const {
  return routing_.route(record, as_of, [this](const std::string& id) { return find(id); });
}

} // namespace pumpcds::policy
