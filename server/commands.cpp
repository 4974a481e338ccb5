#include "server/commands.h"

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "hooks/policy_test_runner.h"
#include "hooks/service_catalog.h"
#include "policies/report_json.h"
#include "server/http_server.h"

namespace pumpcds::server {
namespace {

Result<policy::PolicyLibrary::Ptr> loadLibrary(const Config& config) {
  return config.policies.empty() ? policy::PolicyLibrary::loadBundled()
                                 : policy::PolicyLibrary::loadDirectory(config.policies);
}

HttpServer* running_server = nullptr;

extern "C" void stopOnSignal(int /*signal*/) {
  if (running_server != nullptr) {
    running_server->stop();
  }
}

} // namespace

int runServe(const Config& config, std::ostream& out, std::ostream& err) {
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds: the policy library is invalid, not starting:\n" << library.status().message() << "\n";
    return 2;
  }
  const hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now);
  HttpServer server(config, service);
  auto port = server.bind();
  if (!port.isOk()) {
    err << "pumpcds: " << port.status().message() << "\n";
    return 1;
  }
  out << "pumpcds listening on http://" << config.host << ":" << port.value() << " ("
      << library.value()->policies().size() << " policies, library "
      << library.value()->revision().substr(0, 12) << ")" << std::endl;
  running_server = &server;
  std::signal(SIGINT, stopOnSignal);
  std::signal(SIGTERM, stopOnSignal);
  server.run();
  running_server = nullptr;
  return 0;
}

int runEvaluate(const Config& config, std::ostream& out, std::ostream& err) {
  std::ifstream stream(config.request_file, std::ios::binary);
  if (!stream) {
    err << "pumpcds evaluate: cannot read '" << config.request_file << "'\n";
    return 2;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  const std::string body = text.str();
  // The service is the one whose hook the request names, as an EHR would have chosen it.
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  std::string hook = document.HasParseError() ? std::string() : fhir::stringAt(&document, "hook");
  std::string service_id;
  for (const auto& service : hooks::services()) {
    if (service.hook == hook) {
      service_id = service.id;
    }
  }
  if (!document.HasParseError() && document.IsObject() && service_id.empty()) {
    err << "pumpcds evaluate: " << config.request_file << ": hook '" << hook
        << "' is not one pumpcds answers (order-sign, order-select)\n";
    return 2;
  }
  auto library = loadLibrary(config);
  if (!library.isOk()) {
    err << "pumpcds evaluate: the policy library is invalid:\n" << library.status().message() << "\n";
    return 2;
  }
  const hooks::HookService service(library.value(), std::make_unique<cards::RandomUuidSource>(), config.now);
  auto outcome = service.handle(service_id.empty() ? hooks::services().front().id : service_id, body);
  if (!outcome.isOk()) {
    err << "pumpcds evaluate: " << config.request_file << ": " << outcome.status().message() << "\n";
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
  const auto results = hooks::runPolicyTests(library, hooks::policyTestFiles(files));
  size_t passed = 0;
  size_t failed = 0;
  for (const auto& result : results) {
    const bool pass = result.outcome == hooks::PolicyCaseResult::Outcome::Pass;
    const char* word = pass                                                       ? "PASS"
                       : result.outcome == hooks::PolicyCaseResult::Outcome::Fail ? "FAIL"
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
  out << loaded.policies().size() << " policies, " << loaded.valueSets().size() << " value sets, "
      << loaded.routing().routes().size() << " routes: valid\n";
  return 0;
}

} // namespace pumpcds::server
