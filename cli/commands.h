// The `pumpcds` subcommands. Each returns the process exit status: 0 success, 2 bad input or config,
// 1 the server could not run.
#pragma once

#include <iosfwd>

#include "cli/config.h"

namespace pumpcds::cli {

int runServe(const Config& config, std::ostream& out, std::ostream& err);
int runEvaluate(const Config& config, std::ostream& out, std::ostream& err);
int runCheck(const Config& config, std::ostream& out, std::ostream& err);
/// `pumpcds precheck`: a population's readiness for prior authorization (exit 1: something was skipped).
int runPrecheck(const Config& config, std::ostream& out, std::ostream& err);
int runPolicies(const Config& config, std::ostream& out, std::ostream& err);
int runCodes(const Config& config, std::ostream& out, std::ostream& err);
/// `pumpcds audit` and `pumpcds feedback`: summaries of the store.
int runSummary(const Config& config, std::ostream& out, std::ostream& err);

} // namespace pumpcds::cli
