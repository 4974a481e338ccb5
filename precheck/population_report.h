// What a prior-auth team reads after a pre-check: summary.csv (one row per patient and order) and
// report.html (one self-contained page: figures, charts, tables, a printable checklist per order), both
// made from results.ndjson and skipped.ndjson alone, so a merge of shards makes them the same way.
#pragma once

#include <cstddef>
#include <filesystem>

#include "base/result.h"

namespace pumpcds::precheck {

struct ReportTotals {
  size_t patients = 0;
  size_t orders = 0;
  size_t ready = 0; ///< decision complete
  size_t skipped = 0;
};

/// Reads `dir`/results.ndjson and skipped.ndjson in one pass (memory: the aggregates and the
/// `table_rows` closest orders, whatever the population) and writes summary.csv and report.html there.
/// Error: a file cannot be read or written, or a results line is not a result.
Result<ReportTotals> writePopulationReport(const std::filesystem::path& dir, size_t table_rows = 2000);

} // namespace pumpcds::precheck
