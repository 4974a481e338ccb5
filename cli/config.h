// Config: the settings of one `pumpcds` run, from defaults, a --config JSON file, PUMPCDS_* environment
// variables and command-line flags, in that order of precedence (last wins). Which options there are, and
// how each is read, is the table of cli/options.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "fhir/date.h"
#include "server/server_settings.h"

namespace pumpcds::cli {

/// Reading an EHR's FHIR server (serve, evaluate, check, precheck).
struct FhirReadSettings {
  int deadline_ms = 3000;                ///< --fhir-deadline-ms: the whole FHIR read of one hook call
  int max_pages = 20;                    ///< --fhir-max-pages: pages followed per search
  int max_resources = 5000;              ///< --fhir-max-resources: resources read per search
  std::string ca_file;                   ///< --fhir-ca-file: PEM CA bundle ("" = system trust store)
  bool allow_insecure = false;           ///< --allow-insecure-fhir: accept http:// FHIR servers
  std::vector<std::string> server_allow; ///< --fhir-server-allow: hosts fhirServer may name
};

/// Who may call `serve`: CDS Hooks 2.0 JWTs from trusted issuers.
struct TrustSettings {
  std::string issuers;       ///< the trusted EHR issuers (JSON, docs/security.md)
  std::string public_url;    ///< this service as EHRs address it (the JWT's aud)
  int jwt_skew_seconds = 60; ///< clock difference tolerated for exp and iat
};

/// The store of audit records and feedback (serve, audit, feedback).
struct StoreSettings {
  std::string data_dir; ///< --data-dir: where the SQLite file lives ("" = the default, docs/operations.md)
  std::string database; ///< --database: "" (SQLite under data_dir), "sqlite:PATH", "postgres://..." or "none"
  /// The store is PostgreSQL, which replicas share.
  [[nodiscard]] bool usesPostgres() const { return database.rfind("postgres", 0) == 0; }
};

/// The patients `check` and `precheck` read from a FHIR server, and the orders signed for them.
struct PatientSource {
  std::string fhir_server;              ///< --fhir-server URL
  std::string token_file;               ///< --token-file F: the bearer token, first line
  std::vector<std::string> patients;    ///< --patient ID (check: exactly one)
  std::vector<std::string> order_codes; ///< --order CODE (repeatable)
  std::vector<std::string> drug_codes;  ///< --drug RXNORM (repeatable): the pump drug ordered with it
};

/// serve: the DTR app (app/) a card with items to attest links to.
struct AppSettings {
  std::string dir; ///< --app-dir: its files ("" = installed beside the binary, else the source tree's)
  std::string url; ///< --app-url: its launch page as browsers reach it ("" = derived)
  std::string link = "smart"; ///< --app-link smart | absolute | none
};

/// `pumpcds precheck`: where the population comes from, how it is split, where the results go.
struct PrecheckSettings {
  std::string bulk_dir;                ///< --bulk DIR: a FHIR Bulk Data export (NDJSON files)
  std::string bundles_dir;             ///< --bundles DIR: one FHIR Bundle per patient (Synthea output)
  std::string group;                   ///< --group ID: the members of Group/ID on --fhir-server
  bool own_orders = false;             ///< --own-orders: the patients' own pump orders
  int jobs = 0;                        ///< --jobs N (0: every core)
  int shard = 0;                       ///< --shard K/N: K
  int shards = 1;                      ///< --shard K/N: N
  std::string out_dir;                 ///< --out DIR
  std::vector<std::string> merge_dirs; ///< precheck merge DIR...
};

/// Every setting of one run, grouped by the job it does; a command reads the groups it needs
/// (cli/options.h says which options each command takes).
struct Config {
  std::string command; ///< serve | evaluate | check | precheck | policies | codes | audit | feedback | help
  // The policy library and the date (every command that judges an order).
  std::string policies;          ///< "" = the bundled library
  std::optional<fhir::Date> now; ///< the reference date; none: each order's authoredOn, else today
  /// serve: what the HTTP server is told (listening, limits, TLS, what discovery asks for).
  server::ServerSettings server;
  TrustSettings trust;   ///< serve
  AppSettings app;       ///< serve
  FhirReadSettings fhir; ///< serve, evaluate, check, precheck
  StoreSettings store;   ///< serve, audit, feedback
  PatientSource source;  ///< check, precheck
  PrecheckSettings precheck;
  std::vector<std::string> request_files; ///< evaluate REQUEST.json [MORE.json ...]
  bool run_policy_tests = false;          ///< policies test
  // Output.
  bool cds = false;            ///< evaluate/check --cds
  std::string format = "text"; ///< audit/feedback --format text|csv|json
  bool help = false;
  std::string help_topic; ///< help COMMAND, or help options
};

/// Parses `pumpcds <command> [options]`. `environment` holds NAME=VALUE strings (envp). Errors name the
/// option, variable or config key that was wrong.
Result<Config> parseConfig(const std::vector<std::string>& arguments,
                           const std::vector<std::string>& environment);

} // namespace pumpcds::cli
