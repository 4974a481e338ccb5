// `pumpcds precheck`: a population through the hook service, and `precheck merge` of shard outputs.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <thread>

#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "precheck/bulk_grouping.h"
#include "precheck/export_manifest.h"
#include "precheck/patient_request.h"
#include "precheck/population_report.h"
#include "precheck/precheck_run.h"
#include "precheck/progress_meter.h"
#include "precheck/shard_merge.h"
#include "requests/check_request.h"

namespace pumpcds::cli {
namespace {

namespace fs = std::filesystem;

// The files of an input directory with this extension, in name order (so runs are repeatable).
std::vector<fs::path> filesIn(const std::string& dir, const std::string& extension, uintmax_t& bytes) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      files.push_back(entry.path());
      bytes += entry.file_size();
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Group/ID's members on the FHIR server, as patient ids.
Result<std::vector<std::string>> groupMembers(const fhir::FhirClient& client, const Config& config,
                                              const std::string& token) {
  auto fetched =
      readFromFhirServer(client, config.source.fhir_server, "Group/" + config.precheck.group, token);
  if (!fetched.isOk()) {
    return invalidArgument("--group " + config.precheck.group + ": cannot read Group/" +
                           config.precheck.group + " from " + config.source.fhir_server + " (" +
                           fetched.status().message() + ")");
  }
  const std::string& body = fetched.value();
  rapidjson::Document group;
  group.Parse(body.data(), body.size());
  if (group.HasParseError() || fhir::stringAt(&group, "resourceType") != "Group") {
    return invalidArgument("--group " + config.precheck.group + ": the server did not return a Group");
  }
  std::vector<std::string> members;
  for (const auto* member : fhir::items(fhir::member(group, "member"))) {
    const std::string reference = fhir::stringAt(fhir::member(*member, "entity"), "reference");
    if (reference.rfind("Patient/", 0) == 0) {
      members.push_back(reference.substr(8));
    }
  }
  return members;
}

void printTotals(const precheck::ReportTotals& totals, const fs::path& out_dir, std::ostream& out) {
  out << "pumpcds precheck: " << totals.patients << " patients, " << totals.orders << " orders ("
      << totals.ready << " ready to submit), " << totals.skipped << " skipped; "
      << (out_dir / "report.html").string() << "\n";
}

int runMerge(const Config& config, std::ostream& out, std::ostream& err) {
  std::vector<fs::path> dirs(config.precheck.merge_dirs.begin(), config.precheck.merge_dirs.end());
  auto totals = precheck::mergeShards(dirs, config.precheck.out_dir);
  if (!totals.isOk()) {
    err << "pumpcds precheck merge: " << totals.status().message() << "\n";
    return 2;
  }
  printTotals(totals.value(), config.precheck.out_dir, out);
  return totals.value().skipped == 0 ? 0 : 1;
}

} // namespace

int runPrecheck(const Config& config, std::ostream& out, std::ostream& err) {
  if (!config.precheck.merge_dirs.empty()) {
    return runMerge(config, out, err);
  }
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds precheck: the policy library is invalid:\n" << library.status().message() << "\n";
    return 2;
  }
  std::string token;
  if (!config.source.token_file.empty()) {
    auto read = readTokenFile(config.source.token_file);
    if (!read.isOk()) {
      err << "pumpcds precheck: " << read.status().message() << "\n";
      return 2;
    }
    token = std::move(read).value();
  }
  const auto fhir_client = makeFhirClient(config);
  const hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now,
                                   fhir_client);
  const size_t jobs = config.precheck.jobs > 0 ? static_cast<size_t>(config.precheck.jobs)
                                               : std::max<size_t>(std::thread::hardware_concurrency(), 1);
  precheck::PrecheckRun run(service, config.precheck.out_dir, jobs);
  if (Status opened = run.open(); !opened.isOk()) {
    err << "pumpcds precheck: " << opened.message() << "\n";
    return 2;
  }
  const precheck::Shard shard{static_cast<uint64_t>(config.precheck.shard),
                              static_cast<uint64_t>(config.precheck.shards)};
  const precheck::PrecheckOrders orders{config.source.order_codes, config.precheck.own_orders,
                                        config.now.value_or(fhir::Date::today()).toString()};
  const bool terminal = isatty(STDERR_FILENO) != 0;

  if (!config.source.fhir_server.empty()) {
    std::vector<std::string> patients = config.source.patients;
    if (!config.precheck.group.empty()) {
      auto members = groupMembers(*fhir_client, config, token);
      if (!members.isOk()) {
        err << "pumpcds precheck: " << members.status().message() << "\n";
        return 2;
      }
      patients = std::move(members).value();
    }
    // In the order every input and shard layout uses.
    std::vector<precheck::PatientKey> keys;
    for (const auto& id : patients) {
      if (precheck::inShard(id, shard)) {
        keys.push_back(precheck::patientKey(id));
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    precheck::ProgressMeter meter(err, terminal, keys.size());
    constexpr size_t kBatch = 64;
    for (size_t start = 0; start < keys.size(); start += kBatch) {
      const size_t count = std::min(kBatch, keys.size() - start);
      run.evaluate(count, [&](size_t i) {
        const std::string& id = keys[start + i].second;
        requests::CheckRequest check{
            config.source.fhir_server, token, id, orders.codes, {}, config.now.value_or(fhir::Date::today()),
            /*patient_json=*/""};
        precheck::PatientJob job;
        job.patient_id = id;
        job.source = config.source.fhir_server;
        // The Patient read first: the checklist names the patient, and one the server does not have is
        // skipped with the reason rather than checked as an empty record.
        auto patient = readFromFhirServer(*fhir_client, config.source.fhir_server, "Patient/" + id, token);
        if (!patient.isOk()) {
          job.skip_reason = "Patient/" + id + " could not be read: " + patient.status().message();
          return job;
        }
        const precheck::PatientLabel label = precheck::patientLabel(patient.value());
        job.name = label.name;
        job.birth_date = label.birth_date;
        check.patient_json = std::move(patient).value();
        job.request_json = requests::checkRequestJson(check);
        return job;
      });
      meter.update(run.counts().processed, run.counts().skipped);
    }
    meter.finish(run.counts().processed, run.counts().skipped);
  } else {
    const bool bulk = !config.precheck.bulk_dir.empty();
    const std::string& dir = bulk ? config.precheck.bulk_dir : config.precheck.bundles_dir;
    if (!fs::is_directory(dir)) {
      err << "pumpcds precheck: " << (bulk ? "--bulk" : "--bundles") << " '" << dir
          << "' is not a directory\n";
      return 2;
    }
    uintmax_t bytes = 0;
    const auto files = filesIn(dir, bulk ? ".ndjson" : ".json", bytes);
    if (files.empty()) {
      err << "pumpcds precheck: no " << (bulk ? "*.ndjson" : "*.json") << " file in '" << dir << "'\n";
      return 2;
    }
    // About 32 MB of input per spill file: what one batch holds in memory.
    const size_t buckets = std::clamp<size_t>(static_cast<size_t>(bytes >> 25), 16, 4096);
    precheck::BulkGrouping grouping(
        fs::path(config.precheck.out_dir) / (".spill-" + std::to_string(getpid())), buckets, shard);
    for (const auto& file : files) {
      if (bulk) {
        grouping.addNdjsonFile(file);
      } else {
        grouping.addBundleFile(file);
      }
    }
    const auto unread = bulk ? precheck::typesNotExported(dir) : std::set<std::string>();
    const auto& catalog = library.value()->orders();
    precheck::ProgressMeter meter(err, terminal, grouping.patientsInShard());
    grouping.forEachBatch([&](std::vector<precheck::PatientResources>& batch) {
      run.evaluate(batch.size(), [&](size_t i) {
        const auto& patient = batch[i];
        const auto request =
            precheck::patientHookRequest(patient, grouping.shared(), unread, orders, catalog);
        precheck::PatientJob job;
        job.patient_id = patient.patient_id;
        job.source = patient.source;
        job.name = request.name;
        job.birth_date = request.birth_date;
        if (!request.has_coverage) {
          job.skip_reason = precheck::kNoCoverage;
        } else if (request.draft_orders == 0) {
          job.no_orders = true;
        } else {
          job.request_json = request.json;
        }
        return job;
      });
      meter.update(run.counts().processed, run.counts().skipped);
    });
    run.addProblems(grouping.problems());
    meter.finish(run.counts().processed, run.counts().skipped);
  }
  if (Status finished = run.finish(); !finished.isOk()) {
    err << "pumpcds precheck: " << finished.message() << "\n";
    return 2;
  }
  auto totals = precheck::writePopulationReport(config.precheck.out_dir);
  if (!totals.isOk()) {
    err << "pumpcds precheck: " << totals.status().message() << "\n";
    return 2;
  }
  printTotals(totals.value(), config.precheck.out_dir, out);
  if (run.counts().no_orders > 0) {
    out << "pumpcds precheck: " << run.counts().no_orders << " patients have no pump order to check\n";
  }
  return totals.value().skipped == 0 ? 0 : 1;
}

} // namespace pumpcds::cli
