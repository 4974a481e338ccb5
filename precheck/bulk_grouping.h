// Groups a population's resources by patient without holding it in memory: each resource is appended,
// as one line, to a spill file chosen by its patient's hash; then one spill file at a time is read back
// and its patients handed out. Peak memory is one spill file (input bytes / buckets) plus the resources
// no patient owns (Medication, Organization, Practitioner, Location), which every patient may name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/json_read.h"

namespace pumpcds::precheck {

/// The order patients are handled and written in, the same for every input and shard layout: by a
/// 64-bit FNV-1a hash of the id, then the id.
using PatientKey = std::pair<uint64_t, std::string>;
PatientKey patientKey(std::string_view patient_id);

/// `--shard K/N`: this run checks the patients whose hash is K modulo N.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};
bool inShard(std::string_view patient_id, const Shard& shard);

/// A record the run could not use: where it was, whose it was ("" when it named no patient), and why.
struct RecordProblem {
  std::string patient_id;
  std::string source; ///< "Observation.ndjson line 12", "bundles/jane.json"
  std::string reason;
  bool operator<(const RecordProblem& other) const;
  bool operator==(const RecordProblem& other) const = default;
};

/// One resource as read, with the type grouping found in it.
struct ResourceText {
  std::string type;
  std::string json;
};

/// One patient's resources (the Patient first, then by type and id), and where they came from.
struct PatientResources {
  std::string patient_id;
  std::string source; ///< "bulk" or the bundle's file
  std::vector<ResourceText> resources;
};

class BulkGrouping {
public:
  /// Spill files go under `spill_dir` (made now, removed with this object); `buckets` of them.
  BulkGrouping(std::filesystem::path spill_dir, size_t buckets, Shard shard);
  ~BulkGrouping();
  BulkGrouping(const BulkGrouping&) = delete;
  BulkGrouping& operator=(const BulkGrouping&) = delete;

  /// One NDJSON file of a bulk export: each line one resource of any type. A line that is not a JSON
  /// object, or a patient's resource that names no patient, is a problem and is skipped.
  void addNdjsonFile(const std::filesystem::path& path);
  /// One FHIR Bundle holding one patient's record (Synthea's output): every entry is that patient's. A
  /// Bundle without a Patient (more of the records of patients in other Bundles) is read resource by
  /// resource, each joining the patient it names.
  void addBundleFile(const std::filesystem::path& path);

  /// Hands out the patients of this shard, one spill file at a time, in PatientKey order.
  void forEachBatch(const std::function<void(std::vector<PatientResources>&)>& visit);

  /// Resources no patient owns, by "Type/id".
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& shared() const { return shared_; }
  [[nodiscard]] const std::vector<RecordProblem>& problems() const { return problems_; }
  /// Patient resources of this shard seen so far: what the progress meter expects.
  [[nodiscard]] size_t patientsInShard() const { return patients_in_shard_; }

private:
  /// One resource that names its patient (a bulk line, or an entry of a Bundle without a Patient): a shared
  /// type (Organization, Medication, ...) is kept for every patient, anything else is spilled under the
  /// patient it names, or reported from `source` when it names none. A Patient's source is `patient_source`.
  void addToItsPatient(const fhir::JsonValue& resource, std::string_view json, const std::string& source,
                       const std::string& patient_source);
  void spill(std::string_view patient_id, std::string_view type, std::string_view id, std::string_view source,
             std::string_view json);
  void flush(size_t bucket);

  std::filesystem::path dir_;
  Shard shard_;
  std::vector<std::string> pending_; ///< per bucket, not yet written
  size_t flush_bytes_;
  std::map<std::string, std::string, std::less<>> shared_;
  std::vector<RecordProblem> problems_;
  size_t patients_in_shard_ = 0;
};

/// The patient a resource belongs to: a Patient's own id, else the Patient its subject, patient or
/// beneficiary references ("Patient/1", ".../Patient/1"); "" when none.
std::string patientOf(std::string_view resource_type, const fhir::JsonValue& resource);

/// Types no patient owns: shared by the records that reference them.
bool isSharedType(std::string_view resource_type);

} // namespace pumpcds::precheck
