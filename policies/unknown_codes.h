// Which codes a record holds that no value set of the library knows: the most common reason a
// well-documented patient gets `missing`. A payer analyst runs `pumpcds codes unknown` over real EHR
// records to see what the library should learn.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "fhir/patient_record.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

struct UnknownCode {
  std::string type;    ///< the resource type it was found on
  fhir::Coding coding; ///< with the first display seen
  size_t count = 0;    ///< resources that carry it
};

class UnknownCodeTally {
public:
  /// Counts the codes (what each resource is: Condition.code, the medication, Procedure.code, ...) of the
  /// clinical resources of `record` that no set of `library` contains.
  void add(const fhir::PatientRecord& record, const ValueSetLibrary& library);

  /// Most frequent first.
  [[nodiscard]] std::vector<UnknownCode> sorted() const;
  [[nodiscard]] size_t records() const { return records_; }
  [[nodiscard]] size_t codingsSeen() const { return codings_seen_; }

private:
  std::map<std::tuple<std::string, std::string, std::string>, UnknownCode> codes_;
  size_t records_ = 0;
  size_t codings_seen_ = 0;
};

/// The clinical resource types whose codes are tallied.
const std::vector<std::string>& talliedTypes();

} // namespace pumpcds::policy
