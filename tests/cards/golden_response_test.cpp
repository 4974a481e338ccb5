// Golden responses: what a clinician and an EHR get for representative cases (tests/golden/cases.json),
// kept as reviewed files. Any change to a response fails until the new text is written
// (PUMPCDS_UPDATE_GOLDEN=1), read, and approved (tests/golden/approve records its hash in APPROVED).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "policy_cases/policy_test_runner.h"
#include "requests/draft_order_writer.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/synthea_request.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

using policy_cases::PolicyCaseRequest;
using policy_cases::policyCaseRequests;
using policy_cases::policyTestFiles;
using requests::draftPumpOrderJson;

using rapidjson::Document;
using rapidjson::Value;

const std::string kGoldenDir = std::string(PUMPCDS_SOURCE_DIR) + "/tests/golden";
// One screen of card in the sandbox: the issue's aim for a typical patient's detail. A card that must
// first say what data was not read may take a few more lines.
constexpr size_t kDetailLimit = 1500;
constexpr size_t kDetailWithDataProblemsLimit = 2000;

std::string readFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string pretty(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Value& prefetchKey(Document& request, const std::string& key) {
  Value& prefetch = request["prefetch"];
  if (!prefetch.HasMember(key.c_str())) {
    prefetch.AddMember(Value(key.c_str(), request.GetAllocator()), Value(rapidjson::kObjectType),
                       request.GetAllocator());
  }
  return prefetch[key.c_str()];
}

// The changes a case makes to its request: paged and failed prefetch, a second order, configuration.
std::string changeRequest(const std::string& body, const Value& spec) {
  Document request;
  request.Parse(body.c_str());
  auto& allocator = request.GetAllocator();
  request.RemoveMember("fhirServer"); // the golden service reads no FHIR server: prefetch is the record
  request.RemoveMember("fhirAuthorization");
  for (const Value* key : fhir::items(fhir::member(spec, "paged"))) {
    Value& bundle = prefetchKey(request, key->GetString());
    Document link;
    link.Parse(R"([{"relation":"next","url":"https://ehr.example.org/fhir/next-page?page=2"}])");
    bundle.RemoveMember("link");
    bundle.AddMember("link", Value(link, allocator), allocator);
  }
  for (const Value* key : fhir::items(fhir::member(spec, "failed"))) {
    Document outcome;
    outcome.Parse(R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})");
    prefetchKey(request, key->GetString()) = Value(outcome, allocator);
  }
  if (const Value* code = fhir::member(spec, "second_order")) {
    Document order;
    order.Parse(draftPumpOrderJson({code->GetString(), "", "second-order", "", "2025-11-20"}).c_str());
    Value entry(rapidjson::kObjectType);
    entry.AddMember("resource", Value(order, allocator), allocator);
    request["context"]["draftOrders"]["entry"].PushBack(entry, allocator);
  }
  if (const Value* configuration = fhir::member(spec, "configuration")) {
    Value extension(rapidjson::kObjectType);
    extension.AddMember("davinci-crd.configuration", Value(*configuration, allocator), allocator);
    request.RemoveMember("extension");
    request.AddMember("extension", extension, allocator);
  }
  return fhir::jsonText(request);
}

std::string requestFor(const Value& spec, const std::vector<PolicyCaseRequest>& policy_cases) {
  std::string body;
  if (const Value* policy_case = fhir::member(spec, "policy_case")) {
    const std::string file = (*policy_case)[0].GetString();
    const std::string note = (*policy_case)[1].GetString();
    for (const auto& request : policy_cases) {
      if (request.file == file && request.note == note) {
        body = request.request_json;
      }
    }
  } else if (const Value* file = fhir::member(spec, "request")) {
    body = testing::readTestFile(file->GetString());
  } else if (const Value* synthea = fhir::member(spec, "synthea")) {
    testing::SyntheaOptions options;
    options.state = fhir::stringAt(&spec, "state");
    if (const Value* extra = fhir::member(spec, "extra")) {
      options.extra_bundle = testing::readTestFile(extra->GetString());
    }
    if (const Value* date = fhir::member(spec, "order_date")) {
      options.order_date = date->GetString();
    }
    body = testing::syntheaRequest(testing::readTestFile(synthea->GetString()),
                                   fhir::stringAt(&spec, "payor"), options);
  }
  return body.empty() ? body : changeRequest(body, spec);
}

// The cards as a reviewer reads them: what the clinician sees, in the order shown.
std::string readableCards(const Document& response) {
  std::string out;
  int number = 0;
  for (const Value& card : response["cards"].GetArray()) {
    out += "## Card " + std::to_string(++number) + " (" + card["indicator"].GetString() + ")\n\n";
    out += "**" + std::string(card["summary"].GetString()) + "**\n\n";
    out += std::string(card["detail"].GetString()) + "\n\n";
    for (const Value* suggestion : fhir::items(fhir::member(card, "suggestions"))) {
      out += "[Suggestion] " + fhir::stringAt(suggestion, "label") + "\n";
    }
    std::string reasons;
    for (const Value* reason : fhir::items(fhir::member(card, "overrideReasons"))) {
      reasons += (reasons.empty() ? "" : " | ") + fhir::stringAt(reason, "display");
    }
    if (!reasons.empty()) {
      out += "[Override reasons] " + reasons + "\n";
    }
    for (const Value* link : fhir::items(fhir::member(card, "links"))) {
      out += "[Link] " + fhir::stringAt(link, "label") + ": " + fhir::stringAt(link, "url") + "\n";
    }
    out += "\n";
  }
  return out;
}

struct GoldenCase {
  std::string name;
  std::string response; ///< pretty JSON
  std::string readable; ///< markdown
};

std::vector<GoldenCase> renderGoldenCases() {
  auto library = policy::PolicyLibrary::loadBundled();
  EXPECT_TRUE(library.isOk());
  const auto policy_cases =
      policyCaseRequests(*library.value(), policyTestFiles(policy::bundledLibraryFiles()));
  Document cases;
  cases.Parse(readFile(kGoldenDir + "/cases.json").c_str());
  EXPECT_FALSE(cases.HasParseError());
  std::vector<GoldenCase> out;
  for (const Value* spec : fhir::items(fhir::member(cases, "cases"))) {
    const std::string name = fhir::stringAt(spec, "name");
    const std::string body = requestFor(*spec, policy_cases);
    if (body.empty()) {
      ADD_FAILURE() << name << ": its request was not found (a policy case renamed?)";
      continue;
    }
    // A fresh service per case: card uuids count from the start, so one case's change moves no other.
    const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
    auto outcome = service.handle("pumpcds-order-sign", body);
    if (!outcome.isOk()) {
      ADD_FAILURE() << name << ": " << outcome.status().message();
      continue;
    }
    Document response;
    response.Parse(outcome.value().response_json.c_str());
    out.push_back({name, pretty(response), readableCards(response)});
  }
  return out;
}

std::set<std::string> approvedHashes() {
  std::set<std::string> hashes;
  std::istringstream lines(readFile(kGoldenDir + "/APPROVED"));
  std::string line;
  while (std::getline(lines, line)) {
    hashes.insert(line.substr(0, line.find(' ')));
  }
  return hashes;
}

TEST(GoldenResponses, EveryResponseEqualsItsReviewedAndApprovedFile) {
  const bool update = std::getenv("PUMPCDS_UPDATE_GOLDEN") != nullptr;
  const auto approved = approvedHashes();
  const auto golden = renderGoldenCases();
  ASSERT_GE(golden.size(), 15U);
  for (const auto& current : golden) {
    for (const auto& [file, text] : {std::pair{current.name + ".json", current.response},
                                     std::pair{current.name + ".md", current.readable}}) {
      const std::string path = kGoldenDir + "/responses/" + file;
      if (update) {
        std::ofstream(path, std::ios::binary) << text;
        continue;
      }
      EXPECT_EQ(readFile(path), text)
          << file << " changed. Run PUMPCDS_UPDATE_GOLDEN=1 on this test, read the diff of "
          << "tests/golden/responses/" << current.name
          << ".md as a clinician would, then tests/golden/approve";
      EXPECT_EQ(approved.count(sha256Hex(readFile(path))), 1U)
          << file << " is not approved: read it, then run tests/golden/approve (tests/golden/README.md)";
    }
  }
}

// What a clinician reads is checked over every golden card, whatever its wording.
TEST(GoldenResponses, CardsConformAndReadAsAClinicianWouldWriteThem) {
  for (const auto& current : renderGoldenCases()) {
    for (const auto& problem : testing::cdsResponseProblems(current.response)) {
      ADD_FAILURE() << current.name << ": " << problem;
    }
    Document response;
    response.Parse(current.response.c_str());
    for (const Value& card : response["cards"].GetArray()) {
      const std::string text = std::string(card["summary"].GetString()) + "\n" + card["detail"].GetString();
      for (const char* word :
           {"of that", "prefetch", "data read", "(s)", "resourceType", "null", "undefined"}) {
        EXPECT_EQ(text.find(word), std::string::npos) << current.name << ": '" << word << "' in:\n" << text;
      }
      const std::string detail = card["detail"].GetString();
      EXPECT_GT(detail.size(), 40U) << current.name << ": a detail that says nothing";
      if (std::string(card["indicator"].GetString()) == "warning") {
        const bool data_problems = detail.find("Check the data first") != std::string::npos;
        EXPECT_LE(detail.size(), data_problems ? kDetailWithDataProblemsLimit : kDetailLimit)
            << current.name << ": more than one screen:\n"
            << detail;
      }
    }
  }
}

// The typical CareSource patient of issue 9 gets what the clinician needs at a glance: what to order and
// what to attest counted in the summary, prior authorization stated, orders offered, dismiss reasons.
TEST(GoldenResponses, TheTypicalCaresourcePatientCanActFromTheCard) {
  for (const auto& current : renderGoldenCases()) {
    if (current.name != "synthea-caresource-typical") {
      continue;
    }
    Document response;
    response.Parse(current.response.c_str());
    const Value& card = response["cards"][0];
    const std::string summary = card["summary"].GetString();
    EXPECT_NE(summary.find("to attest"), std::string::npos) << summary;
    EXPECT_NE(std::string(card["detail"].GetString()).find("Prior authorization"), std::string::npos);
    EXPECT_TRUE(card.HasMember("overrideReasons"));
    return;
  }
  FAIL() << "the case synthea-caresource-typical is gone from tests/golden/cases.json";
}

} // namespace
} // namespace pumpcds::hooks
