#include "precheck/shard_merge.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <queue>
#include <string>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "precheck/bulk_grouping.h"
#include "precheck/precheck_run.h"

namespace pumpcds::precheck {
namespace {

struct ShardReader {
  std::filesystem::path path;
  std::ifstream file;
  size_t number = 0;
  std::string line;
  PatientKey key;

  // The next result line; false at the end. Error: a line without a patient.
  Result<bool> next() {
    while (std::getline(file, line)) {
      ++number;
      if (line.empty()) {
        continue;
      }
      // Only the patient is needed to order the lines; it is the first member of every result line.
      rapidjson::Document document;
      document.Parse(line.data(), line.size());
      const std::string patient = fhir::stringAt(&document, "patient");
      if (document.HasParseError() || patient.empty()) {
        return invalidArgument(path.string() + " line " + std::to_string(number) +
                               ": not a pre-check result");
      }
      key = patientKey(patient);
      return true;
    }
    return false;
  }
};

} // namespace

Result<ReportTotals> mergeShards(const std::vector<std::filesystem::path>& shard_dirs,
                                 const std::filesystem::path& out_dir) {
  std::vector<std::unique_ptr<ShardReader>> readers;
  std::vector<RecordProblem> skipped;
  for (const auto& dir : shard_dirs) {
    auto reader = std::make_unique<ShardReader>();
    reader->path = dir / "results.ndjson";
    reader->file.open(reader->path, std::ios::binary);
    if (!reader->file) {
      return notFound(reader->path.string() + ": cannot be read (is " + dir.string() +
                      " the --out of a `pumpcds precheck --shard` run?)");
    }
    readers.push_back(std::move(reader));
    for (auto& problem : readSkipped(dir)) {
      skipped.push_back(std::move(problem));
    }
  }
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  std::ofstream results(out_dir / "results.ndjson", std::ios::binary | std::ios::trunc);
  if (!results) {
    return invalidArgument("--out: cannot write " + (out_dir / "results.ndjson").string());
  }
  auto later = [](const ShardReader* a, const ShardReader* b) { return a->key > b->key; };
  std::priority_queue<ShardReader*, std::vector<ShardReader*>, decltype(later)> heads(later);
  for (auto& reader : readers) {
    PUMPCDS_ASSIGN_OR_RETURN(const bool has_line, reader->next());
    if (has_line) {
      heads.push(reader.get());
    }
  }
  const ShardReader* previous = nullptr;
  PatientKey previous_key;
  while (!heads.empty()) {
    ShardReader* head = heads.top();
    heads.pop();
    if (previous != nullptr && head->key == previous_key) {
      return invalidArgument("patient " + head->key.second + " is in the results of both " +
                             previous->path.string() + " and " + head->path.string() +
                             ": merge the shards of one --shard K/N layout, each once");
    }
    results << head->line << "\n";
    previous = head;
    previous_key = head->key;
    PUMPCDS_ASSIGN_OR_RETURN(const bool has_line, head->next());
    if (has_line) {
      heads.push(head);
    }
  }
  results.close();
  // Problems that named no patient were met by every shard: each is kept once.
  std::sort(skipped.begin(), skipped.end());
  skipped.erase(std::unique(skipped.begin(), skipped.end()), skipped.end());
  std::ofstream skipped_out(out_dir / "skipped.ndjson", std::ios::binary | std::ios::trunc);
  for (const auto& problem : skipped) {
    skipped_out << skippedLine(problem) << "\n";
  }
  skipped_out.close();
  if (results.fail() || skipped_out.fail()) {
    return invalidArgument("--out: cannot write the merged results under " + out_dir.string());
  }
  return writePopulationReport(out_dir);
}

} // namespace pumpcds::precheck
