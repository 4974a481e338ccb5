#include "questionnaires/questionnaire_catalog.h"

#include <algorithm>

#include "fhir/json_write.h"
#include "questionnaires/questionnaire_writer.h"

namespace pumpcds::questionnaires {
namespace {

struct Filter {
  std::vector<std::string> ids;
  std::vector<std::string> urls;
  std::vector<std::string> versions;
};

bool accepts(const std::vector<std::string>& wanted, const std::string& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

} // namespace

Result<std::string> readQuestionnaire(const policy::PolicyLibrary& library, const std::string& id) {
  for (auto& questionnaire : libraryQuestionnaires(library)) {
    if (questionnaire.id == id) {
      return std::move(questionnaire.json);
    }
  }
  return notFound("no Questionnaire '" + id + "' in policy library revision " +
                  library.revision().substr(0, 16) + " (GET /fhir/Questionnaire lists them)");
}

Result<std::string> searchQuestionnaires(const policy::PolicyLibrary& library,
                                         const std::vector<std::pair<std::string, std::string>>& parameters,
                                         const std::string& fhir_base) {
  Filter filter;
  for (const auto& [name, value] : parameters) {
    if (name == "url") {
      // A canonical may carry its version after '|'.
      const auto bar = value.find('|');
      filter.urls.push_back(value.substr(0, bar));
      if (bar != std::string::npos) {
        filter.versions.push_back(value.substr(bar + 1));
      }
    } else if (name == "_id") {
      filter.ids.push_back(value);
    } else if (name == "version") {
      filter.versions.push_back(value);
    } else {
      return invalidArgument("Questionnaire search: unknown parameter '" + name +
                             "' (supported: url, url|version, _id, version)");
    }
  }
  rapidjson::StringBuffer buffer;
  fhir::JsonWriter out(buffer);
  std::vector<GeneratedQuestionnaire> found;
  for (auto& questionnaire : libraryQuestionnaires(library)) {
    if (accepts(filter.ids, questionnaire.id) && accepts(filter.urls, questionnaire.url) &&
        accepts(filter.versions, questionnaire.version)) {
      found.push_back(std::move(questionnaire));
    }
  }
  out.StartObject();
  out.Key("resourceType");
  out.String("Bundle");
  out.Key("type");
  out.String("searchset");
  out.Key("total");
  out.Uint64(found.size());
  out.Key("entry");
  out.StartArray();
  for (const auto& questionnaire : found) {
    out.StartObject();
    if (!fhir_base.empty()) {
      out.Key("fullUrl");
      fhir::writeString(out, fhir_base + "/Questionnaire/" + questionnaire.id);
    }
    out.Key("resource");
    out.RawValue(questionnaire.json.data(), questionnaire.json.size(), rapidjson::kObjectType);
    out.Key("search");
    out.StartObject();
    out.Key("mode");
    out.String("match");
    out.EndObject();
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

const GeneratedQuestionnaire* findByCanonical(const std::vector<GeneratedQuestionnaire>& all,
                                              const std::string& canonical,
                                              std::vector<fhir::OutcomeIssue>& issues) {
  const auto bar = canonical.find('|');
  const std::string url = canonical.substr(0, bar);
  for (const auto& questionnaire : all) {
    if (questionnaire.url != url) {
      continue;
    }
    if (bar != std::string::npos && canonical.substr(bar + 1) != questionnaire.version) {
      issues.push_back({"warning", "informational",
                        "questionnaire " + canonical + ": version " + canonical.substr(bar + 1) +
                            " is not served; sent the current version " + questionnaire.version});
    }
    return &questionnaire;
  }
  issues.push_back({"error", "not-found", "questionnaire " + canonical + ": not served by this library"});
  return nullptr;
}

} // namespace pumpcds::questionnaires
