#include "policies/value_set.h"

#include <algorithm>

#include <functional>
#include <set>

namespace pumpcds::policy {

using fhir::JsonValue;

void ValueSet::addCode(const fhir::Coding& coding) {
  codes_.insert(fhir::codingKey(coding));
}

std::optional<double> CodeProperties::number(std::string_view key) const {
  const auto found = numbers.find(key);
  return found == numbers.end() ? std::nullopt : std::optional<double>(found->second);
}

std::string CodeProperties::string(std::string_view key) const {
  const auto found = strings.find(key);
  return found == strings.end() ? std::string() : found->second;
}

void ValueSet::setProperties(const fhir::Coding& coding, CodeProperties properties) {
  properties_[fhir::codingKey(coding)] = std::move(properties);
}

const CodeProperties* ValueSet::properties(const fhir::Coding& coding) const {
  const auto found = properties_.find(fhir::codingKey(coding));
  return found == properties_.end() ? nullptr : &found->second;
}

void ValueSet::addRange(const std::string& system, const std::string& from, const std::string& to) {
  const std::string canonical = fhir::canonicalSystem(system);
  ranges_.push_back({canonical, fhir::comparableCode(canonical, from), fhir::comparableCode(canonical, to)});
}

void ValueSet::addExcludedCode(const fhir::Coding& coding) {
  excluded_codes_.insert(fhir::codingKey(coding));
}

void ValueSet::addExcludedRange(const std::string& system, const std::string& from, const std::string& to) {
  const std::string canonical = fhir::canonicalSystem(system);
  excluded_ranges_.push_back(
      {canonical, fhir::comparableCode(canonical, from), fhir::comparableCode(canonical, to)});
}

void ValueSet::include(const ValueSet& other, bool with_ranges) {
  codes_.insert(other.codes_.begin(), other.codes_.end());
  properties_.insert(other.properties_.begin(), other.properties_.end());
  if (with_ranges) {
    ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    excluded_codes_.insert(other.excluded_codes_.begin(), other.excluded_codes_.end());
    excluded_ranges_.insert(excluded_ranges_.end(), other.excluded_ranges_.begin(),
                            other.excluded_ranges_.end());
  }
}

bool ValueSet::inRange(const Range& range, const std::string& system, const std::string& code) {
  if (range.system != system) {
    return false;
  }
  return code.substr(0, range.from.size()) >= range.from && code.substr(0, range.to.size()) <= range.to;
}

bool ValueSet::contains(const fhir::Coding& coding) const {
  const std::string code = fhir::comparableCode(coding.system, coding.code);
  const std::string key = coding.system + "|" + code;
  if (excluded_codes_.count(key) != 0) {
    return false;
  }
  for (const auto& range : excluded_ranges_) {
    if (inRange(range, coding.system, code)) {
      return false;
    }
  }
  if (codes_.count(key) != 0) {
    return true;
  }
  for (const auto& range : ranges_) {
    if (inRange(range, coding.system, code)) {
      return true;
    }
  }
  return false;
}

bool ValueSet::containsAny(const std::vector<fhir::Coding>& codings) const {
  return firstMatch(codings) != nullptr;
}

const fhir::Coding* ValueSet::firstMatch(const std::vector<fhir::Coding>& codings) const {
  for (const auto& coding : codings) {
    if (contains(coding)) {
      return &coding;
    }
  }
  return nullptr;
}

namespace {

// A code or range entry; false when it has neither shape.
bool readEntry(const JsonValue& entry, bool& is_range, std::string& system, std::string& code,
               std::string& from, std::string& to) {
  system = fhir::stringAt(&entry, "system");
  code = fhir::stringAt(&entry, "code");
  from = fhir::stringAt(&entry, "from");
  to = fhir::stringAt(&entry, "to");
  is_range = code.empty();
  return !system.empty() && (!code.empty() || (!from.empty() && !to.empty()));
}

// The members of a code entry beyond system and code, when it has any.
std::optional<CodeProperties> readProperties(const JsonValue& entry) {
  CodeProperties properties;
  for (const auto& item : entry.GetObject()) {
    const std::string name(item.name.GetString(), item.name.GetStringLength());
    if (name == "system" || name == "code") {
      continue;
    }
    if (item.value.IsNumber()) {
      properties.numbers[name] = item.value.GetDouble();
    } else if (item.value.IsString()) {
      properties.strings[name] = item.value.GetString();
    }
  }
  if (properties.numbers.empty() && properties.strings.size() <= 1) {
    return std::nullopt; // a display alone is not worth keeping
  }
  return properties;
}

} // namespace

void ValueSetLibrary::loadFile(const std::string& file, const JsonValue& root,
                               std::vector<std::string>& errors) {
  if (!root.IsObject()) {
    errors.push_back(file + ": /: a value-set file must be a JSON object of sets");
    return;
  }
  for (const auto& set_member : root.GetObject()) {
    const std::string id(set_member.name.GetString(), set_member.name.GetStringLength());
    if (id.empty() || id.front() == '_') {
      continue;
    }
    const JsonValue& body = set_member.value;
    const std::string where = file + ": /" + id;
    if (!body.IsObject()) {
      errors.push_back(where + ": a value set must be an object");
      continue;
    }
    if (sets_.count(id) != 0) {
      errors.push_back(where + ": value set '" + id + "' is defined twice");
      continue;
    }
    ValueSet set(id, fhir::stringAt(&body, "description"), fhir::stringAt(&body, "source"));
    bool is_range = false;
    std::string system;
    std::string code;
    std::string from;
    std::string to;
    for (const char* list : {"codes", "ranges", "exclude"}) {
      const JsonValue* entries = fhir::member(body, list);
      if (entries == nullptr) {
        continue;
      }
      if (!entries->IsArray()) {
        errors.push_back(where + "/" + list + ": expected an array");
        continue;
      }
      rapidjson::SizeType index = 0;
      for (const auto& entry : entries->GetArray()) {
        if (!readEntry(entry, is_range, system, code, from, to)) {
          errors.push_back(where + "/" + list + "/" + std::to_string(index) +
                           ": expected {system, code} or {system, from, to}");
        } else if (std::string_view(list) == "exclude") {
          is_range ? set.addExcludedRange(system, from, to)
                   : set.addExcludedCode({fhir::canonicalSystem(system), code, {}});
        } else {
          if (fhir::boolAt(&entry, "verified") == false) {
            set.countUnverified();
          }
          if (is_range) {
            set.addRange(system, from, to);
          } else {
            const fhir::Coding coding{fhir::canonicalSystem(system), code, {}};
            set.addCode(coding);
            if (auto properties = readProperties(entry)) {
              set.setProperties(coding, std::move(*properties));
            }
          }
        }
        ++index;
      }
    }
    for (const JsonValue* include : fhir::items(fhir::member(body, "include"))) {
      const std::string source = fhir::stringAt(include, "set");
      if (source.empty()) {
        errors.push_back(where + "/include: each include needs a \"set\"");
        continue;
      }
      includes_.push_back({file, id, source, fhir::boolAt(include, "ranges").value_or(true)});
    }
    sets_.emplace(id, std::move(set));
  }
}

void ValueSetLibrary::resolveIncludes(std::vector<std::string>& errors) {
  // Depth first, so a set that includes a set with includes of its own gets all of them.
  std::set<std::string> done;
  std::set<std::string> in_progress;
  std::function<void(const std::string&)> resolve = [&](const std::string& target) {
    if (done.count(target) != 0) {
      return;
    }
    in_progress.insert(target);
    for (const auto& pending : includes_) {
      if (pending.target != target) {
        continue;
      }
      const auto source = sets_.find(pending.source);
      if (source == sets_.end()) {
        errors.push_back(pending.file + ": /" + target + "/include: unknown value set '" + pending.source +
                         "'");
        continue;
      }
      if (in_progress.count(pending.source) != 0) {
        errors.push_back(pending.file + ": /" + target + "/include: '" + pending.source +
                         "' includes it back");
        continue;
      }
      resolve(pending.source);
      sets_[target].include(source->second, pending.with_ranges);
    }
    in_progress.erase(target);
    done.insert(target);
  };
  for (const auto& pending : includes_) {
    resolve(pending.target);
  }
  includes_.clear();
}

std::set<std::string> ValueSet::systems() const {
  std::set<std::string> out;
  for (const auto& key : codes_) {
    out.insert(key.substr(0, key.find('|')));
  }
  for (const auto& range : ranges_) {
    out.insert(range.system);
  }
  return out;
}

bool ValueSetLibrary::anyContains(const fhir::Coding& coding) const {
  return std::any_of(sets_.begin(), sets_.end(),
                     [&](const auto& entry) { return entry.second.contains(coding); });
}

const ValueSet* ValueSetLibrary::find(std::string_view id) const {
  const auto found = sets_.find(id);
  return found == sets_.end() ? nullptr : &found->second;
}

} // namespace pumpcds::policy
