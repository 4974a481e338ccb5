// A pre-check run: patients in, one Determination per patient out (results.ndjson), through the same
// HookService as `serve`, on `jobs` threads. Patients are written in the order they are given (the
// grouping's PatientKey order), so a run's output does not depend on thread timing.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "hooks/hook_service.h"
#include "precheck/bulk_grouping.h"

namespace pumpcds::precheck {

/// One patient to check: its order-sign request, or why none could be made.
struct PatientJob {
  std::string patient_id;
  std::string source;
  std::string request_json;
  std::string name;        ///< as the checklist shows it ("Bradly Douglas"); "" when not known
  std::string birth_date;  ///< YYYY-MM-DD; "" when not known
  std::string skip_reason; ///< set: the patient is reported as skipped, not evaluated
  bool no_orders = false;  ///< nothing to check (--own-orders and no pump order on record)
};

struct RunCounts {
  std::atomic<size_t> no_orders{0}; ///< patients without a pump order to check
  std::atomic<size_t> skipped{0};   ///< patients and records skipped
  std::atomic<size_t> processed{0}; ///< patients handled, whatever came of them (the progress bar)
};

class PrecheckRun {
public:
  PrecheckRun(const hooks::HookService& service, std::filesystem::path out_dir, size_t jobs);

  /// Makes the output directory and starts results.ndjson. Error: it cannot be written.
  Status open();
  /// Evaluates `count` patients, `make(i)` building the i-th one's job (on the worker threads), and
  /// appends their results in index order.
  void evaluate(size_t count, const std::function<PatientJob(size_t)>& make);
  /// Records the grouping's problems; each goes to skipped.ndjson.
  void addProblems(const std::vector<RecordProblem>& problems);
  /// Writes skipped.ndjson (sorted) and closes the results. Error: a file could not be written.
  Status finish();

  [[nodiscard]] const RunCounts& counts() const { return counts_; }

private:
  const hooks::HookService& service_;
  std::filesystem::path out_dir_;
  size_t jobs_;
  std::ofstream results_;
  std::vector<RecordProblem> skipped_;
  RunCounts counts_;
};

/// Why a patient is skipped when nothing routes their order.
inline constexpr const char* kNoCoverage =
    "no Coverage on record: nothing routes the order to a payer's policy";

/// The results.ndjson line of one patient: {"patient","source"[,"name","birthDate"], then the Determination
/// report's fields}.
std::string resultLine(const PatientJob& job, const std::string& report);
/// The skipped.ndjson line of a problem, and back (nullopt: not such a line).
std::string skippedLine(const RecordProblem& problem);
std::optional<RecordProblem> parseSkippedLine(std::string_view line);
/// Every problem of `dir`/skipped.ndjson (none when there is no such file).
std::vector<RecordProblem> readSkipped(const std::filesystem::path& dir);

} // namespace pumpcds::precheck
