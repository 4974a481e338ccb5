#include "policies/unknown_codes.h"

#include <algorithm>

namespace pumpcds::policy {

const std::vector<std::string>& talliedTypes() {
  static const std::vector<std::string> kTypes = {
      "Condition",          "Observation", "MedicationRequest", "MedicationStatement", "Procedure",
      "AllergyIntolerance", "Device",      "DeviceRequest",     "Encounter",           "ServiceRequest",
      "DocumentReference",  "CarePlan",
  };
  return kTypes;
}

void UnknownCodeTally::add(const fhir::PatientRecord& record, const ValueSetLibrary& library) {
  ++records_;
  for (const auto& type : talliedTypes()) {
    for (const auto& resource : record.ofType(type)) {
      for (const auto& coding : resource.codes) {
        ++codings_seen_;
        if (library.anyContains(coding)) {
          continue;
        }
        auto& entry = codes_[{type, coding.system, coding.code}];
        if (entry.count == 0) {
          entry.type = type;
          entry.coding = coding;
        }
        if (entry.coding.display.empty()) {
          entry.coding.display = coding.display.empty() ? resource.text : coding.display;
        }
        ++entry.count;
      }
    }
  }
}

std::vector<UnknownCode> UnknownCodeTally::sorted() const {
  std::vector<UnknownCode> out;
  out.reserve(codes_.size());
  for (const auto& [key, code] : codes_) {
    out.push_back(code);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const UnknownCode& a, const UnknownCode& b) { return a.count > b.count; });
  return out;
}

} // namespace pumpcds::policy
