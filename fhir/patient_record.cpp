#include "fhir/patient_record.h"

#include <algorithm>

#include <optional>

namespace pumpcds::fhir {
namespace {

// What a reference names: "Patient/1", "https://ehr/fhir/Patient/1" and "Patient/1/_history/2" give type
// Patient and id 1; "urn:uuid:x" gives id x and no type. nullopt when it names nothing this way
// (a contained "#x", a bare word).
struct ReferenceParts {
  std::string_view type;
  std::string_view id;
  bool urn_uuid = false;
};

std::optional<ReferenceParts> splitReference(std::string_view reference) {
  if (const auto history = reference.find("/_history/"); history != std::string_view::npos) {
    reference = reference.substr(0, history);
  }
  if (reference.rfind("urn:uuid:", 0) == 0) {
    return ReferenceParts{{}, reference.substr(9), true};
  }
  const auto slash = reference.rfind('/');
  if (slash == std::string_view::npos || slash == 0) {
    return std::nullopt;
  }
  const std::string_view head = reference.substr(0, slash);
  const auto type_start = head.rfind('/');
  return ReferenceParts{type_start == std::string_view::npos ? head : head.substr(type_start + 1),
                        reference.substr(slash + 1)};
}

} // namespace

bool PatientRecord::aboutAnotherPatient(const Resource& resource) const {
  if (patient_id_.empty()) {
    return false;
  }
  if (resource.type == "Patient") {
    return !resource.id.empty() && resource.id != patient_id_;
  }
  // No subject given, or a contained one: taken as the record's own, as prefetch implies.
  const auto parts = splitReference(resource.patient_reference);
  if (!parts) {
    return false;
  }
  if (parts->urn_uuid) {
    return parts->id != patient_id_;
  }
  // A Group or Location subject is not about another patient; only a Patient of another id is.
  return parts->type == "Patient" && parts->id != patient_id_;
}

void PatientRecord::add(Resource resource) {
  if (aboutAnotherPatient(resource)) {
    ++other_patients_[resource.type];
    return;
  }
  auto& resources = by_type_[resource.type];
  if (resources.size() >= kMostPerType) {
    if (overflowed_.insert(resource.type).second) {
      read_.erase(resource.type);
      markUnreadable(resource.type, "more than " + std::to_string(kMostPerType) + " " + resource.type +
                                        " records were sent; the rest were not read");
    }
    return;
  }
  if (!resource.id.empty()) {
    const Position position{resource.type, resources.size()};
    if (!by_reference_.emplace(resource.reference(), position).second) {
      return;
    }
    by_id_.emplace(resource.id, position);
  }
  resources.push_back(std::move(resource));
}

void PatientRecord::markRead(const std::string& type) {
  // A type cut at kMostPerType was not read whole, whatever the search around it says.
  if (overflowed_.count(type) == 0) {
    read_.insert(type);
  }
}

const Resource* PatientRecord::at(const Position& position) const {
  const auto resources = by_type_.find(position.type);
  return resources != by_type_.end() && position.index < resources->second.size()
             ? &resources->second[position.index]
             : nullptr;
}

void PatientRecord::markUnreadable(const std::string& type, std::string reason) {
  unreadable_[type] = std::move(reason);
}

std::vector<std::string> PatientRecord::issues() const {
  std::vector<std::string> types;
  for (const auto& [type, reason] : unreadable_) {
    types.push_back(type);
  }
  return issuesFor(types);
}

std::vector<std::string> PatientRecord::issuesFor(const std::vector<std::string>& types) const {
  std::vector<std::string> all = issues_;
  for (const auto& [type, count] : other_patients_) {
    all.push_back(std::to_string(count) + " " + type + (count == 1 ? " record" : " records") +
                  " about another patient " + (count == 1 ? "was" : "were") +
                  " sent with this patient's data and ignored; the EHR may be mixing patients");
  }
  for (const auto& [type, reason] : unreadable_) {
    if (!wasRead(type) && std::find(types.begin(), types.end(), type) != types.end()) {
      all.push_back(reason);
    }
  }
  return all;
}

namespace {

bool isMedicationResource(std::string_view type) {
  return type == "MedicationRequest" || type == "MedicationStatement" || type == "MedicationAdministration" ||
         type == "MedicationDispense";
}

// "Type/id" of a reference of `type` a FHIR server can read, or "" (contained, urn:uuid, another type).
std::string relativeReference(std::string_view reference, std::string_view type) {
  const auto parts = splitReference(reference);
  if (!parts || parts->urn_uuid || parts->type != type || parts->id.empty()) {
    return {};
  }
  return std::string(type) + "/" + std::string(parts->id);
}

} // namespace

void PatientRecord::resolveReferences() {
  // An onset given as an age dates from the patient's birth; without a birth date it stays undated.
  const Resource* patient = ofType("Patient").empty() ? nullptr : &ofType("Patient").front();
  for (auto& condition : by_type_["Condition"]) {
    if (condition.onset_age_days && !condition.start && patient != nullptr && patient->birth_date) {
      condition.start = patient->birth_date->startSeconds() +
                        static_cast<Seconds>(*condition.onset_age_days * kSecondsPerDay);
    }
  }
  for (auto& [type, resources] : by_type_) {
    if (!isMedicationResource(type)) {
      continue;
    }
    for (auto& resource : resources) {
      if (resource.medication_reference.empty() || !resource.codes.empty()) {
        continue;
      }
      if (const Resource* medication = find(resource.medication_reference);
          medication != nullptr && medication->type == "Medication") {
        resource.codes = medication->codes;
        if (resource.text.empty()) {
          resource.text = medication->text;
        }
      }
    }
  }
}

std::vector<std::string> PatientRecord::unresolvedReferences() const {
  std::set<std::string> wanted;
  const auto want = [&](const std::string& reference, std::string_view type) {
    if (!reference.empty() && find(reference) == nullptr) {
      if (std::string relative = relativeReference(reference, type); !relative.empty()) {
        wanted.insert(std::move(relative));
      }
    }
  };
  for (const auto& [type, resources] : by_type_) {
    for (const auto& resource : resources) {
      if (isMedicationResource(type) && resource.codes.empty()) {
        want(resource.medication_reference, "Medication");
      }
      for (const auto& payor : resource.payor_references) {
        want(payor, "Organization");
      }
    }
  }
  return {wanted.begin(), wanted.end()};
}

const std::vector<Resource>& PatientRecord::ofType(std::string_view type) const {
  static const std::vector<Resource> kNone;
  const auto found = by_type_.find(type);
  return found == by_type_.end() ? kNone : found->second;
}

const Resource* PatientRecord::find(std::string_view reference) const {
  const auto parts = splitReference(reference);
  if (!parts) {
    return nullptr;
  }
  if (parts->urn_uuid) {
    const auto found = by_id_.find(parts->id);
    return found != by_id_.end() ? at(found->second) : nullptr;
  }
  std::string key;
  key.reserve(parts->type.size() + 1 + parts->id.size());
  key.append(parts->type).append("/").append(parts->id);
  const auto found = by_reference_.find(key);
  return found != by_reference_.end() ? at(found->second) : nullptr;
}

size_t PatientRecord::size() const {
  size_t total = 0;
  for (const auto& [type, resources] : by_type_) {
    total += resources.size();
  }
  return total;
}

} // namespace pumpcds::fhir
