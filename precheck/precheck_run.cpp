#include "precheck/precheck_run.h"

#include <algorithm>
#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "hooks/service_catalog.h"
#include "policies/report_json.h"

namespace pumpcds::precheck {
namespace {

std::string quoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace

std::string resultLine(const PatientJob& job, const std::string& report) {
  // The report is one JSON object; whose it is goes first.
  return "{\"patient\":" + quoted(job.patient_id) + ",\"source\":" + quoted(job.source) +
         (job.name.empty() ? "" : ",\"name\":" + quoted(job.name)) +
         (job.birth_date.empty() ? "" : ",\"birthDate\":" + quoted(job.birth_date)) + "," + report.substr(1);
}

std::string skippedLine(const RecordProblem& problem) {
  return "{\"patient\":" + quoted(problem.patient_id) + ",\"source\":" + quoted(problem.source) +
         ",\"reason\":" + quoted(problem.reason) + "}";
}

std::optional<RecordProblem> parseSkippedLine(std::string_view line) {
  rapidjson::Document document;
  document.Parse(line.data(), line.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("reason")) {
    return std::nullopt;
  }
  return RecordProblem{fhir::stringAt(&document, "patient"), fhir::stringAt(&document, "source"),
                       fhir::stringAt(&document, "reason")};
}

std::vector<RecordProblem> readSkipped(const std::filesystem::path& dir) {
  std::vector<RecordProblem> problems;
  std::ifstream file(dir / "skipped.ndjson", std::ios::binary);
  std::string line;
  while (std::getline(file, line)) {
    if (auto problem = parseSkippedLine(line)) {
      problems.push_back(std::move(*problem));
    }
  }
  return problems;
}

PrecheckRun::PrecheckRun(const hooks::HookService& service, std::filesystem::path out_dir, size_t jobs)
    : service_(service), out_dir_(std::move(out_dir)), jobs_(std::max<size_t>(jobs, 1)) {}

Status PrecheckRun::open() {
  std::error_code error;
  std::filesystem::create_directories(out_dir_, error);
  results_.open(out_dir_ / "results.ndjson", std::ios::binary | std::ios::trunc);
  if (!results_) {
    return invalidArgument("--out: cannot write " + (out_dir_ / "results.ndjson").string());
  }
  return Status();
}

void PrecheckRun::evaluate(size_t count, const std::function<PatientJob(size_t)>& make) {
  std::vector<std::string> lines(count);
  std::vector<std::optional<RecordProblem>> problems(count);
  std::atomic<size_t> next{0};
  const std::string service_id = hooks::services().front().id; // order-sign
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++, ++counts_.processed) {
      PatientJob job = make(i);
      if (!job.skip_reason.empty()) {
        problems[i] = RecordProblem{job.patient_id, job.source, job.skip_reason};
        continue;
      }
      if (job.no_orders) {
        ++counts_.no_orders;
        continue;
      }
      auto outcome = service_.handle(service_id, job.request_json);
      if (!outcome.isOk()) {
        problems[i] = RecordProblem{job.patient_id, job.source, outcome.status().message()};
        continue;
      }
      const auto& determination = outcome.value().determination;
      if (determination.orders.empty()) {
        ++counts_.no_orders; // own orders that are not pump orders (a drug order alone)
        continue;
      }
      // Read from a FHIR server, a record without Coverage shows only when evaluated.
      const bool routed =
          std::any_of(determination.orders.begin(), determination.orders.end(), [](const auto& order) {
            return order.policy != nullptr || order.prior_auth_policy != nullptr ||
                   std::any_of(order.coverage_seen.begin(), order.coverage_seen.end(),
                               [](const std::string& seen) { return seen.rfind("Coverage", 0) == 0; });
          });
      if (!routed) {
        problems[i] = RecordProblem{job.patient_id, job.source, kNoCoverage};
        continue;
      }
      lines[i] =
          resultLine(job, policy::toReportJson(determination, outcome.value().library->revision(), false));
    }
  };
  std::vector<std::thread> workers;
  const size_t threads = std::min(jobs_, std::max<size_t>(count, 1));
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(work);
  }
  work();
  for (auto& worker : workers) {
    worker.join();
  }
  for (size_t i = 0; i < count; ++i) {
    if (problems[i]) {
      skipped_.push_back(std::move(*problems[i]));
      ++counts_.skipped;
    } else if (!lines[i].empty()) {
      results_ << lines[i] << "\n";
    }
  }
  results_.flush();
}

void PrecheckRun::addProblems(const std::vector<RecordProblem>& problems) {
  skipped_.insert(skipped_.end(), problems.begin(), problems.end());
  counts_.skipped += problems.size();
}

Status PrecheckRun::finish() {
  results_.close();
  std::sort(skipped_.begin(), skipped_.end());
  skipped_.erase(std::unique(skipped_.begin(), skipped_.end()), skipped_.end());
  counts_.skipped = skipped_.size(); // a problem every shard met is counted once
  std::ofstream skipped(out_dir_ / "skipped.ndjson", std::ios::binary | std::ios::trunc);
  for (const auto& problem : skipped_) {
    skipped << skippedLine(problem) << "\n";
  }
  if (!skipped || results_.fail()) {
    return invalidArgument("--out: cannot write the results under " + out_dir_.string());
  }
  return Status();
}

} // namespace pumpcds::precheck
