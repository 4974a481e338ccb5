#include "policies/file_reader.h"

#include <algorithm>
#include <cmath>

namespace pumpcds::policy {

using fhir::JsonValue;

void FileReader::fail(const std::string& pointer, const std::string& reason) {
  errors_.push_back(file_ + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + reason);
}

bool FileReader::checkObject(const JsonValue* object, const std::string& pointer,
                             std::initializer_list<std::string_view> allowed) {
  if (object == nullptr || !object->IsObject()) {
    fail(pointer, "expected an object");
    return false;
  }
  for (const auto& item : object->GetObject()) {
    const std::string_view name(item.name.GetString(), item.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string expected;
      for (std::string_view key : allowed) {
        expected += (expected.empty() ? "" : ", ") + std::string(key);
      }
      fail(pointer + "/" + std::string(name), "unknown key, expected one of: " + expected);
    }
  }
  return true;
}

std::string FileReader::requiredString(const JsonValue& object, std::string_view key,
                                       const std::string& pointer) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr || !value->IsString() || value->GetStringLength() == 0) {
    fail(pointer + "/" + std::string(key),
         value == nullptr ? "missing, expected a string" : "expected a non-empty string");
    return {};
  }
  return value->GetString();
}

std::string FileReader::optionalString(const JsonValue& object, std::string_view key,
                                       const std::string& pointer) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr) {
    return {};
  }
  if (!value->IsString()) {
    fail(pointer + "/" + std::string(key), "expected a string");
    return {};
  }
  return value->GetString();
}

std::optional<int> FileReader::optionalInt(const JsonValue& object, std::string_view key,
                                           const std::string& pointer, int min, int max) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->IsInt() || value->GetInt() < min || value->GetInt() > max) {
    fail(pointer + "/" + std::string(key),
         "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return value->GetInt();
}

std::optional<double> FileReader::optionalNumber(const JsonValue& object, std::string_view key,
                                                 const std::string& pointer) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->IsNumber() || !std::isfinite(value->GetDouble())) {
    fail(pointer + "/" + std::string(key), "expected a number");
    return std::nullopt;
  }
  return value->GetDouble();
}

std::optional<bool> FileReader::optionalBool(const JsonValue& object, std::string_view key,
                                             const std::string& pointer) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->IsBool()) {
    fail(pointer + "/" + std::string(key), "expected true or false");
    return std::nullopt;
  }
  return value->GetBool();
}

std::vector<std::string> FileReader::stringList(const JsonValue& object, std::string_view key,
                                                const std::string& pointer, bool required) {
  std::vector<std::string> out;
  const std::string where = pointer + "/" + std::string(key);
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr) {
    if (required) {
      fail(where, "missing, expected a list of strings");
    }
    return out;
  }
  if (!value->IsArray()) {
    fail(where, "expected a list of strings");
    return out;
  }
  rapidjson::SizeType index = 0;
  for (const auto& item : value->GetArray()) {
    if (!item.IsString() || item.GetStringLength() == 0) {
      fail(where + "/" + std::to_string(index), "expected a non-empty string");
    } else {
      out.emplace_back(item.GetString());
    }
    ++index;
  }
  if (required && out.empty() && value->Empty()) {
    fail(where, "expected at least one entry");
  }
  return out;
}

std::vector<const ValueSet*> FileReader::valueSets(const JsonValue& object, std::string_view key,
                                                   const std::string& pointer, const ValueSetLibrary& library,
                                                   bool required) {
  std::vector<const ValueSet*> out;
  const auto ids = stringList(object, key, pointer, required);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (const ValueSet* set = library.find(ids[i])) {
      out.push_back(set);
    } else {
      fail(pointer + "/" + std::string(key) + "/" + std::to_string(i), "unknown value set '" + ids[i] + "'");
    }
  }
  return out;
}

const ValueSet* FileReader::valueSet(const JsonValue& object, std::string_view key,
                                     const std::string& pointer, const ValueSetLibrary& library) {
  const std::string id = requiredString(object, key, pointer);
  if (id.empty()) {
    return nullptr;
  }
  const ValueSet* set = library.find(id);
  if (set == nullptr) {
    fail(pointer + "/" + std::string(key), "unknown value set '" + id + "'");
  }
  return set;
}

std::optional<fhir::Date> FileReader::optionalDate(const JsonValue& object, std::string_view key,
                                                   const std::string& pointer) {
  const JsonValue* value = fhir::member(object, key);
  if (value == nullptr || value->IsNull()) {
    return std::nullopt;
  }
  std::optional<fhir::Date> date;
  if (value->IsString()) {
    date = fhir::Date::parse(value->GetString());
  }
  if (!date) {
    fail(pointer + "/" + std::string(key), "expected a date YYYY-MM-DD");
  }
  return date;
}

} // namespace pumpcds::policy
