// Writes a bulk export (NDJSON and manifest.json) of N patients cloned from the Synthea fixtures with new
// ids, for the pre-check benchmark (bench/precheck/run): make_population N DIR.
// The mix: Bradly with a CareSource NC Coverage (3 in 10), Bradly with Ambetter (3 in 10), Jacki with
// Ambetter (3 in 10) and Jacki without Coverage (1 in 10, skipped). As a payer exports for this job
// (`$export?_type=` the types the policies read), Claims, EOBs and the like are left out. Patients are
// streamed to the files one after another, so any N fits in memory.
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "base/text.h"
#include "fhir/prefetch_templates.h"
#include "tests/support/bulk_population.h"

namespace {

std::string readFile(const std::string& path) {
  return pumpcds::base::readWholeFile(path).value_or("");
}

constexpr const char* kTemplateId = "TEMPLATE-PATIENT-ID";

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_population N DIR\n";
    return 2;
  }
  const long count = std::strtol(argv[1], nullptr, 10);
  const std::string dir = argv[2];
  if (count < 1) {
    std::cerr << "make_population: N must be a whole number of patients, got '" << argv[1] << "'\n";
    return 2;
  }
  std::error_code made;
  std::filesystem::create_directories(dir, made);
  if (made) {
    std::cerr << "make_population: cannot make " << dir << ": " << made.message() << "\n";
    return 1;
  }
  const std::string data = std::string(PUMPCDS_TEST_DATA) + "/synthea/";
  const std::string bradly = readFile(data + "Bradly_Douglas_18468941-bdaf-42a0-8648-cba7cafc27ce.json");
  const std::string jacki = readFile(data + "Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
  const std::string caresource = readFile(data + "Bradly_Douglas_caresource_nc_extra.json");
  using pumpcds::testing::syntheaPatient;
  const std::array<pumpcds::testing::PopulationPatient, 4> templates = {
      syntheaPatient(jacki, "", kTemplateId), syntheaPatient(bradly, caresource, kTemplateId, "", "NC"),
      syntheaPatient(bradly, "", kTemplateId, "Ambetter Health"),
      syntheaPatient(jacki, "", kTemplateId, "Ambetter Health")};
  std::set<std::string> exported = {"Patient", "Coverage", "Organization", "Medication"};
  for (const auto& prefetch : pumpcds::fhir::prefetchTemplates()) {
    exported.insert(prefetch.type);
  }
  std::map<std::string, std::unique_ptr<std::ofstream>> files;
  const auto file = [&](const std::string& name) -> std::ofstream& {
    auto& stream = files[name];
    if (!stream) {
      stream = std::make_unique<std::ofstream>(dir + "/" + name + ".ndjson", std::ios::binary);
    }
    return *stream;
  };
  std::set<std::string> shared_written;
  for (long i = 0; i < count; ++i) {
    const std::string id = "member-" + std::to_string(i);
    const auto& from = templates[i % 10 == 0 ? 0 : i % 10 <= 3 ? 1 : i % 10 <= 6 ? 2 : 3];
    size_t observation = 0;
    for (const auto& json : from.resources) {
      const std::string type = pumpcds::testing::resourceTypeOf(json);
      if (exported.count(type) == 0) {
        continue;
      }
      if ((type == "Organization" || type == "Medication") && !shared_written.insert(json).second) {
        continue; // shared resources are exported once
      }
      std::string line = json;
      for (size_t at = line.find(kTemplateId); at != std::string::npos; at = line.find(kTemplateId, at)) {
        line.replace(at, std::char_traits<char>::length(kTemplateId), id);
      }
      file(type == "Observation" ? "Observation-" + std::to_string(1 + observation++ % 2) : type)
          << line << "\n";
    }
  }
  std::string types;
  for (const auto& type : exported) {
    types += (types.empty() ? "" : ",") + type;
  }
  std::ofstream manifest(dir + "/manifest.json");
  manifest
      << R"({"transactionTime":"2026-11-20T00:00:00Z","request":"https://ehr.example/fhir/$export?_type=)"
      << types << R"(","requiresAccessToken":true,"output":[],"error":[]})"
      << "\n";
  bool written = static_cast<bool>(manifest.flush());
  for (auto& [name, stream] : files) {
    if (!stream->flush()) {
      std::cerr << "make_population: cannot write " << dir << "/" << name << ".ndjson\n";
      written = false;
    }
  }
  if (!written) {
    return 1;
  }
  std::cout << count << " patients written to " << dir << "\n";
  return 0;
}
