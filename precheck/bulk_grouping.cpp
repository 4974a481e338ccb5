#include "precheck/bulk_grouping.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <tuple>

#include <rapidjson/document.h>

#include "base/text.h"

namespace pumpcds::precheck {
namespace {

constexpr std::string_view kPatientPrefix = "Patient/";

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// Buckets are ranges of the hash's high half, so reading them in order hands patients out in key order.
size_t bucketOf(uint64_t hash, size_t buckets) {
  return static_cast<size_t>(((hash >> 32) * buckets) >> 32);
}

// A character of a FHIR id ([A-Za-z0-9\-\.]).
bool isIdCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
}

// A FHIR id: what a spill line's first field may hold (no tab, no newline).
bool isFhirId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), isIdCharacter);
}

// The id after the "Patient/" found at `at` in `text`.
std::string_view patientIdAt(std::string_view text, size_t at) {
  const size_t start = at + kPatientPrefix.size();
  size_t end = start;
  while (end < text.size() && isIdCharacter(text[end])) {
    ++end;
  }
  return text.substr(start, end - start);
}

// For a line that is not JSON: the patient it seems to be about, so that the problem can name them.
std::string patientNamedIn(std::string_view text) {
  const size_t at = text.find(kPatientPrefix);
  return at == std::string_view::npos ? "" : std::string(patientIdAt(text, at));
}

// Whether a line can belong to no patient of `shard`: it names patients ("Patient/<id>") and every one
// of them hashes elsewhere. A resource of a patient in the shard names that patient, so such a line is
// never one of ours, and is dropped without being parsed (each shard reads the whole export).
bool onlyOtherShards(std::string_view line, const Shard& shard) {
  if (shard.count <= 1) {
    return false;
  }
  bool named = false;
  for (size_t at = line.find(kPatientPrefix); at != std::string_view::npos;
       at = line.find(kPatientPrefix, at + 1)) {
    const std::string_view id = patientIdAt(line, at);
    if (id.empty() || inShard(id, shard)) {
      return false;
    }
    named = true;
  }
  return named;
}

// Spill lines are tab-separated: a field from the input never holds one.
std::string withoutTabs(std::string_view text) {
  std::string clean(text);
  std::replace(clean.begin(), clean.end(), '\t', ' ');
  return clean;
}

} // namespace

PatientKey patientKey(std::string_view patient_id) {
  return {fnv1a(patient_id), std::string(patient_id)};
}

bool inShard(std::string_view patient_id, const Shard& shard) {
  return shard.count <= 1 || fnv1a(patient_id) % shard.count == shard.index;
}

bool RecordProblem::operator<(const RecordProblem& other) const {
  return std::tie(patient_id, source, reason) < std::tie(other.patient_id, other.source, other.reason);
}

bool isSharedType(std::string_view resource_type) {
  return resource_type == "Medication" || resource_type == "Organization" ||
         resource_type == "Practitioner" || resource_type == "PractitionerRole" ||
         resource_type == "Location";
}

std::string patientOf(std::string_view resource_type, const fhir::JsonValue& resource) {
  if (resource_type == "Patient") {
    return fhir::stringAt(&resource, "id");
  }
  for (const char* field : {"subject", "patient", "beneficiary"}) {
    const std::string reference = fhir::stringAt(fhir::member(resource, field), "reference");
    const size_t at = reference.rfind(kPatientPrefix);
    if (at != std::string::npos && (at == 0 || reference[at - 1] == '/')) {
      return reference.substr(at + kPatientPrefix.size());
    }
  }
  return "";
}

BulkGrouping::BulkGrouping(std::filesystem::path spill_dir, size_t buckets, Shard shard)
    : dir_(std::move(spill_dir)), shard_(shard), pending_(std::max<size_t>(buckets, 1)),
      // All buffers together stay near 64 MB, each between 4 KB and 1 MB.
      flush_bytes_(std::clamp<size_t>((64u << 20) / pending_.size(), 4u << 10, 1u << 20)) {
  std::filesystem::create_directories(dir_);
}

BulkGrouping::~BulkGrouping() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void BulkGrouping::flush(size_t bucket) {
  std::string& text = pending_[bucket];
  if (text.empty()) {
    return;
  }
  std::ofstream file(dir_ / std::to_string(bucket), std::ios::binary | std::ios::app);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  text.clear();
  text.shrink_to_fit();
}

void BulkGrouping::spill(std::string_view patient_id, std::string_view type, std::string_view id,
                         std::string_view source, std::string_view json) {
  if (!inShard(patient_id, shard_)) {
    return;
  }
  patients_in_shard_ += type == "Patient" ? 1 : 0;
  const size_t bucket = bucketOf(fnv1a(patient_id), pending_.size());
  std::string& text = pending_[bucket];
  text.append(patient_id)
      .append("\t")
      .append(withoutTabs(type))
      .append("\t")
      .append(withoutTabs(id))
      .append("\t")
      .append(withoutTabs(source))
      .append("\t")
      .append(json)
      .append("\n");
  if (text.size() >= flush_bytes_) {
    flush(bucket);
  }
}

void BulkGrouping::addNdjsonFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    problems_.push_back({"", name, "cannot be read"});
    return;
  }
  std::string line;
  size_t number = 0;
  while (std::getline(file, line)) {
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    if (line.empty()) {
      continue;
    }
    if (onlyOtherShards(line, shard_)) {
      continue;
    }
    const std::string source = name + " line " + std::to_string(number);
    // A document per line: a reused one keeps every line's strings in its pool until it is destroyed.
    rapidjson::Document document;
    document.Parse(line.data(), line.size());
    if (document.HasParseError() || !document.IsObject()) {
      const std::string patient = patientNamedIn(line);
      if (inShard(patient, shard_) || patient.empty()) {
        problems_.push_back(
            {patient, source,
             document.HasParseError()
                 ? "not JSON (" + fhir::describeParseError(document, line) + "): a truncated or damaged line"
                 : "not a JSON object"});
      }
      continue;
    }
    // The line is written as read: JSON text holds no raw newline, and the id no tab.
    addToItsPatient(document, line, source, name);
  }
}

void BulkGrouping::addToItsPatient(const fhir::JsonValue& resource, std::string_view json,
                                   const std::string& source, const std::string& patient_source) {
  const std::string type = fhir::stringAt(&resource, "resourceType");
  const std::string id = fhir::stringAt(&resource, "id");
  if (isSharedType(type)) {
    shared_.emplace(type + "/" + id, json);
    return;
  }
  const std::string patient = patientOf(type, resource);
  if (!isFhirId(patient)) {
    problems_.push_back({"", source,
                         (type.empty() ? std::string("a resource without resourceType") : type + "/" + id) +
                             (patient.empty() ? " names no patient (subject, patient or beneficiary)"
                                              : " names a patient whose id is not a FHIR id")});
    return;
  }
  spill(patient, type, id, type == "Patient" ? patient_source : source, json);
}

void BulkGrouping::addBundleFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const auto read = base::readWholeFile(path.string());
  if (!read) {
    problems_.push_back({"", name, "cannot be read"});
    return;
  }
  const std::string& text = *read;
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) {
    problems_.push_back(
        {patientNamedIn(text), name, "not JSON (" + fhir::describeParseError(document, text) + ")"});
    return;
  }
  if (fhir::stringAt(&document, "resourceType") != "Bundle") {
    problems_.push_back({"", name, "not a FHIR Bundle"});
    return;
  }
  std::string patient;
  std::vector<const fhir::JsonValue*> resources;
  for (const fhir::JsonValue* entry : fhir::items(fhir::member(document, "entry"))) {
    const fhir::JsonValue* resource = fhir::member(*entry, "resource");
    if (resource == nullptr || !resource->IsObject()) {
      continue;
    }
    if (fhir::stringAt(resource, "resourceType") == "Patient" && patient.empty()) {
      patient = fhir::stringAt(resource, "id");
    }
    resources.push_back(resource);
  }
  if (patient.empty()) {
    // More of some patients' records (a Coverage, a few results) in a Bundle of their own: each resource
    // joins the patient it names, as a line of a bulk export does.
    for (const fhir::JsonValue* resource : resources) {
      addToItsPatient(*resource, fhir::jsonText(*resource), name, name);
    }
    return;
  }
  if (!isFhirId(patient)) {
    problems_.push_back({"", name, "its Patient's id is not a FHIR id"});
    return;
  }
  for (const fhir::JsonValue* resource : resources) {
    spill(patient, fhir::stringAt(resource, "resourceType"), fhir::stringAt(resource, "id"), name,
          fhir::jsonText(*resource));
  }
}

void BulkGrouping::forEachBatch(const std::function<void(std::vector<PatientResources>&)>& visit) {
  for (size_t bucket = 0; bucket < pending_.size(); ++bucket) {
    flush(bucket);
  }
  for (size_t bucket = 0; bucket < pending_.size(); ++bucket) {
    std::ifstream file(dir_ / std::to_string(bucket), std::ios::binary);
    if (!file) {
      continue; // no patient hashed here
    }
    // Per patient: (not the Patient, type, id, JSON). Sorted below, so that a record's order (which
    // decides the order of evidence) is the same however the export or the bundle ordered its resources.
    std::map<PatientKey, std::vector<std::tuple<bool, std::string, std::string, std::string>>> records;
    std::map<PatientKey, std::string> sources;
    std::string line;
    while (std::getline(file, line)) {
      // patient id, type, id, source, JSON: tab-separated (ids, types and file names hold no tab).
      std::array<size_t, 4> tabs{};
      size_t from = 0;
      for (auto& tab : tabs) {
        tab = line.find('\t', from);
        from = tab + 1;
      }
      const auto field = [&line, &tabs](size_t i) {
        const size_t start = i == 0 ? 0 : tabs[i - 1] + 1;
        return line.substr(start, tabs[i] - start);
      };
      PatientKey key = patientKey(field(0));
      std::string type = field(1);
      const bool the_patient = type == "Patient" && sources.count(key) == 0;
      if (the_patient) {
        sources[key] = field(3);
      }
      records[key].emplace_back(!the_patient, std::move(type), field(2), line.substr(tabs[3] + 1));
    }
    file.close();
    std::filesystem::remove(dir_ / std::to_string(bucket));
    std::vector<PatientResources> batch;
    batch.reserve(records.size());
    for (auto& [key, resources] : records) {
      const auto source = sources.find(key);
      if (source == sources.end()) {
        problems_.push_back({key.second, "bulk",
                             std::to_string(resources.size()) +
                                 " resources name this patient but no Patient resource has its id"});
        continue;
      }
      std::sort(resources.begin(), resources.end());
      PatientResources patient{key.second, source->second, {}};
      patient.resources.reserve(resources.size());
      for (auto& resource : resources) {
        patient.resources.push_back({std::move(std::get<1>(resource)), std::move(std::get<3>(resource))});
      }
      batch.push_back(std::move(patient));
    }
    visit(batch);
  }
}

} // namespace pumpcds::precheck
