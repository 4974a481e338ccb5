#include "fhir/json_read.h"

#include <rapidjson/writer.h>

#include <rapidjson/stringbuffer.h>

#include <rapidjson/error/en.h>

namespace pumpcds::fhir {

const JsonValue* member(const JsonValue& object, std::string_view key) {
  if (!object.IsObject()) {
    return nullptr;
  }
  const auto found = object.FindMember(
      JsonValue(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return found == object.MemberEnd() ? nullptr : &found->value;
}

const JsonValue* member(const JsonValue* object, std::string_view key) {
  return object == nullptr ? nullptr : member(*object, key);
}

std::string stringAt(const JsonValue* object, std::string_view key) {
  const JsonValue* value = member(object, key);
  return value != nullptr && value->IsString() ? std::string(value->GetString(), value->GetStringLength())
                                               : std::string();
}

std::optional<double> numberAt(const JsonValue* object, std::string_view key) {
  const JsonValue* value = member(object, key);
  if (value != nullptr && value->IsNumber()) {
    return value->GetDouble();
  }
  return std::nullopt;
}

std::optional<bool> boolAt(const JsonValue* object, std::string_view key) {
  const JsonValue* value = member(object, key);
  if (value != nullptr && value->IsBool()) {
    return value->GetBool();
  }
  return std::nullopt;
}

std::vector<const JsonValue*> items(const JsonValue* value) {
  std::vector<const JsonValue*> out;
  if (value == nullptr || value->IsNull()) {
    return out;
  }
  if (value->IsArray()) {
    for (const auto& item : value->GetArray()) {
      out.push_back(&item);
    }
  } else {
    out.push_back(value);
  }
  return out;
}

std::optional<Coding> coding(const JsonValue* value) {
  const std::string code = stringAt(value, "code");
  if (code.empty()) {
    return std::nullopt;
  }
  return Coding{canonicalSystem(stringAt(value, "system")), code, stringAt(value, "display")};
}

std::vector<Coding> codings(const JsonValue* codeable_concept) {
  std::vector<Coding> out;
  for (const JsonValue* concept_value : items(codeable_concept)) {
    for (const JsonValue* item : items(member(concept_value, "coding"))) {
      if (auto parsed = coding(item)) {
        out.push_back(std::move(*parsed));
      }
    }
  }
  return out;
}

std::string conceptText(const JsonValue* codeable_concept) {
  for (const JsonValue* concept_value : items(codeable_concept)) {
    std::string text = stringAt(concept_value, "text");
    if (!text.empty()) {
      return text;
    }
    for (const JsonValue* item : items(member(concept_value, "coding"))) {
      std::string display = stringAt(item, "display");
      if (!display.empty()) {
        return display;
      }
    }
  }
  return {};
}

bool nestsDeeperThan(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i; // skip the escaped character
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) {
        return true;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

TextPosition positionOf(std::string_view text, size_t offset) {
  TextPosition position;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

std::string describeParseError(const rapidjson::Document& document, std::string_view text) {
  const TextPosition position = positionOf(text, document.GetErrorOffset());
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column) + ": " +
         rapidjson::GetParseError_En(document.GetParseError());
}

std::string jsonText(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  value.Accept(out);
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace pumpcds::fhir
