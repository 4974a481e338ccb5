// Reading the record from a real FHIR server (tests/fhir_server: Medplum's FHIR router on Node.js, on
// loopback): the same determinations as full prefetch, paging, references, every way a server can fail,
// and the latency of parallel queries.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/text.h"
#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"
#include "hooks/hook_service.h"
#include "policy_cases/policy_test_runner.h"
#include "questionnaires/questionnaire_package.h"
#include "questionnaires/questionnaire_populate.h"
#include "questionnaires/questionnaire_writer.h"
#include "tests/e2e/server_process.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/child_process.h"
#include "tests/support/fhir_test_server.h"
#include "tests/support/synthea_request.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

using policy_cases::PolicyCaseRequest;
using policy_cases::policyCaseRequests;
using policy_cases::policyTestFiles;

using Clock = std::chrono::steady_clock;

testing::TestCertificates certificates;
testing::FhirTestServer* fhir_server = nullptr;

// One FHIR server for the whole run: starting Node and indexing FHIR's definitions takes seconds.
class FhirServerEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    const auto dir = std::filesystem::temp_directory_path() / ("pumpcds-certs-" + std::to_string(getpid()));
    certificates = testing::makeTestCertificates(dir.string());
    ASSERT_FALSE(certificates.ca_file.empty()) << "openssl could not make the test certificates";
    fhir_server = new testing::FhirTestServer(&certificates);
    ASSERT_TRUE(fhir_server->started()) << fhir_server->error();
  }
  void TearDown() override {
    delete fhir_server;
    fhir_server = nullptr;
    std::filesystem::remove_all(std::filesystem::path(certificates.ca_file).parent_path());
  }
};
[[maybe_unused]] const auto* const environment =
    ::testing::AddGlobalTestEnvironment(new FhirServerEnvironment);

const policy::PolicyLibrary::Ptr& library() {
  static const policy::PolicyLibrary::Ptr kLibrary = policy::PolicyLibrary::loadBundled().value();
  return kLibrary;
}

// Generous limits: sanitizer builds on a busy 2-core machine are slow, and no test here is about them.
fhir::FhirClientSettings loopbackSettings() {
  fhir::FhirClientSettings settings;
  settings.allow_insecure = true;
  settings.deadline = std::chrono::milliseconds(20000);
  settings.connect_timeout =
      settings.deadline; // the one-threaded test server takes many TLS handshakes slowly
  settings.max_pages = 200;
  return settings;
}

HookService serviceWith(fhir::FhirClientSettings settings = loopbackSettings()) {
  return {library(), std::make_unique<cards::SequentialUuidSource>(), std::nullopt,
          std::make_shared<const fhir::FhirClient>(std::move(settings))};
}

// What a determination says, in a stable text: per order its kind, origin, policies, decision, and each
// criterion's status with its evidence (sorted: a server may return resources in another order).
std::string summary(const policy::Determination& determination) {
  std::ostringstream out;
  for (const auto& order : determination.orders) {
    out << order.order.reference << " " << policy::toString(order.order.kind)
        << " origin=" << policy::toString(order.origin)
        << " policy=" << (order.policy ? order.policy->id : "null")
        << " pa=" << policy::toString(order.prior_auth) << " decision=" << policy::toString(order.decision);
    if (order.fee_estimate) {
      out << " fees=" << order.fee_estimate->total;
    }
    out << "\n";
    for (const auto& result : order.criteria) {
      auto evidence = result.evidence;
      std::sort(evidence.begin(), evidence.end());
      out << "  " << result.criterion->id << " " << policy::toString(result.status) << " [";
      for (const auto& reference : evidence) {
        out << reference << " ";
      }
      out << "]\n";
    }
  }
  return out.str();
}

std::string issuesOf(const policy::Determination& determination) {
  std::string out;
  for (const auto& order : determination.orders) {
    for (const auto& issue : order.record_issues) {
      out += issue + "\n";
    }
  }
  return out;
}

// A full-prefetch request taken apart: its resources (to load into the server) and the types it leaves
// unread (absent keys, or keys holding an error), which the server must then fail too.
struct SplitRequest {
  std::string resources_json;
  std::set<std::string> unread;
  std::string patient_id;
};

SplitRequest splitPrefetch(const std::string& request_json) {
  rapidjson::Document request;
  request.Parse(request_json.c_str());
  rapidjson::Document resources(rapidjson::kArrayType);
  auto& allocator = resources.GetAllocator();
  const fhir::JsonValue* prefetch = fhir::member(request, "prefetch");
  SplitRequest split;
  split.patient_id = fhir::stringAt(fhir::member(request, "context"), "patientId");
  for (const auto& prefetch_template : fhir::prefetchTemplates()) {
    const fhir::JsonValue* value = fhir::member(prefetch, prefetch_template.key);
    if (value == nullptr || fhir::stringAt(value, "resourceType") == "OperationOutcome") {
      split.unread.insert(prefetch_template.type);
      continue;
    }
    if (fhir::stringAt(value, "resourceType") != "Bundle") {
      if (value->IsObject()) {
        resources.PushBack(rapidjson::Value(*value, allocator), allocator);
      }
      continue;
    }
    for (const fhir::JsonValue* entry : fhir::items(fhir::member(*value, "entry"))) {
      if (const fhir::JsonValue* resource = fhir::member(entry, "resource")) {
        resources.PushBack(rapidjson::Value(*resource, allocator), allocator);
      }
    }
  }
  split.resources_json = fhir::jsonText(resources);
  return split;
}

// The request with its prefetch cut to `keep` keys (none: no prefetch at all) and fhirServer set.
std::string pointedAt(const std::string& request_json, const std::string& base,
                      const std::set<std::string>& keep = {}, const std::string& token = "") {
  rapidjson::Document request;
  request.Parse(request_json.c_str());
  auto& allocator = request.GetAllocator();
  if (request.HasMember("prefetch")) {
    if (keep.empty()) {
      request.RemoveMember("prefetch");
    } else {
      auto& prefetch = request["prefetch"];
      for (auto it = prefetch.MemberBegin(); it != prefetch.MemberEnd();) {
        it = keep.count(it->name.GetString()) != 0 ? it + 1 : prefetch.EraseMember(it);
      }
    }
  }
  request.RemoveMember("fhirServer");
  request.AddMember("fhirServer", rapidjson::Value(base.c_str(), allocator), allocator);
  if (!token.empty()) {
    rapidjson::Value authorization(rapidjson::kObjectType);
    authorization.AddMember("access_token", rapidjson::Value(token.c_str(), allocator), allocator);
    authorization.AddMember("token_type", "Bearer", allocator);
    request.AddMember("fhirAuthorization", authorization, allocator);
  }
  return fhir::jsonText(request);
}

// "/fail/Observation/500" for each unread type, so that the server cannot read what prefetch did not.
std::string failModifiers(const std::set<std::string>& types) {
  std::string out;
  for (const auto& type : types) {
    out += "/fail/" + type + "/500";
  }
  return out;
}

std::vector<PolicyCaseRequest> caseRequests() {
  return policyCaseRequests(*library(), policyTestFiles(policy::bundledLibraryFiles()));
}

// The MM-1369 trial patient who meets every criterion, as a full-prefetch request.
std::string completeTrialRequest() {
  for (const auto& request : caseRequests()) {
    if (request.file.find("caresource-nc-mm-1369_test") != std::string::npos && request.index == 0) {
      return request.request_json;
    }
  }
  return {};
}

// Loads a request's record into `tenant` once per run.
void seedOnce(const std::string& tenant, const std::string& request_json) {
  static std::set<std::string> seeded;
  if (seeded.insert(tenant).second) {
    const auto split = splitPrefetch(request_json);
    ASSERT_GT(fhir_server->seed(tenant, split.resources_json, split.patient_id), 0);
  }
}

// The DTR resources pumpcds writes, checked by a real FHIR validator (Medplum's, against the R4
// definitions): a Questionnaire missing a linkId shows that it does refuse.
TEST(FhirValidator, EveryGeneratedQuestionnaireAndItsPackageIsValidFhir) {
  EXPECT_NE(fhir_server->validationProblems(
                R"({"resourceType":"Questionnaire","status":"active","item":[{"type":"boolean"}]})"),
            "");
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const auto generated = questionnaires::libraryQuestionnaires(*library.value());
  ASSERT_FALSE(generated.empty());
  for (const auto& questionnaire : generated) {
    EXPECT_EQ(fhir_server->validationProblems(questionnaire.json), "") << questionnaire.id;
    const std::string input =
        R"({"resourceType":"Parameters","parameter":[{"name":"coverage","resource":{"resourceType":"Coverage",)"
        R"("id":"c","status":"active","beneficiary":{"reference":"Patient/p"},"payor":[{"display":"x"}]}},)"
        R"({"name":"questionnaire","valueCanonical":")" +
        questionnaire.url + R"(|old"}]})";
    EXPECT_EQ(fhir_server->validationProblems(input), "") << "the test's own input";
    auto package =
        questionnaires::questionnairePackage(*library.value(), input, *fhir::Date::parse("2025-11-20"));
    ASSERT_TRUE(package.isOk());
    EXPECT_EQ(fhir_server->validationProblems(package.value()), "") << questionnaire.id;
  }
}

TEST(FromTheServerAlone, EveryPolicyCaseGivesTheSameDeterminationAsFullPrefetch) {
  const auto cases = caseRequests();
  ASSERT_GT(cases.size(), 100u);
  const HookService prefetch_only(library(), std::make_unique<cards::SequentialUuidSource>());
  const HookService reading = serviceWith();
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& request = cases[i];
    SCOPED_TRACE(request.file + "#" + std::to_string(request.index) + " " + request.note);
    const auto split = splitPrefetch(request.request_json);
    const std::string tenant = "case-" + std::to_string(i);
    ASSERT_GT(fhir_server->seed(tenant, split.resources_json, split.patient_id), 0);
    auto expected = prefetch_only.handle("pumpcds-order-sign", request.request_json);
    ASSERT_TRUE(expected.isOk()) << expected.status().message();
    // No prefetch at all: routing data first, then what the routed policy reads.
    const std::string base = fhir_server->base("/tenant/" + tenant + failModifiers(split.unread));
    auto read = reading.handle("pumpcds-order-sign", pointedAt(request.request_json, base));
    ASSERT_TRUE(read.isOk()) << read.status().message();
    EXPECT_EQ(summary(read.value().determination), summary(expected.value().determination))
        << issuesOf(read.value().determination);
    for (const auto& problem : testing::cdsResponseProblems(read.value().response_json)) {
      ADD_FAILURE() << request.file << " #" << request.index << ", read from the FHIR server: " << problem;
    }
    EXPECT_GT(read.value().fetch.requests, 0);
  }
}

TEST(FromTheServerAlone, MedicationsByReferenceResolveWhetherIncludedOrFetched) {
  // The same patients with each medication moved into a Medication resource the prescription references,
  // as Epic sends them: with the server's _include, and with a server that ignores _include (then
  // pumpcds reads each Medication itself).
  const HookService prefetch_only(library(), std::make_unique<cards::SequentialUuidSource>());
  const HookService reading = serviceWith();
  int checked = 0;
  int fetched = 0;
  for (const auto& request : caseRequests()) {
    if (request.request_json.find("medicationCodeableConcept") == std::string::npos ||
        request.file.find("centene") == std::string::npos) {
      continue;
    }
    SCOPED_TRACE(request.file + "#" + std::to_string(request.index) + " " + request.note);
    auto split = splitPrefetch(request.request_json);
    rapidjson::Document resources;
    resources.Parse(split.resources_json.c_str());
    rapidjson::Document referenced(rapidjson::kArrayType);
    auto& allocator = referenced.GetAllocator();
    int medications = 0;
    for (auto& resource : resources.GetArray()) {
      rapidjson::Value copy(resource, allocator);
      if (copy.HasMember("medicationCodeableConcept")) {
        const std::string id = "med-" + std::to_string(++medications);
        rapidjson::Value medication(rapidjson::kObjectType);
        medication.AddMember("resourceType", "Medication", allocator);
        medication.AddMember("id", rapidjson::Value(id.c_str(), allocator), allocator);
        medication.AddMember("code", copy["medicationCodeableConcept"], allocator);
        copy.RemoveMember("medicationCodeableConcept");
        rapidjson::Value reference(rapidjson::kObjectType);
        reference.AddMember("reference", rapidjson::Value(("Medication/" + id).c_str(), allocator),
                            allocator);
        copy.AddMember("medicationReference", reference, allocator);
        referenced.PushBack(medication, allocator);
      }
      referenced.PushBack(copy, allocator);
    }
    const std::string tenant = "medref-" + std::to_string(++checked);
    ASSERT_GT(fhir_server->seed(tenant, fhir::jsonText(referenced), split.patient_id), 0);
    auto expected = prefetch_only.handle("pumpcds-order-sign", request.request_json);
    ASSERT_TRUE(expected.isOk());
    for (const std::string modifiers : {"", "/ignore/_include"}) {
      const std::string base =
          fhir_server->base("/tenant/" + tenant + modifiers + failModifiers(split.unread));
      auto read = reading.handle("pumpcds-order-sign", pointedAt(request.request_json, base));
      ASSERT_TRUE(read.isOk()) << read.status().message();
      EXPECT_EQ(summary(read.value().determination), summary(expected.value().determination))
          << modifiers << "\n"
          << issuesOf(read.value().determination);
    }
    const auto requests = fhir_server->requests(tenant);
    fetched += std::any_of(requests.begin(), requests.end(),
                           [](const std::string& url) { return url.rfind("/Medication/med-", 0) == 0; })
                   ? 1
                   : 0;
  }
  EXPECT_GE(checked, 10);
  EXPECT_GE(fetched, 10) << "with _include ignored, each Medication is read by reference";
}

TEST(FromTheServerAlone, APayorNamedOnlyByReferenceIsReadBeforeRouting) {
  // The Coverage names CareSource only as Organization/caresource, and the server ignores _include: the
  // Organization must be read before routing, or no policy (and so none of its data) would be chosen.
  const std::string request = completeTrialRequest();
  seedOnce("payor", request);
  ASSERT_EQ(fhir_server->seed("payor",
                              R"([{"resourceType":"Organization","id":"caresource","name":"CareSource"},
    {"resourceType":"Coverage","id":"coverage-1","status":"active","beneficiary":{"reference":"Patient/p1"},
     "payor":[{"reference":"Organization/caresource"}]}])",
                              "p1"),
            2);
  auto outcome = serviceWith().handle("pumpcds-order-sign",
                                      pointedAt(request, fhir_server->base("/tenant/payor/ignore/_include")));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  const auto& order = outcome.value().determination.orders.at(0);
  ASSERT_NE(order.policy, nullptr) << issuesOf(outcome.value().determination);
  EXPECT_EQ(order.policy->id, "caresource-nc-mm-1369");
  EXPECT_EQ(order.decision, policy::Decision::Complete) << issuesOf(outcome.value().determination);
  const auto requests = fhir_server->requests("payor");
  EXPECT_NE(std::find(requests.begin(), requests.end(), "/Organization/caresource"), requests.end());
}

TEST(FromTheServerAlone, SyntheaRecordIsPagedThroughAndMatchesFullPrefetch) {
  const std::string bundle =
      testing::readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
  const std::string request = testing::syntheaRequest(bundle, "Ambetter Health");
  const auto split = splitPrefetch(request);
  ASSERT_GT(fhir_server->seed("synthea", bundle, split.patient_id), 0);
  // And the Coverage the request adds (Synthea has none); the rest keeps the bundle's references.
  rapidjson::Document resources;
  resources.Parse(split.resources_json.c_str());
  rapidjson::Document coverage(rapidjson::kArrayType);
  for (const auto& resource : resources.GetArray()) {
    if (fhir::stringAt(&resource, "resourceType") == "Coverage") {
      coverage.PushBack(rapidjson::Value(resource, coverage.GetAllocator()), coverage.GetAllocator());
    }
  }
  ASSERT_EQ(fhir_server->seed("synthea", fhir::jsonText(coverage), split.patient_id), 1);
  const HookService prefetch_only(library(), std::make_unique<cards::SequentialUuidSource>());
  auto expected = prefetch_only.handle("pumpcds-order-sign", request);
  ASSERT_TRUE(expected.isOk());
  auto read = serviceWith().handle("pumpcds-order-sign",
                                   pointedAt(request, fhir_server->base("/tenant/synthea/page/10")));
  ASSERT_TRUE(read.isOk()) << read.status().message();
  EXPECT_EQ(summary(read.value().determination), summary(expected.value().determination))
      << issuesOf(read.value().determination);
  const auto requests = fhir_server->requests("synthea");
  const auto later_pages = std::count_if(requests.begin(), requests.end(), [](const std::string& url) {
    return url.find("_offset=") != std::string::npos;
  });
  EXPECT_GE(later_pages, 3) << "her record spans several pages of 10";
}

TEST(Prefetch, NullKeyIsNotQueriedAbsentKeyIsAndPagedKeyIsCompleted) {
  const std::string request = completeTrialRequest();
  seedOnce("keys", request);
  rapidjson::Document document;
  document.Parse(pointedAt(request, fhir_server->base("/tenant/keys")).c_str());
  auto& allocator = document.GetAllocator();
  rapidjson::Document original;
  original.Parse(request.c_str());
  rapidjson::Value prefetch(original["prefetch"], allocator);
  prefetch.RemoveMember("conditions"); // absent: read from the server
  prefetch["devices"].SetNull();       // null: the EHR has none; not queried
  // A first page with a next link (as the sandbox sends when its search paged): completed from the server.
  rapidjson::Value& observations = prefetch["observations"];
  rapidjson::Value link(rapidjson::kArrayType);
  rapidjson::Value next(rapidjson::kObjectType);
  next.AddMember("relation", "next", allocator);
  next.AddMember("url", "Observation?patient=p1&page=2", allocator);
  link.PushBack(next, allocator);
  observations.RemoveMember("link");
  observations.AddMember("link", link, allocator);
  document.AddMember("prefetch", prefetch, allocator);
  auto outcome = serviceWith().handle("pumpcds-order-sign", fhir::jsonText(document));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  EXPECT_EQ(outcome.value().determination.orders.at(0).decision, policy::Decision::Complete)
      << issuesOf(outcome.value().determination);
  const auto requests = fhir_server->requests("keys");
  const auto asked = [&](const std::string& prefix) {
    return std::any_of(requests.begin(), requests.end(),
                       [&](const std::string& url) { return url.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(asked("/Condition?patient=p1"));
  EXPECT_TRUE(asked("/Observation?patient=p1"));
  EXPECT_FALSE(asked("/Device?"));
  EXPECT_FALSE(asked("/Procedure?")) << "a complete prefetch key is not queried again";
}

// A request whose Conditions must come from the server (everything else prefetched), at `base`.
Result<HookOutcome> conditionsFrom(const std::string& modifiers,
                                   fhir::FhirClientSettings settings = loopbackSettings(), bool https = false,
                                   const std::string& token = "") {
  const std::string request = completeTrialRequest();
  seedOnce("faults", request);
  std::set<std::string> keep;
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    if (prefetch.type != "Condition") {
      keep.insert(prefetch.key);
    }
  }
  const std::string base = https ? fhir_server->tlsBase("/tenant/faults" + modifiers)
                                 : fhir_server->base("/tenant/faults" + modifiers);
  return serviceWith(std::move(settings)).handle("pumpcds-order-sign", pointedAt(request, base, keep, token));
}

// Conditions unreadable: the origin cannot be told and every condition criterion is missing, with the
// reason on the record; nothing else changes.
// `cause`: how the metrics count the failure.
void expectConditionsUnread(const Result<HookOutcome>& outcome, const std::string& reason,
                            const std::string& cause = "") {
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  if (!cause.empty()) {
    const auto& causes = outcome.value().fetch.failure_causes;
    EXPECT_EQ(causes.count(cause), 1u)
        << "counted as " << (causes.empty() ? "nothing" : causes.begin()->first);
  }
  const auto& order = outcome.value().determination.orders.at(0);
  EXPECT_EQ(order.origin, policy::Origin::Unknown);
  EXPECT_EQ(order.decision, policy::Decision::MissingDocumentation);
  EXPECT_NE(issuesOf(outcome.value().determination).find(reason), std::string::npos)
      << issuesOf(outcome.value().determination);
  int met = 0;
  for (const auto& result : order.criteria) {
    met += result.status == policy::CriterionStatus::Met ? 1 : 0;
    EXPECT_NE(result.status, policy::CriterionStatus::Unmet) << result.criterion->id;
  }
  EXPECT_GT(met, 5) << "what was prefetched is still judged";
}

TEST(Faults, TheServerIsReadWhenItAnswers) {
  auto outcome = conditionsFrom("");
  ASSERT_TRUE(outcome.isOk());
  EXPECT_EQ(outcome.value().determination.orders.at(0).decision, policy::Decision::Complete)
      << issuesOf(outcome.value().determination);
}

TEST(Faults, ServerDown) {
  // A port that was free a moment ago, and now nobody listens on it.
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(probe);
  const int port = ntohs(address.sin_port);
  const std::string request = completeTrialRequest();
  std::set<std::string> keep;
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    if (prefetch.type != "Condition") {
      keep.insert(prefetch.key);
    }
  }
  auto outcome = serviceWith().handle(
      "pumpcds-order-sign", pointedAt(request, "http://127.0.0.1:" + std::to_string(port) + "/fhir", keep));
  expectConditionsUnread(outcome, "could not be reached", "unreachable");
}

TEST(Faults, ServerError) {
  expectConditionsUnread(conditionsFrom("/fail/Condition/500"), "answered HTTP 500", "http_error");
}

TEST(Faults, TokenRefused) {
  expectConditionsUnread(conditionsFrom("/token/right", loopbackSettings(), false, "wrong"),
                         "refused the access token (HTTP 401)", "unauthorized");
  auto accepted = conditionsFrom("/token/right", loopbackSettings(), false, "right");
  ASSERT_TRUE(accepted.isOk());
  EXPECT_EQ(accepted.value().determination.orders.at(0).decision, policy::Decision::Complete);
  // With no prefetch at all, a refused token leaves no record: 412.
  seedOnce("faults", completeTrialRequest());
  auto none = serviceWith().handle(
      "pumpcds-order-sign",
      pointedAt(completeTrialRequest(), fhir_server->base("/tenant/faults/token/right"), {}, "wrong"));
  ASSERT_FALSE(none.isOk());
  EXPECT_EQ(none.status().code(), StatusCode::FailedPrecondition);
}

TEST(Faults, InvalidJson) {
  expectConditionsUnread(conditionsFrom("/garbage/Condition"), "not valid FHIR JSON", "not_fhir");
}

TEST(Faults, PagesThatNeverEndAreCut) {
  auto settings = loopbackSettings();
  settings.max_pages = 5;
  expectConditionsUnread(conditionsFrom("/endless/Condition", settings), "more than 5 pages",
                         "too_many_pages");
}

TEST(Faults, SlowerThanTheDeadline) {
  auto settings = loopbackSettings();
  settings.deadline = std::chrono::milliseconds(400);
  for (const std::string modifiers : {"/delay/5000", "/hang/Condition"}) {
    SCOPED_TRACE(modifiers);
    const auto started = Clock::now();
    auto outcome = conditionsFrom(modifiers, settings);
    const auto elapsed = Clock::now() - started;
    expectConditionsUnread(outcome, "did not answer within the 400 ms", "timeout");
    EXPECT_LT(elapsed, std::chrono::milliseconds(3000)) << "the hook never waits far past the deadline";
  }
}

TEST(Faults, CertificateThatDoesNotVerify) {
  // The test CA is not in the system trust store.
  expectConditionsUnread(conditionsFrom("", loopbackSettings(), /*https=*/true), "TLS");
  auto settings = loopbackSettings();
  settings.ca_file = certificates.ca_file;
  settings.allow_insecure = false;
  auto trusted = conditionsFrom("", settings, /*https=*/true);
  ASSERT_TRUE(trusted.isOk());
  EXPECT_EQ(trusted.value().determination.orders.at(0).decision, policy::Decision::Complete)
      << issuesOf(trusted.value().determination);
}

TEST(Faults, ServerNotOnTheAllowList) {
  auto settings = loopbackSettings();
  settings.allowed_hosts = {"fhir.example.org"};
  expectConditionsUnread(conditionsFrom("", settings), "not in --fhir-server-allow");
  auto none = serviceWith(settings).handle(
      "pumpcds-order-sign", pointedAt(completeTrialRequest(), fhir_server->base("/tenant/faults")));
  ASSERT_FALSE(none.isOk());
  EXPECT_EQ(none.status().code(), StatusCode::FailedPrecondition);
  settings.allowed_hosts = {"127.0.0.1"};
  auto allowed = conditionsFrom("", settings);
  ASSERT_TRUE(allowed.isOk());
  EXPECT_EQ(allowed.value().determination.orders.at(0).decision, policy::Decision::Complete);
}

TEST(Faults, PlainHttpNeedsAllowInsecure) {
  auto settings = loopbackSettings();
  settings.allow_insecure = false;
  expectConditionsUnread(conditionsFrom("", settings), "--allow-insecure-fhir");
  auto none = serviceWith(settings).handle(
      "pumpcds-order-sign", pointedAt(completeTrialRequest(), fhir_server->base("/tenant/faults")));
  ASSERT_FALSE(none.isOk());
  EXPECT_EQ(none.status().code(), StatusCode::FailedPrecondition);
  EXPECT_NE(none.status().message().find("--allow-insecure-fhir"), std::string::npos);
}

TEST(Faults, PatientFilterIgnoredIsNotThisPatientsData) {
  expectConditionsUnread(conditionsFrom("/ignore/patient"), "ignored the 'patient' filter", "filter_ignored");
}

TEST(Faults, AServerThatMixesPatientsDoesNotMakeAnotherPatientsDataEvidence) {
  // The server drops the patient filter and still names it in its self link, so its Condition search
  // returns another patient's active sepsis too. It must not make this patient contraindicated.
  const std::string request = completeTrialRequest();
  seedOnce("mixed", request);
  ASSERT_EQ(fhir_server->seed("mixed", R"([{"resourceType":"Patient","id":"p2"},
    {"resourceType":"Condition","id":"sepsis-of-p2","subject":{"reference":"Patient/p2"},
     "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
     "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"A41.9"}]},"onsetDateTime":"2025-11-01"}])",
                              "p2"),
            2);
  std::set<std::string> keep;
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    if (prefetch.type != "Condition") {
      keep.insert(prefetch.key);
    }
  }
  auto outcome = serviceWith().handle(
      "pumpcds-order-sign", pointedAt(request, fhir_server->base("/tenant/mixed/pretend/patient"), keep));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  const auto& order = outcome.value().determination.orders.at(0);
  EXPECT_EQ(order.decision, policy::Decision::Complete) << summary(outcome.value().determination);
  EXPECT_NE(issuesOf(outcome.value().determination).find("1 Condition record about another patient"),
            std::string::npos)
      << issuesOf(outcome.value().determination);
}

TEST(Faults, RejectedOptionalParameterIsRetriedWithoutIt) {
  const std::string request = completeTrialRequest();
  seedOnce("strict", request);
  auto outcome = serviceWith().handle(
      "pumpcds-order-sign", pointedAt(request, fhir_server->base("/tenant/strict/reject/_include")));
  ASSERT_TRUE(outcome.isOk()) << outcome.status().message();
  EXPECT_EQ(outcome.value().determination.orders.at(0).decision, policy::Decision::Complete)
      << issuesOf(outcome.value().determination);
  const auto requests = fhir_server->requests("strict");
  EXPECT_TRUE(std::any_of(requests.begin(), requests.end(), [](const std::string& url) {
    return url.rfind("/Coverage?", 0) == 0 && url.find("_include") == std::string::npos;
  }));
}

TEST(Latency, ManyQueriesTakeAboutOneRoundTrip) {
  // Each answer is delayed 300 ms; with Patient and Coverage prefetched, about a dozen searches remain.
  // Run one after another they would take 3.6 s; in parallel about 300 ms. The bound is loose on purpose.
  const std::string request = completeTrialRequest();
  seedOnce("latency", request);
  const std::string hook =
      pointedAt(request, fhir_server->base("/tenant/latency/delay/300"), {"patient", "coverage"});
  const HookService service = serviceWith();
  const auto started = Clock::now();
  auto outcome = service.handle("pumpcds-order-sign", hook);
  const auto elapsed = Clock::now() - started;
  ASSERT_TRUE(outcome.isOk());
  EXPECT_EQ(outcome.value().determination.orders.at(0).decision, policy::Decision::Complete)
      << issuesOf(outcome.value().determination);
  EXPECT_GE(outcome.value().fetch.requests, 8);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500)) << outcome.value().fetch.requests << " queries";
}

TEST(Concurrency, HooksOnManyThreadsShareOneClientSafely) {
  // As the server runs them: one HookService and FhirClient (one connection and TLS-session cache), many
  // worker threads at once, over HTTPS. Every hook gets the whole record.
  const std::string request = completeTrialRequest();
  seedOnce("threads", request);
  auto settings = loopbackSettings();
  settings.ca_file = certificates.ca_file;
  const HookService service = serviceWith(settings);
  const std::string hook = pointedAt(request, fhir_server->tlsBase("/tenant/threads"), {"patient"});
  std::vector<std::thread> workers;
  std::atomic<int> complete{0};
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto outcome = service.handle("pumpcds-order-sign", hook);
        if (outcome.isOk() &&
            outcome.value().determination.orders.at(0).decision == policy::Decision::Complete) {
          ++complete;
        } else if (outcome.isOk()) {
          ADD_FAILURE() << issuesOf(outcome.value().determination);
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(complete.load(), 24);
}

TEST(Cli, CheckPreChecksAPatientStraightFromTheServer) {
  seedOnce("cli", completeTrialRequest());
  const auto result = testing::runPumpcds({"check", "--fhir-server", fhir_server->base("/tenant/cli"),
                                           "--patient", "p1", "--order", "62326", "--drug", "7052", "--now",
                                           "2025-11-20", "--allow-insecure-fhir"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"policy\": \"caresource-nc-mm-1369\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"decision\": \"complete\""), std::string::npos) << result.out;
  const auto cards =
      testing::runPumpcds({"check", "--fhir-server", fhir_server->base("/tenant/cli"), "--patient", "p1",
                           "--order", "62326", "--now", "2025-11-20", "--allow-insecure-fhir", "--cds"});
  ASSERT_EQ(cards.exit_code, 0) << cards.err;
  EXPECT_NE(cards.out.find("\"cards\""), std::string::npos);
  // Without --allow-insecure-fhir a plain-HTTP server is refused, and with no record that is an error.
  const auto refused = testing::runPumpcds(
      {"check", "--fhir-server", fhir_server->base("/tenant/cli"), "--patient", "p1", "--order", "62326"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--allow-insecure-fhir"), std::string::npos) << refused.err;
  // A patient the server does not have, or a server nobody answers at, is an error too, not an empty record.
  const auto unknown =
      testing::runPumpcds({"check", "--fhir-server", fhir_server->base("/tenant/cli"), "--patient", "nobody",
                           "--order", "62326", "--allow-insecure-fhir"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("cannot read Patient/nobody"), std::string::npos) << unknown.err;
  const auto unreachable =
      testing::runPumpcds({"check", "--fhir-server", "http://127.0.0.1:1/fhir", "--patient", "p1", "--order",
                           "62326", "--allow-insecure-fhir"});
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_NE(unreachable.err.find("cannot read Patient/p1 from http://127.0.0.1:1/fhir"), std::string::npos)
      << unreachable.err;
}

TEST(Cli, EvaluateReadsTheRequestsFhirServerAsServeDoes) {
  seedOnce("cli", completeTrialRequest());
  const auto file =
      std::filesystem::temp_directory_path() / ("pumpcds-request-" + std::to_string(getpid()) + ".json");
  { std::ofstream(file) << pointedAt(completeTrialRequest(), fhir_server->base("/tenant/cli"), {"patient"}); }
  const auto read = testing::runPumpcds({"evaluate", file.string(), "--allow-insecure-fhir"});
  const auto refused = testing::runPumpcds({"evaluate", file.string()});
  std::filesystem::remove(file);
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_NE(read.out.find("\"decision\": \"complete\""), std::string::npos) << read.out;
  // Without the flag the plain-HTTP server is not read: with only the Patient, no coverage routes the order,
  // and the report says why the rest was not read.
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_NE(refused.out.find("\"decision\": \"no-policy\""), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("--allow-insecure-fhir"), std::string::npos) << refused.out;
}

TEST(Cli, PrecheckReadsEveryPatientOfAGroupFromTheServerAndSkipsOneItCannot) {
  seedOnce("cli", completeTrialRequest());
  ASSERT_EQ(fhir_server->seed("cli",
                              R"([{"resourceType":"Group","id":"pump-panel","type":"person","actual":true,
      "member":[{"entity":{"reference":"Patient/p1"}},{"entity":{"reference":"Patient/nobody"}},
                {"entity":{"reference":"Patient/p2"}}]},
      {"resourceType":"Patient","id":"p2","birthDate":"1960-12-10",
       "name":[{"use":"nickname","given":["Addie"]},{"use":"official","given":["Ada","M."],"family":"Byron"}]},
      {"resourceType":"Coverage","id":"cov-p2","status":"active","beneficiary":{"reference":"Patient/p2"},
       "payor":[{"display":"Ambetter Health"}]}])",
                              ""),
            3);
  const auto out =
      std::filesystem::temp_directory_path() / ("pumpcds-precheck-group-" + std::to_string(getpid()));
  const auto result = testing::runPumpcds({"precheck", "--fhir-server", fhir_server->base("/tenant/cli"),
                                           "--group", "pump-panel", "--order", "62326", "--now", "2025-11-20",
                                           "--allow-insecure-fhir", "--out", out.string()});
  std::ifstream results(out / "results.ndjson");
  const std::string first((std::istreambuf_iterator<char>(results)), std::istreambuf_iterator<char>());
  std::ifstream skipped_file(out / "skipped.ndjson");
  const std::string skipped((std::istreambuf_iterator<char>(skipped_file)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(out);
  EXPECT_EQ(result.exit_code, 1) << "a member was skipped: " << result.err;
  EXPECT_NE(first.find(R"({"patient":"p1","source":")" + fhir_server->base("/tenant/cli")), std::string::npos)
      << first;
  EXPECT_NE(first.find(R"("policy":"caresource-nc-mm-1369")"), std::string::npos) << first;
  EXPECT_NE(skipped.find(R"("patient":"nobody")"), std::string::npos) << skipped;
  EXPECT_NE(skipped.find("Patient/nobody could not be read"), std::string::npos) << skipped;
  // The checklist names the patient as the chart does, read from the server's Patient.
  EXPECT_NE(first.find(R"("patient":"p2","source":")" + fhir_server->base("/tenant/cli") +
                       R"(","name":"Ada M. Byron","birthDate":"1960-12-10")"),
            std::string::npos)
      << first << skipped;
  const auto unknown = testing::runPumpcds({"precheck", "--fhir-server", fhir_server->base("/tenant/cli"),
                                            "--group", "no-such-group", "--order", "62326",
                                            "--allow-insecure-fhir", "--out", out.string()});
  std::filesystem::remove_all(out);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--group no-such-group"), std::string::npos) << unknown.err;
}

TEST(Cli, CheckSendsTheTokenFromItsFile) {
  seedOnce("cli", completeTrialRequest());
  const auto token_file =
      std::filesystem::temp_directory_path() / ("pumpcds-token-" + std::to_string(getpid()));
  { std::ofstream(token_file) << "s3cret\n"; }
  const auto result =
      testing::runPumpcds({"check", "--fhir-server", fhir_server->base("/tenant/cli/token/s3cret"),
                           "--patient", "p1", "--order", "62326", "--drug", "7052", "--now", "2025-11-20",
                           "--allow-insecure-fhir", "--token-file", token_file.string()});
  std::filesystem::remove(token_file);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"decision\": \"complete\""), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("s3cret"), std::string::npos);
}

TEST(Serve, AHookWithNoPrefetchIsAnsweredFromTheFhirServer) {
  seedOnce("serve", completeTrialRequest());
  testing::ServerProcess server({"--allow-insecure-fhir", "--now", "2025-11-20"});
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const auto answer =
      client.Post("/cds-services/pumpcds-order-sign",
                  pointedAt(completeTrialRequest(), fhir_server->base("/tenant/serve")), "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << answer->body;
  EXPECT_NE(answer->body.find("MM-1369"), std::string::npos) << answer->body;
  EXPECT_EQ(answer->body.find("could not be read"), std::string::npos) << answer->body;
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pumpcds_fhir_requests_total "), std::string::npos);
  EXPECT_EQ(metrics->body.find("pumpcds_fhir_requests_total 0\n"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("pumpcds_fhir_fetch_duration_seconds_bucket{le=\"5\"} 1\n"), std::string::npos)
      << "the one call's read, under CRD's 5 s";
  EXPECT_EQ(metrics->body.find("pumpcds_fhir_failures_total{"), std::string::npos) << "nothing failed";
  // Discovery asks for the Medication with each prescription, and for device requests.
  const auto discovery = client.Get("/cds-services");
  ASSERT_TRUE(discovery);
  EXPECT_NE(discovery->body.find("_include=MedicationRequest:medication"), std::string::npos);
  EXPECT_NE(discovery->body.find("DeviceRequest?patient="), std::string::npos);
}

// The draft orders of a hook request (the pump and its drug), each with its subject: what a DTR app passes
// to $populate, as the EHR holds them.
std::vector<std::string> draftOrders(const std::string& request_json, const std::string& patient) {
  rapidjson::Document request;
  request.Parse(request_json.c_str());
  std::vector<std::string> orders;
  for (const fhir::JsonValue* entry :
       fhir::items(fhir::member(fhir::member(fhir::member(request, "context"), "draftOrders"), "entry"))) {
    rapidjson::Document order;
    order.CopyFrom(*fhir::member(entry, "resource"), order.GetAllocator());
    rapidjson::Value subject(rapidjson::kObjectType);
    subject.AddMember("reference", rapidjson::Value(("Patient/" + patient).c_str(), order.GetAllocator()),
                      order.GetAllocator());
    order.RemoveMember("subject");
    order.AddMember("subject", subject, order.GetAllocator());
    orders.push_back(fhir::jsonText(order));
  }
  return orders;
}

std::string populateInput(const std::string& patient, const std::vector<std::string>& orders,
                          const std::string& fhir_base) {
  std::string input = R"({"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":)"
                      R"({"reference":"Patient/)" +
                      patient + R"("}})";
  for (const auto& order : orders) {
    input +=
        R"(,{"name":"context","part":[{"name":"name","valueString":"order"},{"name":"content","resource":)" +
        order + "}]}";
  }
  return input + R"(,{"name":"fhirServer","valueUrl":")" + fhir_base + R"("}]})";
}

// $populate reads the record from the EHR's FHIR server with the app's token, as a hook would, and answers
// an in-progress QuestionnaireResponse that a real FHIR validator accepts: what the record shows read-only,
// what was already attested answered.
TEST(Serve, PopulateFillsTheQuestionnaireFromTheFhirServerWithTheAppsToken) {
  const std::string request = completeTrialRequest();
  seedOnce("populate", request);
  const auto split = splitPrefetch(request);
  testing::ServerProcess server({"--allow-insecure-fhir", "--now", "2025-11-20"});
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const std::string input = populateInput(split.patient_id, draftOrders(request, split.patient_id),
                                          fhir_server->base("/tenant/populate/token/s3cret"));
  EXPECT_EQ(fhir_server->validationProblems(input), "") << "the test's own input";

  const auto refused = client.Post("/fhir/Questionnaire/$populate", {{"Authorization", "Bearer wrong"}},
                                   input, "application/fhir+json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 412) << "the EHR refused the token: there is no record to fill from";
  EXPECT_NE(refused->body.find("refused the access token"), std::string::npos) << refused->body;

  const auto answer = client.Post("/fhir/Questionnaire/$populate", {{"Authorization", "Bearer s3cret"}},
                                  input, "application/fhir+json");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  rapidjson::Document output;
  output.Parse(answer->body.c_str());
  const auto parameters = fhir::items(fhir::member(output, "parameter"));
  ASSERT_FALSE(parameters.empty()) << answer->body;
  EXPECT_EQ(fhir::stringAt(parameters.front(), "name"), "response");
  const fhir::JsonValue* response = fhir::member(parameters.front(), "resource");
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(fhir_server->validationProblems(fhir::jsonText(*response)), "") << answer->body;
  EXPECT_EQ(fhir::stringAt(response, "status"), "in-progress");
  EXPECT_EQ(
      fhir::stringAt(response, "questionnaire").rfind("urn:pumpcds:questionnaire:caresource-nc-mm-1369-", 0),
      0U)
      << answer->body;
  // This patient meets everything: each finding is read-only "Met", each attestation already answered yes.
  size_t findings = 0;
  size_t attested = 0;
  for (const fhir::JsonValue* group : fhir::items(fhir::member(response, "item"))) {
    for (const fhir::JsonValue* item : fhir::items(fhir::member(group, "item"))) {
      const fhir::JsonValue* value = fhir::items(fhir::member(item, "answer")).at(0);
      if (fhir::stringAt(group, "linkId") == "record") {
        ++findings;
        EXPECT_EQ(fhir::stringAt(value, "valueString").rfind("Met", 0), 0U) << fhir::jsonText(*item);
      } else if (fhir::stringAt(group, "linkId") == "attest") {
        ++attested;
        EXPECT_EQ(fhir::boolAt(value, "valueBoolean"), true) << fhir::jsonText(*item);
      }
    }
  }
  EXPECT_GT(findings, 3U) << answer->body;
  EXPECT_GT(attested, 0U) << answer->body;
  EXPECT_EQ(answer->body.find("s3cret"), std::string::npos);
  const auto seen = fhir_server->requests("populate");
  EXPECT_NE(std::find_if(seen.begin(), seen.end(),
                         [](const std::string& path) {
                           return path.find("QuestionnaireResponse") != std::string::npos;
                         }),
            seen.end())
      << "the attestations were read from the EHR";
}

// Moves every date and dateTime of a resource tree by `days`: a record written for one day, lived today.
void shiftDates(rapidjson::Value& value, int days, rapidjson::Document::AllocatorType& allocator) {
  if (value.IsObject()) {
    for (auto& member : value.GetObject()) {
      shiftDates(member.value, days, allocator);
    }
  } else if (value.IsArray()) {
    for (auto& item : value.GetArray()) {
      shiftDates(item, days, allocator);
    }
  } else if (value.IsString() && value.GetStringLength() >= 10) {
    const std::string text = value.GetString();
    const auto date = fhir::Date::parse(text.substr(0, 10));
    if (date && (text.size() == 10 || text[10] == 'T')) {
      value.SetString((date->addDays(days).toString() + text.substr(10)).c_str(), allocator);
    }
  }
}

// The MM-1369 trial patient who meets everything but what only a clinician attests, on today's date: the
// request with its attestations taken out of the record.
std::string trialWithNothingAttestedToday() {
  rapidjson::Document request;
  request.Parse(completeTrialRequest().c_str());
  request["prefetch"].RemoveMember("questionnaireResponses");
  const int days = static_cast<int>(fhir::Date::today().days() - fhir::Date::parse("2025-11-20")->days());
  shiftDates(request, days, request.GetAllocator());
  return fhir::jsonText(request);
}

// What the DTR app test (tests/dtr_app/app_test.mjs) saw in headless Chromium after opening `launch_url`.
rapidjson::Document driveApp(const std::string& launch_url, const std::string& name) {
  const std::string shots = (std::filesystem::temp_directory_path() / ("pumpcds-dtr-" + name)).string();
  testing::ChildProcess driver({std::string(PUMPCDS_FHIR_SERVER_DIR) + "/node_modules/.bin/node",
                                std::string(PUMPCDS_DTR_APP_TEST_DIR) + "/app_test.mjs", launch_url, shots});
  rapidjson::Document report;
  const std::string line = driver.readLine(std::chrono::seconds(180));
  report.Parse(line.c_str());
  if (!report.IsObject()) {
    report.Parse(
        R"({"error":"the driver said nothing: is tests/dtr_app installed (tests/dtr_app/install)?"})");
  }
  driver.stop();
  return report;
}

// The first card link whose label starts with `label`, or null.
const fhir::JsonValue* cardLink(const rapidjson::Document& response, std::string_view label) {
  for (const fhir::JsonValue* card : fhir::items(fhir::member(response, "cards"))) {
    for (const fhir::JsonValue* link : fhir::items(fhir::member(card, "links"))) {
      if (fhir::stringAt(link, "label").rfind(label, 0) == 0) {
        return link;
      }
    }
  }
  return nullptr;
}

// Issue 20's loop, end to end with real parts: a signed order's card links to the DTR app; the EHR launches
// it with SMART (authorize with PKCE, then the token, which the FHIR server then requires); the app shows
// the questions with what the record shows read-only, the clinician answers, the QuestionnaireResponse lands
// on the EHR's FHIR server, and the next signing of the same order counts it.
TEST(DtrApp, TheCardsAppIsLaunchedWithSmartAnsweredSavedAndTheNextSigningCountsIt) {
  const std::string request = trialWithNothingAttestedToday();
  const auto split = splitPrefetch(request);
  ASSERT_GT(fhir_server->seed("dtr-smart", split.resources_json, split.patient_id), 0);
  const std::string base = fhir_server->base("/tenant/dtr-smart/token/t0k3n/smart/S256");
  testing::ServerProcess server({"--allow-insecure-fhir"});
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const auto sign = [&] {
    const auto answer = client.Post("/cds-services/pumpcds-order-sign", pointedAt(request, base, {}, "t0k3n"),
                                    "application/json");
    rapidjson::Document response;
    response.Parse(answer && answer->status == 200 ? answer->body.c_str() : "{}");
    return response;
  };
  const rapidjson::Document first = sign();
  const fhir::JsonValue* link = cardLink(first, "Complete the documentation: ");
  ASSERT_NE(link, nullptr) << fhir::jsonText(first);
  EXPECT_EQ(fhir::stringAt(link, "type"), "smart");
  const std::string label = fhir::stringAt(link, "label");
  const int items = std::stoi(label.substr(std::string("Complete the documentation: ").size()));
  ASSERT_GT(items, 0);

  // The EHR launches the link: it keeps the card's appContext for the token response, then opens the app.
  httplib::Client ehr("127.0.0.1", fhir_server->port());
  const std::string launch_path = base.substr(base.find("/tenant/")) + "/$launch";
  rapidjson::Document launch_body(rapidjson::kObjectType);
  launch_body.AddMember("patient", rapidjson::Value(split.patient_id.c_str(), launch_body.GetAllocator()),
                        launch_body.GetAllocator());
  launch_body.AddMember(
      "appContext", rapidjson::Value(fhir::stringAt(link, "appContext").c_str(), launch_body.GetAllocator()),
      launch_body.GetAllocator());
  const auto launched = ehr.Post(launch_path, fhir::jsonText(launch_body), "application/json");
  ASSERT_TRUE(launched && launched->status == 200);
  rapidjson::Document launch;
  launch.Parse(launched->body.c_str());
  const std::string url = fhir::stringAt(link, "url") + "?iss=" + base::percentEncoded(base) +
                          "&launch=" + fhir::stringAt(&launch, "launch");
  const rapidjson::Document report = driveApp(url, "smart");
  ASSERT_FALSE(report.HasMember("error")) << fhir::jsonText(report);
  EXPECT_EQ(fhir::stringAt(&report, "status"),
            std::to_string(items) + " items to attest. What the record shows is filled in and read-only.");
  EXPECT_EQ(fhir::numberAt(&report, "questions"), items) << "the card's count is the form's";
  EXPECT_EQ(fhir::numberAt(&report, "answered"), items);
  EXPECT_GT(fhir::numberAt(&report, "readOnly").value_or(0), 3) << "what the record shows, filled in";
  EXPECT_EQ(fhir::stringAt(&report, "result"), "Complete: ready to request prior authorization.")
      << fhir::jsonText(report);

  // The response is on the EHR's FHIR server, valid FHIR, and read only with the token.
  httplib::Headers token{{"Authorization", "Bearer t0k3n"}};
  const auto stored = ehr.Get(
      base.substr(base.find("/tenant/")) + "/QuestionnaireResponse?patient=" + split.patient_id, token);
  ASSERT_TRUE(stored && stored->status == 200);
  rapidjson::Document bundle;
  bundle.Parse(stored->body.c_str());
  const auto entries = fhir::items(fhir::member(bundle, "entry"));
  ASSERT_EQ(entries.size(), 1U) << stored->body;
  const fhir::JsonValue* saved = fhir::member(entries.front(), "resource");
  EXPECT_EQ(fhir::stringAt(saved, "status"), "completed");
  EXPECT_EQ(fhir::stringAt(fhir::member(saved, "subject"), "reference"), "Patient/" + split.patient_id);
  EXPECT_EQ(fhir_server->validationProblems(fhir::jsonText(*saved)), "");
  // The attached document is a DocumentReference of the patient, which the answer points at.
  EXPECT_EQ(fhir::boolAt(&report, "attached"), true);
  const auto documents =
      ehr.Get(base.substr(base.find("/tenant/")) + "/DocumentReference?patient=" + split.patient_id +
                  "&description:contains=MM-1369",
              token);
  ASSERT_TRUE(documents && documents->status == 200);
  rapidjson::Document document_bundle;
  document_bundle.Parse(documents->body.c_str());
  const auto document_entries = fhir::items(fhir::member(document_bundle, "entry"));
  ASSERT_EQ(document_entries.size(), 1U) << documents->body;
  const fhir::JsonValue* document = fhir::member(document_entries.front(), "resource");
  EXPECT_EQ(fhir_server->validationProblems(fhir::jsonText(*document)), "");
  EXPECT_NE(fhir::jsonText(*saved).find("\"url\":\"DocumentReference/" + fhir::stringAt(document, "id")),
            std::string::npos)
      << fhir::jsonText(*saved);

  // Signing the same order again: nothing is left to attest, and the order is complete.
  const rapidjson::Document second = sign();
  EXPECT_EQ(cardLink(second, "Complete the documentation"), nullptr) << fhir::jsonText(second);
  EXPECT_NE(fhir::jsonText(second).find("\"indicator\":\"info\""), std::string::npos)
      << fhir::jsonText(second);
}

// The same app against an open FHIR server (no authorization at all, as public sandboxes are), opened from
// a plain link that names the patient, the order and the questionnaire.
TEST(DtrApp, AnOpenFhirServerAndAPlainLinkWorkToo) {
  const std::string request = trialWithNothingAttestedToday();
  const auto split = splitPrefetch(request);
  ASSERT_GT(fhir_server->seed("dtr-open", split.resources_json, split.patient_id), 0);
  const auto orders = draftOrders(request, split.patient_id);
  std::string stored;
  for (const auto& order : orders) {
    stored += (stored.empty() ? "[" : ",") + order;
  }
  ASSERT_GT(fhir_server->seed("dtr-open", stored + "]", split.patient_id), 0) << "the EHR stores the orders";
  const std::string base = fhir_server->base("/tenant/dtr-open");
  testing::ServerProcess server({"--allow-insecure-fhir", "--app-link", "absolute"});
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const auto answer =
      client.Post("/cds-services/pumpcds-order-sign", pointedAt(request, base), "application/json");
  ASSERT_TRUE(answer && answer->status == 200);
  rapidjson::Document response;
  response.Parse(answer->body.c_str());
  const fhir::JsonValue* link = cardLink(response, "Complete the documentation: ");
  ASSERT_NE(link, nullptr) << answer->body;
  EXPECT_EQ(fhir::stringAt(link, "type"), "absolute");
  const rapidjson::Document report = driveApp(fhir::stringAt(link, "url"), "open");
  ASSERT_FALSE(report.HasMember("error")) << fhir::jsonText(report);
  EXPECT_GT(fhir::numberAt(&report, "questions").value_or(0), 0);
  EXPECT_EQ(fhir::stringAt(&report, "result"), "Complete: ready to request prior authorization.")
      << fhir::jsonText(report);
}

TEST(Serve, MinimalPrefetchAdvertisesOnlyPatientAndCoverage) {
  testing::ServerProcess server({"--prefetch", "minimal"});
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  const auto discovery = client.Get("/cds-services");
  ASSERT_TRUE(discovery);
  rapidjson::Document document;
  document.Parse(discovery->body.c_str());
  ASSERT_TRUE(document.IsObject());
  for (const auto& service : document["services"].GetArray()) {
    EXPECT_EQ(service["prefetch"].MemberCount(), 2u);
    EXPECT_TRUE(service["prefetch"].HasMember("patient"));
    EXPECT_TRUE(service["prefetch"].HasMember("coverage"));
  }
}

} // namespace
} // namespace pumpcds::hooks
