#include "fhir/patient_record.h"

namespace pumpcds::fhir {

void PatientRecord::add(Resource resource) {
  std::string key = resource.reference();
  if (!resource.id.empty() && !keys_.insert(key).second) {
    return;
  }
  by_type_[resource.type].push_back(std::move(resource));
}

void PatientRecord::markRead(const std::string& type) {
  read_.insert(type);
}

const std::vector<Resource>& PatientRecord::ofType(std::string_view type) const {
  static const std::vector<Resource> kNone;
  const auto found = by_type_.find(type);
  return found == by_type_.end() ? kNone : found->second;
}

const Resource* PatientRecord::find(std::string_view reference) const {
  // Keep the last two path segments: "http://x/fhir/Patient/1" and "Patient/1/_history/2" name Patient/1.
  if (const auto history = reference.find("/_history/"); history != std::string_view::npos) {
    reference = reference.substr(0, history);
  }
  if (reference.rfind("urn:uuid:", 0) == 0) {
    const std::string_view id = reference.substr(9);
    for (const auto& [type, resources] : by_type_) {
      for (const auto& resource : resources) {
        if (resource.id == id) {
          return &resource;
        }
      }
    }
    return nullptr;
  }
  const auto slash = reference.rfind('/');
  if (slash == std::string_view::npos || slash == 0) {
    return nullptr;
  }
  const std::string_view id = reference.substr(slash + 1);
  const std::string_view head = reference.substr(0, slash);
  const auto type_start = head.rfind('/');
  const std::string_view type = type_start == std::string_view::npos ? head : head.substr(type_start + 1);
  for (const auto& resource : ofType(type)) {
    if (resource.id == id) {
      return &resource;
    }
  }
  return nullptr;
}

size_t PatientRecord::size() const {
  size_t total = 0;
  for (const auto& [type, resources] : by_type_) {
    total += resources.size();
  }
  return total;
}

} // namespace pumpcds::fhir
