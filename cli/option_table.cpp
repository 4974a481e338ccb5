// The rows of cli/options.h: every option with its parser, and every command.
#include "cli/options.h"

#include <charconv>

#include "cli/commands.h"

#include "base/text.h"

namespace pumpcds::cli {

using server::ServerSettings;

namespace {

Result<long> parseNumber(const std::string& text, const std::string& where, long min, long max) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return invalidArgument(where + ": expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

// A switch's value: empty (the bare flag), 1/true/yes or 0/false/no.
Result<bool> parseSwitch(const std::string& value, const std::string& where) {
  if (value.empty() || value == "1" || value == "true" || value == "yes") {
    return true;
  }
  if (value == "0" || value == "false" || value == "no") {
    return false;
  }
  return invalidArgument(where + ": expected true or false, got '" + value + "'");
}

// The field a member path names: follow<&Config::server, &ServerSettings::port>(config).
template <auto Member, auto... Rest, typename Object> auto& follow(Object& object) {
  if constexpr (sizeof...(Rest) == 0) {
    return object.*Member;
  } else {
    return follow<Rest...>(object.*Member);
  }
}

// The shapes most options share, as appliers of one field of Config (given as its member path).
template <auto... Path> Status text(Config& config, const std::string& value, const std::string& /*where*/) {
  follow<Path...>(config) = value;
  return {};
}

template <auto... Path> Status nonEmpty(Config& config, const std::string& value, const std::string& where) {
  if (value.empty()) {
    return invalidArgument(where + ": expected a value");
  }
  follow<Path...>(config) = value;
  return {};
}

template <auto... Path> Status hostName(Config& config, const std::string& value, const std::string& where) {
  if (value.empty()) {
    return invalidArgument(where + ": expected a host name or address");
  }
  follow<Path...>(config) = value;
  return {};
}

template <long Min, long Max, auto... Path>
Status number(Config& config, const std::string& value, const std::string& where) {
  PUMPCDS_ASSIGN_OR_RETURN(const long parsed, parseNumber(value, where, Min, Max));
  auto& field = follow<Path...>(config);
  field = static_cast<std::remove_reference_t<decltype(field)>>(parsed);
  return {};
}

template <auto... Path> Status on(Config& config, const std::string& value, const std::string& where) {
  PUMPCDS_ASSIGN_OR_RETURN(follow<Path...>(config), parseSwitch(value, where));
  return {};
}

template <auto... Path>
Status append(Config& config, const std::string& value, const std::string& /*where*/) {
  follow<Path...>(config).push_back(value);
  return {};
}

// One of a closed list of words (`Choices` ends with nullptr).
template <const char* const* Choices, auto... Path>
Status oneOf(Config& config, const std::string& value, const std::string& where) {
  std::string expected;
  for (const char* const* choice = Choices; *choice != nullptr; ++choice) {
    if (value == *choice) {
      follow<Path...>(config) = value;
      return {};
    }
    expected += std::string(expected.empty() ? "" : choice[1] == nullptr ? " or " : ", ") + *choice;
  }
  return invalidArgument(where + ": expected " + expected + ", got '" + value + "'");
}

constexpr const char* kFormats[] = {"text", "csv", "json", nullptr};
constexpr const char* kAppLinks[] = {"smart", "absolute", "none", nullptr};

Status noMetrics(Config& config, const std::string& value, const std::string& where) {
  PUMPCDS_ASSIGN_OR_RETURN(const bool off, parseSwitch(value, where));
  config.server.metrics = !off;
  return {};
}

Status prefetch(Config& config, const std::string& value, const std::string& where) {
  if (value != "full" && value != "minimal") {
    return invalidArgument(where + ": expected full or minimal, got '" + value + "'");
  }
  config.server.minimal_prefetch = value == "minimal";
  return {};
}

Status now(Config& config, const std::string& value, const std::string& where) {
  config.now = fhir::Date::parse(value);
  if (!config.now) {
    return invalidArgument(where + ": expected a date YYYY-MM-DD, got '" + value + "'");
  }
  return {};
}

Status database(Config& config, const std::string& value, const std::string& where) {
  if (value != "none" && value.rfind("sqlite:", 0) != 0 && value.rfind("postgres://", 0) != 0 &&
      value.rfind("postgresql://", 0) != 0) {
    // Not echoed: a database URL may hold a password.
    return invalidArgument(where + ": expected sqlite:PATH, postgres://USER@HOST[:PORT]/DATABASE or none");
  }
  if (value == "sqlite:") {
    return invalidArgument(where + ": sqlite: needs the path of the database file");
  }
  config.store.database = value;
  return {};
}

Status publicUrl(Config& config, const std::string& value, const std::string& where) {
  if (value.rfind("https://", 0) != 0 && value.rfind("http://", 0) != 0) {
    return invalidArgument(where + ": expected the absolute URL EHRs call this service at, got '" + value +
                           "'");
  }
  config.trust.public_url = value;
  // Every path is appended to it (a token's aud, the app's launch page): one form, without a trailing slash.
  while (config.trust.public_url.back() == '/') {
    config.trust.public_url.pop_back();
  }
  return {};
}

// A comma-separated list (the config file may give a JSON array, joined with commas before this).
Status fhirServerAllow(Config& config, const std::string& value, const std::string& /*where*/) {
  config.fhir.server_allow.clear();
  std::string_view rest = value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string host_name(base::trimmed(rest.substr(0, comma)));
    if (!host_name.empty()) {
      config.fhir.server_allow.push_back(host_name);
    }
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return {};
}

Status shard(Config& config, const std::string& value, const std::string& /*where*/) {
  const auto slash = value.find('/');
  if (slash == std::string::npos) {
    return invalidArgument("--shard: expected K/N (shard K of N, K from 0 to N-1), got '" + value + "'");
  }
  PUMPCDS_ASSIGN_OR_RETURN(const long shards, parseNumber(value.substr(slash + 1), "--shard N", 1, 100000));
  PUMPCDS_ASSIGN_OR_RETURN(const long index, parseNumber(value.substr(0, slash), "--shard K", 0, shards - 1));
  config.precheck.shard = static_cast<int>(index);
  config.precheck.shards = static_cast<int>(shards);
  return {};
}

// Read before the rest (cli/config.cpp), so applying it again does nothing.
Status nothing(Config& /*config*/, const std::string& /*value*/, const std::string& /*where*/) {
  return {};
}

constexpr unsigned kReadsFhir = kServe | kEvaluate | kCheck | kPrecheck;
constexpr unsigned kLoadsLibrary = kServe | kEvaluate | kCheck | kPrecheck | kPolicies | kCodes;
constexpr unsigned kStore = kServe | kAudit | kFeedback;

} // namespace

const std::vector<OptionSpec>& optionSpecs() {
  // clang-format off
  static const std::vector<OptionSpec> kSpecs = {
      // Listening.
      {"--host", "H", "host", kServe, "Listening", "127.0.0.1", "the address to listen on", hostName<&Config::server, &ServerSettings::host>},
      {"--port", "P", "port", kServe, "Listening", "8080", "the port (0: any free port, printed at start)",
       number<0, 65535, &Config::server, &ServerSettings::port>},
      {"--threads", "N", "threads", kServe, "Listening", "32",
       "connections served at once (2 cores run ~950 hooks/s whatever the count)", number<1, 256, &Config::server, &ServerSettings::threads>},
      {"--max-queued", "N", "max_queued", kServe, "Listening", "32",
       "connections waiting for a worker; beyond them a new one is answered 503 with Retry-After",
       number<0, 4096, &Config::server, &ServerSettings::max_queued>},
      {"--max-body-bytes", "N", "max_body_bytes", kServe, "Listening",
       "8 MiB (twice the largest whole Synthea record)", "largest request body; 413 beyond",
       number<1024, 1L << 30, &Config::server, &ServerSettings::max_body_bytes>},
      {"--allowed-origin", "ORIGIN", "allowed_origin", kServe, "Listening", "*", "CORS origin for browser clients",
       text<&Config::server, &ServerSettings::allowed_origin>},
      // HTTPS.
      {"--tls-cert", "FILE", "tls_cert", kServe, "HTTPS", "none: plain HTTP",
       "serve HTTPS with this PEM certificate (chain); with --tls-key", text<&Config::server, &ServerSettings::tls_cert>},
      {"--tls-key", "FILE", "tls_key", kServe, "HTTPS", "none", "the certificate's PEM private key",
       text<&Config::server, &ServerSettings::tls_key>},
      {"--tls-client-ca", "FILE", "tls_client_ca", kServe, "HTTPS", "none: no client certificate asked for",
       "require a client certificate signed by one of these CAs (mutual TLS)", text<&Config::server, &ServerSettings::tls_client_ca>},
      {"--allow-plain-http", "", "allow_plain_http", kServe, "HTTPS", "off: a non-loopback --host needs TLS",
       "listen beyond loopback without TLS (a TLS proxy in front is the only way in)",
       on<&Config::server, &ServerSettings::allow_plain_http>},
      // Who may call.
      {"--issuers", "FILE", "issuers", kServe, "Who may call", "none: hook and feedback calls are refused (401)",
       "the trusted EHR issuers and their keys (JSON; docs/security.md)", text<&Config::trust, &TrustSettings::issuers>},
      {"--public-url", "URL", "public_url", kServe, "Who may call", "none; required with --issuers",
       "this service as EHRs call it; a token's aud must be URL + path", publicUrl},
      {"--jwt-skew-seconds", "N", "jwt_skew_seconds", kServe, "Who may call", "60",
       "clock difference allowed for exp and iat", number<0, 600, &Config::trust, &TrustSettings::jwt_skew_seconds>},
      {"--allow-unauthenticated", "", "allow_unauthenticated", kServe, "Who may call",
       "off (.ci/serve turns it on for a local try-out unless --issuers is given)",
       "serve hook calls without a token (local trials only; warned)", on<&Config::server, &ServerSettings::allow_unauthenticated>},
      {"--protect-discovery", "", "protect_discovery", kServe, "Who may call",
       "off: GET /cds-services is open, as CDS Hooks expects",
       "GET /cds-services and /fhir/Questionnaire need a valid token too (aud: public URL + the path)",
       on<&Config::server, &ServerSettings::protect_discovery>},
      // The DTR app.
      {"--app-dir", "DIR", "app_dir", kServe, "The DTR app", "share/pumpcds/app beside the binary, else the source tree's app/",
       "where the app's files are (served under /app/)", text<&Config::app, &AppSettings::dir>},
      {"--app-url", "URL", "app_url", kServe, "The DTR app", "--public-url + /app/launch.html, else this listener's",
       "the app's launch page as browsers reach it (the card's link)", text<&Config::app, &AppSettings::url>},
      {"--app-link", "smart|absolute|none", "app_link", kServe, "The DTR app", "smart",
       "how a card links to the app: SMART launch, a plain web link, or none", oneOf<kAppLinks, &Config::app, &AppSettings::link>},
      // Operators.
      {"--admin-port", "N", "admin_port", kServe, "Operators", "none: /metrics is on the service port",
       "a second listener with GET /metrics, GET /healthz and POST /admin/reload (0: any free port); /metrics "
       "then leaves the service port", number<0, 65535, &Config::server, &ServerSettings::admin_port>},
      {"--admin-host", "H", "admin_host", kServe, "Operators", "127.0.0.1", "where the admin listener binds",
       hostName<&Config::server, &ServerSettings::admin_host>},
      {"--no-metrics", "", "no_metrics", kServe, "Operators", "off: /metrics is served", "no /metrics on any port",
       noMetrics},
      // The store.
      {"--data-dir", "DIR", "data_dir", kStore, "Audit trail and feedback store",
       "$XDG_STATE_HOME/pumpcds, else ~/.local/state/pumpcds, else /var/lib/pumpcds",
       "where the SQLite file pumpcds.sqlite3 lives (made owner-only)", nonEmpty<&Config::store, &StoreSettings::data_dir>},
      {"--database", "URL", "database", kStore, "Audit trail and feedback store", "SQLite in --data-dir",
       "sqlite:PATH; postgres://USER@HOST[:PORT]/DB, shared by replicas (password from PGPASSWORD or "
       "~/.pgpass; prefer PUMPCDS_DATABASE to the command line); none: no store, feedback only counted",
       database},
      {"--format", "text|csv|json", "format", kAudit | kFeedback, "Output", "text", "how the summary is printed",
       oneOf<kFormats, &Config::format>},
      // The policy library and the date.
      {"--policies", "DIR", "policies", kLoadsLibrary, "Policy library", "the bundled library",
       "a policy library directory to use instead", text<&Config::policies>},
      {"--now", "YYYY-MM-DD", "now", kReadsFhir, "Policy library",
       "each order's authoredOn, else today", "the reference date for look-backs and effective periods", now},
      // Reading the EHR's FHIR server.
      {"--fhir-deadline-ms", "N", "fhir_deadline_ms", kReadsFhir, "Reading the EHR's FHIR server", "3000",
       "the whole FHIR read of one hook call", number<50, 60000, &Config::fhir, &FhirReadSettings::deadline_ms>},
      {"--fhir-max-pages", "N", "fhir_max_pages", kReadsFhir, "Reading the EHR's FHIR server", "20",
       "pages followed per search", number<1, 1000, &Config::fhir, &FhirReadSettings::max_pages>},
      {"--fhir-max-resources", "N", "fhir_max_resources", kReadsFhir, "Reading the EHR's FHIR server", "5000",
       "resources read per search", number<1, 1000000, &Config::fhir, &FhirReadSettings::max_resources>},
      {"--fhir-ca-file", "FILE", "fhir_ca_file", kReadsFhir, "Reading the EHR's FHIR server",
       "the system trust store", "PEM CA bundle to verify FHIR servers with", text<&Config::fhir, &FhirReadSettings::ca_file>},
      {"--allow-insecure-fhir", "", "allow_insecure_fhir", kReadsFhir, "Reading the EHR's FHIR server",
       "off: http:// FHIR servers are refused", "accept http:// FHIR servers (local sandboxes and tests)",
       on<&Config::fhir, &FhirReadSettings::allow_insecure>},
      {"--fhir-server-allow", "H1,H2", "fhir_server_allow", kReadsFhir, "Reading the EHR's FHIR server",
       "any host", "the only hosts a request's fhirServer may name (in the config file, a list)",
       fhirServerAllow},
      {"--prefetch", "full|minimal", "prefetch", kServe, "Reading the EHR's FHIR server", "full",
       "what discovery asks the EHR to prefetch", prefetch},
      // One patient, or a population.
      {"--fhir-server", "URL", "fhir_server", kCheck | kPrecheck, "Patients", "none",
       "the FHIR server to read the patients from", text<&Config::source, &PatientSource::fhir_server>},
      {"--patient", "ID", "", kCheck | kPrecheck, "Patients", "none", "a patient on --fhir-server (check: one)",
       append<&Config::source, &PatientSource::patients>, true},
      {"--order", "CODE", "", kCheck | kPrecheck, "Patients", "none",
       "a signed pump order of this CPT/HCPCS code (e.g. 62362), dated --now", append<&Config::source, &PatientSource::order_codes>, true},
      {"--drug", "RXNORM", "", kCheck, "Patients", "none", "the pump drug ordered with it, intrathecally",
       append<&Config::source, &PatientSource::drug_codes>, true},
      {"--token-file", "FILE", "token_file", kCheck | kPrecheck, "Patients", "none",
       "the bearer token for --fhir-server (first line)", text<&Config::source, &PatientSource::token_file>},
      {"--group", "ID", "", kPrecheck, "Patients", "none", "the members of Group/ID on --fhir-server",
       text<&Config::precheck, &PrecheckSettings::group>},
      {"--bulk", "DIR", "", kPrecheck, "Patients", "none",
       "a FHIR Bulk Data export (*.ndjson; manifest.json's _type says which types were exported)",
       text<&Config::precheck, &PrecheckSettings::bulk_dir>},
      {"--bundles", "DIR", "", kPrecheck, "Patients", "none", "one FHIR Bundle per patient (*.json, e.g. Synthea)",
       text<&Config::precheck, &PrecheckSettings::bundles_dir>},
      {"--own-orders", "", "", kPrecheck, "Patients", "off",
       "each patient's draft, active and on-hold pump ServiceRequests and DeviceRequests",
       on<&Config::precheck, &PrecheckSettings::own_orders>},
      {"--jobs", "N", "", kPrecheck, "Patients", "every core", "threads", number<1, 256, &Config::precheck, &PrecheckSettings::jobs>},
      {"--shard", "K/N", "", kPrecheck, "Patients", "0/1",
       "only the patients whose id hashes to K of N (0 <= K < N); `precheck merge` joins shards", shard},
      {"--out", "DIR", "", kPrecheck, "Patients", "none", "where results, summary, report and skipped go",
       text<&Config::precheck, &PrecheckSettings::out_dir>},
      // Output and the rest.
      {"--cds", "", "", kEvaluate | kCheck, "Output", "off: the Determination report",
       "print exactly the CDS Hooks response `serve` would give", on<&Config::cds>},
      {"--config", "FILE", "", kEveryCommand, "Settings", "none (PUMPCDS_CONFIG)",
       "a JSON object of settings by config key; the environment beats it and flags beat both", nothing},
      {"--help", "", "", kEveryCommand, "Settings", "", "this text", on<&Config::help>},
  };
  // clang-format on
  return kSpecs;
}

const std::vector<CommandSpec>& commandSpecs() {
  static const std::vector<CommandSpec> kCommands = {
      {"serve", kServe, "serve [options]", "run the CDS Hooks service",
       "Serves CDS Hooks: GET /cds-services, POST /cds-services/{id}, POST /cds-services/{id}/feedback,\n"
       "GET /fhir/Questionnaire[/{id}] (what a card asks to attest, as DTR questionnaires), GET /healthz,\n"
       "GET /metrics. Defaults: 127.0.0.1:8080 and the bundled policy library.\n"
       "Port 0 picks a free port; the address is printed on the first line of output. SIGHUP reloads the\n"
       "policy library. Every hook call is audited in the store; with PostgreSQL, replicas share it and the\n"
       "JWT replay cache.\n",
       "Exit status: 0 stopped cleanly, 1 could not serve, 2 bad settings.\n", runServe},
      {"evaluate", kEvaluate, "evaluate REQUEST.json... [options]", "evaluate hook request files",
       "Evaluates CDS Hooks request files (order-sign or order-select) with no server running and prints\n"
       "the Determination report, or with --cds exactly the CDS Hooks response `serve` would give.\n"
       "What a request's prefetch lacks is read from its fhirServer, exactly as serve would.\n",
       "Exit status: 0 evaluated, 2 bad input (the reason on stderr).\n", runEvaluate},
      {"check", kCheck, "check --fhir-server URL --patient ID --order CODE... [--drug RXNORM...] [options]",
       "pre-check a patient straight from a FHIR server",
       "Pre-checks one patient straight from a FHIR server: a signed order of each CPT/HCPCS CODE for\n"
       "Patient/ID, dated --now (default today), with the pump drug of each --drug, is evaluated as an\n"
       "order-sign hook whose only prefetch is the Patient it read first, so the rest of the record is read\n"
       "from the server. Prints the Determination report, or with --cds the cards.\n",
       "Exit status: 0 evaluated, 2 bad input, or the server could not be read or has no such patient.\n",
       runCheck},
      {"precheck", kPrecheck,
       "precheck (--bulk DIR | --bundles DIR | --fhir-server URL (--patient ID... | --group ID))\n"
       "                        (--order CODE... | --own-orders) --out DIR [options]\n"
       "       pumpcds precheck merge SHARD_OUT... --out DIR",
       "pre-check a population (bulk export, bundles, FHIR server) for prior auth",
       "Pre-checks a population for prior authorization, each patient exactly as an order-sign hook call.\n"
       "Writes to --out: results.ndjson (one Determination per patient), summary.csv (one row per order),\n"
       "report.html (figures, charts, printable checklists) and skipped.ndjson (records not used, why).\n",
       "Exit status: 0 all checked, 1 something was skipped (see skipped.ndjson), 2 bad input.\n",
       runPrecheck},
      {"policies", kPolicies, "policies [test] [options]", "list and validate the policy library",
       "Validates the policy library and lists its policies with their effective periods.\n"
       "With `test`, runs every policy's test cases (<policy>_test.json beside it) and prints PASS, FAIL or\n"
       "ERROR per case with what differed.\n",
       "Exit status: 0 valid (all cases passed), 1 a case failed, 2 invalid library or no case to run.\n",
       runPolicies},
      {"codes", kCodes, "codes unknown FILE... [options]", "list codes in records that no value set knows",
       "Lists the codes on the clinical resources of records (CDS Hooks requests, or FHIR Bundles such as\n"
       "Synthea patients or a bulk export) that no value set of the library knows, most frequent first:\n"
       "count, resource type, system|code, display. What a real EHR sends that the library cannot read\n"
       "is the most common reason a documented patient gets `missing`.\n",
       "Exit status: 0 all files read, 2 a file could not be read (named on stderr; the rest counted).\n",
       runCodes},
      {"audit", kAudit, "audit [options]", "summarise the audit trail of hook calls",
       "Summarises the audit trail `serve` keeps: calls per day and service (answered, mean and slowest\n"
       "time), decisions per policy, and the criteria most often missing. Reads the store while the server\n"
       "runs.\n",
       "Exit status: 0 printed, 2 no store could be read.\n", runSummary},
      {"feedback", kFeedback, "feedback [options]", "summarise the feedback on the cards",
       "Summarises the feedback clinicians gave on the cards: accepted and overridden per policy and per\n"
       "missing criterion the card asked for, and the override reasons given. Reads the store while the\n"
       "server runs.\n",
       "Exit status: 0 printed, 2 no store could be read.\n", runSummary},
  };
  return kCommands;
}

const CommandSpec* findCommand(std::string_view name) {
  for (const auto& command : commandSpecs()) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

} // namespace pumpcds::cli
