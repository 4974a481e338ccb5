// Populations for the pre-check tests and benchmark: patients as lists of FHIR resources, written as a
// bulk export (NDJSON, resources shuffled across files as a real export mixes them) or as one Bundle per
// patient, each with the hook request an EHR would send for the same patient and order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "library/policy_library.h"

namespace pumpcds::testing {

struct PopulationPatient {
  std::string id;
  std::vector<std::string> resources; ///< JSON; the Patient first; references as "Type/id"
};

/// A Synthea bundle's patient (with `extra_bundle`'s resources, e.g. a Coverage) under the id `new_id`:
/// every mention of the old id is replaced, urn:uuid references become "Type/id", and the address moves
/// to `state` when given. `payor` (when set) adds an active Coverage whose payor has that display.
PopulationPatient syntheaPatient(const std::string& bundle_text, const std::string& extra_bundle,
                                 const std::string& new_id, const std::string& payor = "",
                                 const std::string& state = "");

/// The policy cases of the bundled library whose record is complete (every prefetch type present) and
/// whose draft orders are pump orders and pump drugs: each as a patient "case-<n>" whose own
/// orders are those drafts. `requests` receives, for each, the case's hook request with the same id.
std::vector<PopulationPatient> policyCasePatients(const policy::PolicyLibrary& library,
                                                  std::vector<std::string>& requests);

/// The order-sign request an EHR sends for `patient` signing a `code` order on `authored`: every
/// resource in prefetch, every other type an empty search.
std::string patientRequest(const PopulationPatient& patient, const std::string& code,
                           const std::string& authored);

/// A bulk export in `dir`: <Type>.ndjson per type (Observation split over two files), patients in an
/// order shuffled by `seed`, shared resources (Organization, Medication) once each.
void writeBulkExport(const std::filesystem::path& dir, const std::vector<PopulationPatient>& patients,
                     uint32_t seed);

/// One Bundle per patient in `dir` (<id>.json), as Synthea writes them.
void writeBundles(const std::filesystem::path& dir, const std::vector<PopulationPatient>& patients);

/// The resource type in a resource's JSON.
std::string resourceTypeOf(const std::string& json);

} // namespace pumpcds::testing
