#include "cli/commands.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/trusted_issuers.h"
#include "base/text.h"
#include "cards/uuid_source.h"
#include "cli/app_link.h"
#include "cli/command_support.h"
#include "fhir/json_read.h"
#include "fhir/resource_parser.h"
#include "hooks/cds_request.h"
#include "hooks/hook_service.h"
#include "hooks/service_catalog.h"
#include "policies/report_json.h"
#include "policies/unknown_codes.h"
#include "policy_cases/policy_test_runner.h"
#include "requests/check_request.h"
#include "server/http_server.h"
#include "store/audit_queue.h"
#include "store/store.h"

namespace pumpcds::cli {
namespace {

// The JWT verifier of `serve`, from --issuers, fetching JWKS documents with the FHIR client's transport
// (HTTPS verified against the same trust store); nullptr when no issuer file is given.
Result<std::shared_ptr<auth::JwtVerifier>>
makeVerifier(const Config& config, const fhir::FhirClientPtr& client, store::Store* replay_store) {
  if (config.trust.issuers.empty()) {
    return std::shared_ptr<auth::JwtVerifier>();
  }
  const auto text = base::readWholeFile(config.trust.issuers);
  if (!text) {
    return invalidArgument("--issuers: cannot read '" + config.trust.issuers + "'");
  }
  const auto slash = config.trust.issuers.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : config.trust.issuers.substr(0, slash);
  PUMPCDS_ASSIGN_OR_RETURN(auto issuers, auth::parseTrustedIssuers(*text, config.trust.issuers, directory));
  if (config.trust.public_url.empty()) {
    return invalidArgument(
        "--issuers needs --public-url: a token's aud must name this service as EHRs call it");
  }
  auth::VerifierSettings settings;
  settings.issuers = std::move(issuers);
  settings.public_url = config.trust.public_url;
  settings.skew = std::chrono::seconds(config.trust.jwt_skew_seconds);
  if (replay_store != nullptr) {
    settings.shared_replay_check = [replay_store](const std::string& iss, const std::string& jti,
                                                  int64_t expires, int64_t now) {
      return replay_store->rememberToken(iss, jti, expires, now);
    };
  }
  auto fetch = [client](const std::string& url) { return fetchText(*client, url, ""); };
  return std::make_shared<auth::JwtVerifier>(std::move(settings), std::move(fetch));
}

server::HttpServer* running_server = nullptr;

extern "C" void stopOnSignal(int /*signal*/) {
  if (running_server != nullptr) {
    running_server->stop();
  }
}

} // namespace

namespace {

// The store `serve` writes and `audit`/`feedback` read: PostgreSQL at --database postgres://...,
// SQLite at --database sqlite:PATH, else pumpcds.sqlite3 in --data-dir (made, readable by this user
// only: it names patients); none: nullptr.
Result<std::unique_ptr<store::Store>> openStore(const Config& config, bool must_exist) {
  if (config.store.database == "none") {
    return std::unique_ptr<store::Store>();
  }
  if (config.store.usesPostgres()) {
    return store::openPostgresStore(config.store.database);
  }
  std::string path;
  if (!config.store.database.empty()) {
    path = config.store.database.substr(7);
  } else {
    path = config.store.data_dir + "/pumpcds.sqlite3";
    std::error_code error;
    if (!must_exist) {
      std::filesystem::create_directories(config.store.data_dir, error);
      std::filesystem::permissions(config.store.data_dir, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, error);
    }
  }
  if (must_exist && !std::filesystem::exists(path)) {
    return Status(StatusCode::FailedPrecondition,
                  "no store at " + path +
                      " (`pumpcds serve` with the same --data-dir or --database makes it)");
  }
  return store::openSqliteStore(path);
}

void printTables(const std::vector<store::Table>& tables, const std::string& format, std::ostream& out) {
  if (format == "json") {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> json(buffer);
    json.StartObject();
    json.Key("tables");
    json.StartArray();
    for (const auto& table : tables) {
      json.StartObject();
      json.Key("title");
      json.String(table.title);
      json.Key("rows");
      json.StartArray();
      for (const auto& row : table.rows) {
        json.StartObject();
        for (size_t i = 0; i < row.size() && i < table.columns.size(); ++i) {
          json.Key(table.columns[i]);
          json.String(row[i]);
        }
        json.EndObject();
      }
      json.EndArray();
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    out << buffer.GetString() << "\n";
    return;
  }
  for (size_t t = 0; t < tables.size(); ++t) {
    const auto& table = tables[t];
    if (format == "csv") {
      out << (t == 0 ? "" : "\n") << "# " << table.title << "\n";
      for (size_t i = 0; i < table.columns.size(); ++i) {
        out << (i == 0 ? "" : ",") << base::csvField(table.columns[i]);
      }
      out << "\n";
      for (const auto& row : table.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          out << (i == 0 ? "" : ",") << base::csvField(row[i]);
        }
        out << "\n";
      }
      continue;
    }
    std::vector<size_t> widths;
    for (const auto& column : table.columns) {
      widths.push_back(column.size());
    }
    for (const auto& row : table.rows) {
      for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        widths[i] = std::max(widths[i], row[i].size());
      }
    }
    const auto line = [&](const std::vector<std::string>& cells) {
      for (size_t i = 0; i < cells.size(); ++i) {
        out << (i == 0 ? "" : "  ") << cells[i]
            << (i + 1 < cells.size() ? std::string(widths[i] - cells[i].size(), ' ') : "");
      }
      out << "\n";
    };
    out << (t == 0 ? "" : "\n") << table.title << "\n";
    line(table.columns);
    if (table.rows.empty()) {
      out << "(none yet)\n";
    }
    for (const auto& row : table.rows) {
      line(row);
    }
  }
}

} // namespace

int runSummary(const Config& config, std::ostream& out, std::ostream& err) {
  auto opened = openStore(config, true);
  if (!opened.isOk() || !opened.value()) {
    err << "pumpcds " << config.command << ": "
        << (opened.isOk() ? "--database none: there is no store to read" : opened.status().message()) << "\n";
    return 2;
  }
  store::Store& store = *opened.value();
  auto tables = config.command == "audit" ? store.auditSummary() : store.feedbackSummary();
  if (!tables.isOk()) {
    err << "pumpcds " << config.command << ": " << tables.status().message() << "\n";
    return 2;
  }
  printTables(tables.value(), config.format, out);
  return 0;
}

int runServe(const Config& config, std::ostream& out, std::ostream& err) {
  // SIGHUP reloads the library: blocked in every thread (they inherit this mask), taken by one watcher.
  sigset_t hangup;
  sigemptyset(&hangup);
  sigaddset(&hangup, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &hangup, nullptr);
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds: the policy library is invalid, not starting:\n" << library.status().message() << "\n";
    return 2;
  }
  const auto fhir_client = makeFhirClient(config);
  auto opened = openStore(config, false);
  if (!opened.isOk()) {
    err << "pumpcds: " << opened.status().message() << "\n";
    return 2;
  }
  const std::unique_ptr<store::Store> store = std::move(opened.value());
  // Replicas sharing PostgreSQL share the JWT replay cache, on a connection of its own so that a check
  // never waits behind a batch of audit writes.
  std::unique_ptr<store::Store> replay_store;
  if (store && config.store.usesPostgres()) {
    auto replay = openStore(config, false);
    if (!replay.isOk()) {
      err << "pumpcds: " << replay.status().message() << "\n";
      return 2;
    }
    replay_store = std::move(replay.value());
  }
  auto verifier = makeVerifier(config, fhir_client, replay_store.get());
  if (!verifier.isOk()) {
    err << "pumpcds: " << verifier.status().message() << "\n";
    return 2;
  }
  if (!verifier.value() && config.server.allow_unauthenticated) {
    err << "pumpcds: WARNING: --allow-unauthenticated: hook and feedback calls are answered without a JWT. "
           "Never expose this server to an EHR or a network.\n";
  } else if (!verifier.value()) {
    err << "pumpcds: no trusted issuer configured (--issuers): hook and feedback calls are refused (401) "
           "until one is; --allow-unauthenticated serves local trials.\n";
  }
  std::unique_ptr<store::AuditQueue> audit;
  if (store) {
    audit = std::make_unique<store::AuditQueue>(*store);
  } else {
    err << "pumpcds: --database none: no audit trail is kept and feedback is only counted.\n";
  }
  hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now,
                             fhir_client);
  server::ServerSettings settings = config.server;
  settings.shared_store = config.store.usesPostgres();
  settings.fhir_servers_listed = !config.fhir.server_allow.empty();
  settings.app_dir = findAppDir(config.app);
  if (settings.app_dir.empty() && config.app.link != "none") {
    err << "pumpcds: the DTR app's files were not found"
        << (config.app.dir.empty() ? "" : " in " + config.app.dir) << " (app/install installs them)"
        << (config.app.url.empty() ? ": cards will not link to it" : "") << ".\n";
  }
  server::HttpServer server(settings, service, verifier.value(), store.get(), audit.get());
  server.setLibraryLoader([&config] { return loadLibrary(config); });
  auto port = server.bind();
  if (!port.isOk()) {
    err << "pumpcds: " << port.status().message() << "\n";
    return port.status().code() == StatusCode::InvalidArgument ? 2 : 1;
  }
  service.setAppLink(appLink(config, settings.app_dir, port.value(), server.tls()));
  auto admin_port = server.bindAdmin();
  if (!admin_port.isOk()) {
    err << "pumpcds: " << admin_port.status().message() << "\n";
    return 1;
  }
  out << "pumpcds listening on " << (server.tls() ? "https" : "http") << "://" << config.server.host << ":"
      << port.value() << " (" << library.value()->policies().size() << " policies, library "
      << library.value()->revision().substr(0, 12) << (store ? ", audit trail in " + store->describe() : "")
      << (admin_port.value() >= 0
              ? ", admin on http://" + config.server.admin_host + ":" + std::to_string(admin_port.value())
              : std::string())
      << ")" << std::endl;
  std::atomic<bool> stopping{false};
  std::thread reloader([&server, &stopping, hangup] {
    const timespec tick{0, 200'000'000};
    while (!stopping) {
      if (sigtimedwait(&hangup, nullptr, &tick) == SIGHUP) {
        (void)server.reloadLibrary(); // logs what happened either way
      }
    }
  });
  running_server = &server;
  // A client that goes away while a TLS response is being written must cost that connection, not the
  // process (OpenSSL writes without MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, stopOnSignal);
  std::signal(SIGTERM, stopOnSignal);
  server.run();
  running_server = nullptr;
  stopping = true;
  reloader.join();
  if (audit) {
    audit->stop(); // every accepted record is stored before the process ends
  }
  return 0;
}

namespace {

// Evaluates one request file; returns the output text, or false with the reason on `err`.
bool evaluateFile(const std::string& path, const hooks::HookService& service, const Config& config,
                  const std::string& revision, bool batch, std::string& output, std::ostream& err) {
  const auto content = base::readWholeFile(path);
  if (!content) {
    err << "pumpcds evaluate: cannot read '" << path << "'\n";
    return false;
  }
  const std::string& body = *content;
  // The service is the one whose hook the request names, as an EHR would have chosen it.
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  const std::string hook = document.HasParseError() ? std::string() : fhir::stringAt(&document, "hook");
  std::string service_id;
  for (const auto& candidate : hooks::services()) {
    if (candidate.hook == hook) {
      service_id = candidate.id;
    }
  }
  if (!document.HasParseError() && document.IsObject() && !hook.empty() && service_id.empty()) {
    err << "pumpcds evaluate: " << path << ": hook '" << hook
        << "' is not one pumpcds answers (order-sign, order-select)\n";
    return false;
  }
  auto outcome = service.handle(service_id.empty() ? hooks::services().front().id : service_id, body);
  if (!outcome.isOk()) {
    err << "pumpcds evaluate: " << path << ": " << outcome.status().message() << "\n";
    return false;
  }
  if (!batch) {
    output = config.cds ? outcome.value().response_json + "\n"
                        : policy::toReportJson(outcome.value().determination, revision);
    return true;
  }
  rapidjson::StringBuffer name;
  rapidjson::Writer<rapidjson::StringBuffer> quote(name);
  quote.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
  output = std::string("{\"file\":") + name.GetString() + (config.cds ? ",\"response\":" : ",\"report\":") +
           (config.cds ? outcome.value().response_json
                       : policy::toReportJson(outcome.value().determination, revision, /*pretty=*/false)) +
           "}\n";
  return true;
}

} // namespace

int runEvaluate(const Config& config, std::ostream& out, std::ostream& err) {
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds evaluate: the policy library is invalid:\n" << library.status().message() << "\n";
    return 2;
  }
  const hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now,
                                   makeFhirClient(config));
  const bool batch = config.request_files.size() > 1;
  bool all_good = true;
  for (const auto& path : config.request_files) {
    std::string output;
    if (evaluateFile(path, service, config, library.value()->revision(), batch, output, err)) {
      out << output << std::flush;
    } else {
      all_good = false; // named on stderr; the other files are still evaluated
    }
  }
  return all_good ? 0 : 2;
}

int runCheck(const Config& config, std::ostream& out, std::ostream& err) {
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds check: the policy library is invalid:\n" << library.status().message() << "\n";
    return 2;
  }
  const std::string& patient_id = config.source.patients.front(); // parseConfig requires exactly one
  requests::CheckRequest check{config.source.fhir_server,
                               "",
                               patient_id,
                               config.source.order_codes,
                               config.source.drug_codes,
                               config.now.value_or(fhir::Date::today()),
                               /*patient_json=*/""};
  if (!config.source.token_file.empty()) {
    auto token = readTokenFile(config.source.token_file);
    if (!token.isOk()) {
      err << "pumpcds check: " << token.status().message() << "\n";
      return 2;
    }
    check.access_token = std::move(token).value();
  }
  auto client = makeFhirClient(config);
  // The patient first: a server that cannot be reached, or that has no such patient, is an error (exit 2),
  // not an evaluation of an empty record.
  auto patient =
      readFromFhirServer(*client, config.source.fhir_server, "Patient/" + patient_id, check.access_token);
  if (!patient.isOk()) {
    err << "pumpcds check: cannot read Patient/" << patient_id << " from " << config.source.fhir_server
        << ": " << patient.status().message() << "\n";
    return 2;
  }
  check.patient_json = std::move(patient).value();
  const hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now,
                                   std::move(client));
  auto outcome = service.handle(hooks::services().front().id, requests::checkRequestJson(check));
  if (!outcome.isOk()) {
    err << "pumpcds check: " << outcome.status().message() << "\n";
    return 2;
  }
  if (outcome.value().determination.orders.empty()) {
    err << "pumpcds check: no order code given is a pump order pumpcds knows (pumpcds policies lists the "
           "library; orders.json holds the codes)\n";
    return 2;
  }
  out << (config.cds ? outcome.value().response_json + "\n"
                     : policy::toReportJson(outcome.value().determination, library.value()->revision()));
  return 0;
}

int runPolicyTests(const Config& config, const policy::PolicyLibrary::Ptr& library, std::ostream& out,
                   std::ostream& err) {
  std::vector<policy::LibraryFile> files;
  if (config.policies.empty()) {
    files = policy::bundledLibraryFiles();
  } else {
    auto read = policy::readLibraryDirectory(config.policies);
    if (!read.isOk()) {
      err << read.status().message() << "\n";
      return 2;
    }
    files = std::move(read).value();
  }
  const auto test_files = policy_cases::policyTestFiles(files);
  auto results = policy_cases::runPolicyTests(library, test_files);
  for (auto& uncovered : policy_cases::namedRulesWithoutCases(*library, test_files)) {
    results.push_back(std::move(uncovered));
  }
  size_t passed = 0;
  size_t failed = 0;
  for (const auto& result : results) {
    const bool pass = result.outcome == policy_cases::PolicyCaseResult::Outcome::Pass;
    const char* word = pass                                                              ? "PASS"
                       : result.outcome == policy_cases::PolicyCaseResult::Outcome::Fail ? "FAIL"
                                                                                         : "ERROR";
    (pass ? passed : failed) += 1;
    out << word << " " << result.file << "#" << result.index << " " << result.note << "\n";
    for (const auto& failure : result.failures) {
      out << "    " << failure << "\n";
    }
  }
  out << passed << " passed, " << failed << " failed\n";
  if (results.empty()) {
    err << "pumpcds policies test: no test case found (expected <policy>_test.json files)\n";
    return 2;
  }
  return failed == 0 ? 0 : 1;
}

int runPolicies(const Config& config, std::ostream& out, std::ostream& err) {
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << library.status().message() << "\n";
    return 2;
  }
  if (config.run_policy_tests) {
    return runPolicyTests(config, library.value(), out, err);
  }
  const auto& loaded = *library.value();
  out << "library " << (config.policies.empty() ? std::string("(bundled)") : config.policies) << ", revision "
      << loaded.revision() << "\n";
  for (const auto& policy : loaded.policies()) {
    out << policy.id << "\t" << policy.effective_start.toString() << " to "
        << (policy.effective_end ? policy.effective_end->toString() : std::string("(open)")) << "\t"
        << policy.criteria.size() << " criteria\t" << policy.publisher << ": " << policy.title << "\n";
  }
  // Codes nobody has checked against the code files yet stay visible until someone does.
  size_t unverified = 0;
  std::string sets;
  for (const auto& [id, set] : loaded.valueSets().all()) {
    if (set.unverifiedCount() > 0) {
      unverified += set.unverifiedCount();
      sets += (sets.empty() ? "" : ", ") + id + " (" + std::to_string(set.unverifiedCount()) + ")";
    }
  }
  if (unverified > 0) {
    out << unverified
        << " value-set entries are marked \"verified\": false and need a check before production use: "
        << sets << "\n";
  }
  out << loaded.policies().size() << " policies, " << loaded.valueSets().size() << " value sets, "
      << loaded.routing().routes().size() << " routes: valid\n";
  return 0;
}

namespace {

// A record from a hook request (its prefetch) or from a FHIR Bundle (a Synthea patient, a bulk export).
Result<fhir::PatientRecord> readRecordFile(const std::string& path) {
  const auto content = base::readWholeFile(path);
  if (!content) {
    return notFound(path + ": cannot be read");
  }
  const std::string& body = *content;
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError()) {
    return invalidArgument(path + ": " + fhir::describeParseError(document, body));
  }
  if (fhir::stringAt(&document, "resourceType") == "Bundle") {
    fhir::PatientRecord record;
    for (const fhir::JsonValue* entry : fhir::items(fhir::member(document, "entry"))) {
      const fhir::JsonValue* json = fhir::member(*entry, "resource");
      if (auto resource = json != nullptr ? fhir::parseResource(*json) : std::nullopt) {
        record.add(std::move(*resource));
      }
    }
    record.resolveReferences();
    return record;
  }
  if (!fhir::member(document, "hook")) {
    return invalidArgument(path + ": neither a CDS Hooks request (no \"hook\") nor a FHIR Bundle");
  }
  auto request = hooks::parseCdsRequest(body);
  if (!request.isOk()) {
    return invalidArgument(path + ": " + request.status().message());
  }
  return std::move(request.value().record);
}

} // namespace

int runCodes(const Config& config, std::ostream& out, std::ostream& err) {
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds codes: the policy library is invalid:\n" << library.status().message() << "\n";
    return 2;
  }
  policy::UnknownCodeTally tally;
  bool all_read = true;
  for (const auto& path : config.request_files) {
    auto record = readRecordFile(path);
    if (!record.isOk()) {
      err << "pumpcds codes: " << record.status().message() << "\n";
      all_read = false; // the other files are still counted
      continue;
    }
    tally.add(record.value(), library.value()->valueSets());
  }
  const auto unknown = tally.sorted();
  size_t resources = 0;
  for (const auto& code : unknown) {
    resources += code.count;
  }
  out << "# " << tally.records() << " record(s), " << tally.codingsSeen()
      << " codings on clinical resources, " << unknown.size() << " distinct codes no value set knows (on "
      << resources << " resources)\n";
  out << "# count\ttype\tsystem|code\tdisplay\n";
  for (const auto& code : unknown) {
    out << code.count << "\t" << code.type << "\t" << code.coding.system << "|" << code.coding.code << "\t"
        << code.coding.display << "\n";
  }
  return all_read ? 0 : 2;
}

} // namespace pumpcds::cli
