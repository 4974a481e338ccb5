// `pumpcds precheck merge DIR... --out OUT`: the shards' results as one run's. Each shard wrote its
// patients in PatientKey order, so a k-way merge gives the order an unsharded run writes, and the
// report made from it is the same file.
#pragma once

#include <filesystem>
#include <vector>

#include "base/result.h"
#include "precheck/population_report.h"

namespace pumpcds::precheck {

/// Errors: a shard directory without results.ndjson, a line that is not a result, a patient in two
/// shards (the shards were not of one --shard K/N layout), an output that cannot be written.
Result<ReportTotals> mergeShards(const std::vector<std::filesystem::path>& shard_dirs,
                                 const std::filesystem::path& out_dir);

} // namespace pumpcds::precheck
