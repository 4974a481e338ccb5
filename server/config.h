// Config: every option of `pumpcds`, from defaults, a --config JSON file, PUMPCDS_* environment
// variables and command-line flags, in that order of precedence (last wins).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/date.h"
#include "fhir/result.h"

namespace pumpcds::server {

struct Config {
  std::string command;               ///< serve | evaluate | policies | help
  std::string host = "127.0.0.1";    ///< --host, PUMPCDS_HOST, "host"
  int port = 8080;                   ///< --port, PUMPCDS_PORT, "port" (0: any free port, printed at start)
  std::string policies;              ///< --policies DIR, PUMPCDS_POLICIES, "policies" ("" = bundled library)
  std::optional<fhir::Date> now;     ///< --now YYYY-MM-DD, PUMPCDS_NOW, "now"
  int threads = 8;                   ///< --threads, PUMPCDS_THREADS, "threads"
  size_t max_body_bytes = 16u << 20; ///< --max-body-bytes, PUMPCDS_MAX_BODY_BYTES, "max_body_bytes"
  std::string allowed_origin = "*";  ///< --allowed-origin, PUMPCDS_ALLOWED_ORIGIN, "allowed_origin" (CORS)
  bool cds = false;                  ///< evaluate --cds
  std::vector<std::string> request_files; ///< evaluate REQUEST.json [MORE.json ...]
  bool run_policy_tests = false;          ///< policies test
  bool help = false;
};

/// Parses `pumpcds <command> [options]`. `environment` holds NAME=VALUE strings (envp). Errors name the
/// option, variable or config key that was wrong.
Result<Config> parseConfig(const std::vector<std::string>& arguments,
                           const std::vector<std::string>& environment);

/// Usage text for a command ("" for the overview).
std::string usage(const std::string& command);

} // namespace pumpcds::server
