#include "tests/support/cds_response_checker.h"

#include <cctype>
#include <set>

#include <rapidjson/document.h>

namespace pumpcds::testing {
namespace {

using Value = rapidjson::Value;

size_t characters(const std::string& utf8) {
  size_t count = 0;
  for (const char c : utf8) {
    count += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;
  }
  return count;
}

bool isUuid(const std::string& text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-') || (!dash && std::isxdigit(static_cast<unsigned char>(text[i])) == 0)) {
      return false;
    }
  }
  return true;
}

// A bare FHIR id ("Procedure/abc-123") in text meant for a person.
bool hasBareReference(const std::string& text) {
  for (const char* type : {"Condition/", "Observation/", "Procedure/", "MedicationRequest/",
                           "MedicationStatement/", "Encounter/", "AllergyIntolerance/", "DocumentReference/",
                           "QuestionnaireResponse/", "Device/", "CarePlan/", "Coverage/", "Organization/"}) {
    if (text.find(type) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class Checker {
public:
  std::vector<std::string> problems;

  void fail(const std::string& where, const std::string& what) { problems.push_back(where + ": " + what); }

  const Value* string(const Value& object, const char* key, const std::string& where, bool required) {
    const auto found = object.FindMember(key);
    if (found == object.MemberEnd()) {
      if (required) {
        fail(where + "/" + key, "missing");
      }
      return nullptr;
    }
    if (!found->value.IsString() || found->value.GetStringLength() == 0) {
      fail(where + "/" + key, "expected a non-empty string");
      return nullptr;
    }
    return &found->value;
  }

  void noEmptyValues(const Value& value, const std::string& where) {
    if (value.IsNull()) {
      fail(where, "null");
    } else if (value.IsString() && value.GetStringLength() == 0) {
      fail(where, "empty string");
    } else if (value.IsArray()) {
      if (value.Empty() && where != "/cards") {
        fail(where, "empty array");
      }
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        noEmptyValues(value[i], where + "/" + std::to_string(i));
      }
    } else if (value.IsObject()) {
      if (value.MemberCount() == 0) {
        fail(where, "empty object");
      }
      for (const auto& member : value.GetObject()) {
        noEmptyValues(member.value, where + "/" + member.name.GetString());
      }
    }
  }

  void coding(const Value& value, const std::string& where) {
    if (!value.IsObject()) {
      fail(where, "expected a Coding");
      return;
    }
    string(value, "system", where, true);
    string(value, "code", where, true);
  }

  void card(const Value& card, const std::string& where, std::set<std::string>& uuids) {
    if (!card.IsObject()) {
      fail(where, "a card is an object");
      return;
    }
    if (const Value* uuid = string(card, "uuid", where, true)) {
      if (!isUuid(uuid->GetString()) || !uuids.insert(uuid->GetString()).second) {
        fail(where + "/uuid", "expected a uuid no other card has");
      }
    }
    if (const Value* summary = string(card, "summary", where, true);
        summary != nullptr && characters(summary->GetString()) >= 140) {
      fail(where + "/summary", "140 characters or more");
    }
    if (const Value* indicator = string(card, "indicator", where, true)) {
      const std::string text = indicator->GetString();
      if (text != "info" && text != "warning" && text != "critical") {
        fail(where + "/indicator", "'" + text + "' is not info, warning or critical");
      }
    }
    const auto source = card.FindMember("source");
    if (source == card.MemberEnd() || !source->value.IsObject()) {
      fail(where + "/source", "missing");
    } else {
      string(source->value, "label", where + "/source", true);
      if (const Value* url = string(source->value, "url", where + "/source", false);
          url != nullptr && std::string(url->GetString()).rfind("http", 0) != 0) {
        fail(where + "/source/url", "not an absolute URL");
      }
    }
    for (const char* text_key : {"summary", "detail"}) {
      const auto text = card.FindMember(text_key);
      if (text != card.MemberEnd() && text->value.IsString() && hasBareReference(text->value.GetString())) {
        fail(where + "/" + text_key, "a bare FHIR id in text for a person");
      }
    }
    if (const auto links = card.FindMember("links"); links != card.MemberEnd()) {
      for (rapidjson::SizeType i = 0; i < links->value.Size(); ++i) {
        const std::string at = where + "/links/" + std::to_string(i);
        string(links->value[i], "label", at, true);
        const Value* url = string(links->value[i], "url", at, true);
        if (url != nullptr && std::string(url->GetString()).rfind("http", 0) != 0) {
          fail(at + "/url", "not an absolute URL");
        }
        const Value* type = string(links->value[i], "type", at, true);
        if (type != nullptr && std::string(type->GetString()) != "absolute" &&
            std::string(type->GetString()) != "smart") {
          fail(at + "/type", "not absolute or smart");
        }
      }
    }
    if (const auto reasons = card.FindMember("overrideReasons"); reasons != card.MemberEnd()) {
      for (rapidjson::SizeType i = 0; i < reasons->value.Size(); ++i) {
        coding(reasons->value[i], where + "/overrideReasons/" + std::to_string(i));
      }
    }
    if (const auto suggestions = card.FindMember("suggestions"); suggestions != card.MemberEnd()) {
      const Value* behaviour = string(card, "selectionBehavior", where, true);
      if (behaviour != nullptr && std::string(behaviour->GetString()) != "any" &&
          std::string(behaviour->GetString()) != "at-most-one") {
        fail(where + "/selectionBehavior", "not any or at-most-one");
      }
      for (rapidjson::SizeType i = 0; suggestions->value.IsArray() && i < suggestions->value.Size(); ++i) {
        suggestion(suggestions->value[i], where + "/suggestions/" + std::to_string(i), uuids);
      }
    } else if (card.HasMember("selectionBehavior")) {
      fail(where + "/selectionBehavior", "without suggestions");
    }
  }

  // CDS Hooks 2.0: a label, a uuid no other card or suggestion has, and actions an EHR can apply.
  void suggestion(const Value& suggestion, const std::string& where, std::set<std::string>& uuids) {
    string(suggestion, "label", where, true);
    if (const Value* uuid = string(suggestion, "uuid", where, true)) {
      if (!isUuid(uuid->GetString()) || !uuids.insert(uuid->GetString()).second) {
        fail(where + "/uuid", "expected a uuid no other card or suggestion has");
      }
    }
    const auto actions = suggestion.FindMember("actions");
    if (actions == suggestion.MemberEnd() || !actions->value.IsArray() || actions->value.Empty()) {
      fail(where + "/actions", "a suggestion needs at least one action");
      return;
    }
    for (rapidjson::SizeType i = 0; i < actions->value.Size(); ++i) {
      const Value& action = actions->value[i];
      const std::string at = where + "/actions/" + std::to_string(i);
      const Value* type = string(action, "type", at, true);
      string(action, "description", at, true);
      if (type != nullptr && std::string(type->GetString()) != "delete") {
        const auto resource = action.FindMember("resource");
        if (resource == action.MemberEnd() || !resource->value.IsObject() ||
            !resource->value.HasMember("resourceType")) {
          fail(at + "/resource", "a create or update needs a FHIR resource");
        }
      }
    }
  }

  void coverageInformation(const Value& resource, const std::string& where) {
    bool found = false;
    for (const Value& extension : resource["extension"].GetArray()) {
      if (std::string(extension["url"].GetString()).find("ext-coverage-information") == std::string::npos) {
        continue;
      }
      found = true;
      std::set<std::string> parts;
      for (const Value& part : extension["extension"].GetArray()) {
        const std::string url = part["url"].GetString();
        parts.insert(url);
        if (url == "covered") {
          const std::string code = part["valueCode"].GetString();
          if (code != "covered" && code != "not-covered" && code != "conditional") {
            fail(where, "covered '" + code + "' is not covered, not-covered or conditional");
          }
        } else if (url == "pa-needed") {
          const std::string code = part["valueCode"].GetString();
          if (code != "auth-needed" && code != "no-auth" && code != "satisfied" && code != "performpa" &&
              code != "conditional") {
            fail(where, "pa-needed '" + code + "' is not a CRD code");
          }
        }
      }
      for (const char* required : {"coverage", "covered", "date", "coverage-assertion-id"}) {
        if (parts.count(required) == 0) {
          fail(where, std::string("coverage-information lacks '") + required + "'");
        }
      }
    }
    if (!found) {
      fail(where, "an update of an order without coverage information");
    }
  }
};

} // namespace

std::vector<std::string> cdsResponseProblems(const std::string& response_json) {
  Checker check;
  rapidjson::Document response;
  response.Parse(response_json.c_str());
  if (response.HasParseError() || !response.IsObject()) {
    return {"/: not a JSON object"};
  }
  check.noEmptyValues(response, "");
  const auto cards = response.FindMember("cards");
  if (cards == response.MemberEnd() || !cards->value.IsArray()) {
    check.fail("/cards", "missing (required, even when empty)");
    return check.problems;
  }
  std::set<std::string> uuids;
  for (rapidjson::SizeType i = 0; i < cards->value.Size(); ++i) {
    check.card(cards->value[i], "/cards/" + std::to_string(i), uuids);
  }
  if (const auto actions = response.FindMember("systemActions"); actions != response.MemberEnd()) {
    for (rapidjson::SizeType i = 0; i < actions->value.Size(); ++i) {
      const Value& action = actions->value[i];
      const std::string at = "/systemActions/" + std::to_string(i);
      const Value* type = check.string(action, "type", at, true);
      if (type != nullptr && std::string(type->GetString()) != "update" &&
          std::string(type->GetString()) != "create" && std::string(type->GetString()) != "delete") {
        check.fail(at + "/type", "not create, update or delete");
      }
      check.string(action, "description", at, true);
      const auto resource = action.FindMember("resource");
      if (resource == action.MemberEnd() || !resource->value.IsObject()) {
        check.fail(at + "/resource", "missing");
      } else if (resource->value.HasMember("extension") && resource->value["extension"].IsArray()) {
        check.coverageInformation(resource->value, at + "/resource");
      } else {
        check.fail(at + "/resource", "an update of an order without coverage information");
      }
    }
  }
  return check.problems;
}

} // namespace pumpcds::testing
