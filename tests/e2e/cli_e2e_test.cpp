// The `pumpcds` command line, run as a user would.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"

namespace pumpcds::testing {
namespace {

// The response with every card uuid and coverage-assertion id blanked, so two runs can be compared.
std::string withoutUuids(std::string json) {
  for (const std::string key : {"\"uuid\":\"", "\"url\":\"coverage-assertion-id\",\"valueString\":\""}) {
    for (size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + key.size())) {
      const size_t end = json.find('"', at + key.size());
      json.replace(at + key.size(), end - at - key.size(), "-");
    }
  }
  return json;
}

const std::string kGaps = std::string(PUMPCDS_TEST_DATA) + "/requests/permanent-nonmalignant-gaps.json";

std::map<std::string, std::string> statuses(const std::string& report) {
  rapidjson::Document document;
  document.Parse(report.c_str());
  std::map<std::string, std::string> out;
  if (!document.IsObject()) {
    ADD_FAILURE() << report;
    return out;
  }
  for (const auto& criterion : document["orders"][0]["criteria"].GetArray()) {
    out[criterion["id"].GetString()] = criterion["status"].GetString();
  }
  return out;
}

TEST(Cli, EvaluateReportsTheGapsOfAHandMadeRequest) {
  const auto result = runPumpcds({"evaluate", kGaps, "--now", "2025-11-20"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto status = statuses(result.out);
  EXPECT_EQ(status.at("caresource-nc-mm-1369/IV.D.2"), "missing");
  EXPECT_EQ(status.at("caresource-nc-mm-1369/IV.H.1"), "missing");
  size_t met = 0;
  for (const auto& [id, value] : status) {
    met += value == "met" ? 1 : 0;
  }
  EXPECT_EQ(met, status.size() - 2) << "every other criterion of the request is documented";
  EXPECT_NE(result.out.find("\"decision\": \"missing-documentation\""), std::string::npos);
}

// Apart from the link to the DTR app, which only a server that serves it gives.
TEST(Cli, EvaluateCdsPrintsWhatServeReturnsApartFromUuids) {
  const auto cli = runPumpcds({"evaluate", kGaps, "--cds"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  ServerProcess server({"--app-link", "none"});
  httplib::Client http("127.0.0.1", server.port());
  std::ifstream stream(kGaps);
  const std::string body((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  const auto served = http.Post("/cds-services/pumpcds-order-sign", body, "application/json");
  ASSERT_TRUE(served);
  EXPECT_NE(cli.out.find("\"uuid\":\""), std::string::npos);
  EXPECT_EQ(withoutUuids(cli.out), withoutUuids(served->body + "\n"));
}

// The card of an order with items to attest links to the DTR app pumpcds serves: a SMART link whose
// appContext names the questionnaire, the order, the coverage and the assertion id, or, by configuration,
// a plain link with that context in its query.
TEST(Serve, TheCardLinksToTheDtrAppItServes) {
  std::ifstream stream(kGaps);
  const std::string body((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  const auto firstLink = [&](ServerProcess& server) {
    httplib::Client http("127.0.0.1", server.port());
    const auto served = http.Post("/cds-services/pumpcds-order-sign", body, "application/json");
    rapidjson::Document response;
    response.Parse(served ? served->body.c_str() : "{}");
    EXPECT_TRUE(response.HasMember("cards")) << (served ? served->body : "no answer");
    for (const auto& card : response["cards"].GetArray()) {
      for (const auto& link : card["links"].GetArray()) {
        if (std::string(link["label"].GetString()).rfind("Complete the documentation", 0) == 0) {
          return std::string(link["url"].GetString()) + "\n" + link["type"].GetString() + "\n" +
                 link["label"].GetString() + "\n" +
                 (link.HasMember("appContext") ? link["appContext"].GetString() : "");
        }
      }
    }
    return std::string();
  };
  ServerProcess smart;
  const std::string link = firstLink(smart);
  std::istringstream lines(link);
  std::string url, type, label, app_context;
  std::getline(lines, url);
  std::getline(lines, type);
  std::getline(lines, label);
  std::getline(lines, app_context);
  EXPECT_EQ(url, "http://127.0.0.1:" + std::to_string(smart.port()) + "/app/launch.html") << link;
  EXPECT_EQ(type, "smart");
  EXPECT_EQ(label, "Complete the documentation: 1 item") << "this record lacks one attestation";
  rapidjson::Document context;
  context.Parse(app_context.c_str());
  ASSERT_TRUE(context.IsObject()) << app_context;
  EXPECT_STREQ(context["questionnaire"][0].GetString(),
               "urn:pumpcds:questionnaire:caresource-nc-mm-1369-permanent");
  EXPECT_TRUE(context.HasMember("coverage-assertion-id"));
  EXPECT_TRUE(context.HasMember("draftOrders")) << "the drafts, which the EHR may not have stored yet";
  httplib::Client http("127.0.0.1", smart.port());
  for (const char* path :
       {"/app/launch.html", "/app/index.html", "/app/app.js", "/app/lib/fhirclient/fhir-client.min.js",
        "/app/lib/lforms/webcomponent/lhc-forms.js", "/app/lib/lforms/fhir/R4/lformsFHIR.min.js"}) {
    const auto file = http.Get(path);
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200) << path << " (app/install installs the app's libraries)";
  }
  const auto outside = http.Get("/app/lib/lforms/../../../package.json");
  ASSERT_TRUE(outside);
  EXPECT_NE(outside->status, 200) << "only the built libraries are served";

  ServerProcess plain({"--app-link", "absolute", "--app-url", "https://payer.example/dtr/launch.html"});
  const std::string absolute = firstLink(plain);
  EXPECT_EQ(
      absolute.rfind(
          "https://payer.example/dtr/launch.html?iss=https%3A%2F%2Fehr.example.org%2Ffhir&patient=nc-042"
          "&order=ServiceRequest%2F",
          0),
      0U)
      << absolute;
  EXPECT_NE(absolute.find("\nabsolute\n"), std::string::npos) << absolute;
}

TEST(Cli, BadInputExitsTwoNamingTheProblem) {
  const auto missing = runPumpcds({"evaluate", "/nonexistent/request.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read '/nonexistent/request.json'"), std::string::npos) << missing.err;
  const std::string path = ::testing::TempDir() + "pumpcds-bad-request.json";
  std::ofstream(path) << R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p"}})";
  const auto invalid = runPumpcds({"evaluate", path});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("'context.draftOrders' is required"), std::string::npos) << invalid.err;
  const auto bad_date = runPumpcds({"evaluate", kGaps, "--now", "20-11-2025"});
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.err.find("--now"), std::string::npos);
}

TEST(Cli, PoliciesListsAndValidatesTheLibrary) {
  const auto listed = runPumpcds({"policies"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("caresource-nc-mm-1369\t2025-06-01 to (open)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("\"verified\": false and need a check before production use: "),
            std::string::npos)
      << "unverified codes stay visible: " << listed.out;
  // A copy of the library with one broken policy is refused, naming file, location and reason.
  namespace fs = std::filesystem;
  const fs::path library = fs::path(::testing::TempDir()) / "pumpcds-library";
  fs::remove_all(library);
  fs::copy(fs::path(PUMPCDS_TEST_DATA).parent_path().parent_path() / "policies" / "library", library,
           fs::copy_options::recursive);
  std::ofstream(library / "caresource" / "caresource-nc-mm-1369.json", std::ios::app) << "\n{";
  const auto refused = runPumpcds({"policies", "--policies", library.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("caresource/caresource-nc-mm-1369.json: line"), std::string::npos)
      << refused.err;
  const auto serve = runPumpcds({"serve", "--port", "0", "--policies", library.string()});
  EXPECT_EQ(serve.exit_code, 2) << "a bad library must stop the server from starting";
  fs::remove_all(library);
}

} // namespace
} // namespace pumpcds::testing

namespace pumpcds::testing {
namespace {

TEST(Cli, EvaluateABatchPrintsALinePerFileAndKeepsGoingPastABadOne) {
  const std::string data = std::string(PUMPCDS_TEST_DATA) + "/requests/";
  const auto result = runPumpcds({"evaluate", data + "permanent-nonmalignant-gaps.json",
                                  "/nonexistent/bad.json", data + "medicare-refill.json"});
  EXPECT_EQ(result.exit_code, 2) << "one file could not be read";
  EXPECT_NE(result.err.find("cannot read '/nonexistent/bad.json'"), std::string::npos) << result.err;
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = result.out.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(result.out.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 2u) << result.out;
  for (const auto& line : lines) {
    rapidjson::Document document;
    document.Parse(line.c_str());
    ASSERT_TRUE(document.IsObject()) << line;
    EXPECT_TRUE(document.HasMember("file"));
    EXPECT_TRUE(document["report"]["orders"].IsArray());
  }
  EXPECT_NE(lines[1].find("\"policy\":\"noridian-a55239\""), std::string::npos);
}

TEST(Cli, VersionAndHelpOnEverySubcommand) {
  const auto version = runPumpcds({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, std::string("pumpcds ") + PUMPCDS_VERSION + "\n");
  for (const char* command : {"serve", "evaluate", "check", "policies", "codes"}) {
    for (const char* flag : {"-h", "--help"}) {
      const auto help = runPumpcds({command, flag});
      EXPECT_EQ(help.exit_code, 0) << command << " " << flag << ": " << help.err;
      EXPECT_NE(help.out.find(std::string("usage: pumpcds ") + command), std::string::npos) << help.out;
    }
  }
}

TEST(Cli, CodesUnknownCountsWhatNoValueSetKnowsAndKeepsGoingPastABadFile) {
  const std::string synthea =
      std::string(PUMPCDS_TEST_DATA) + "/synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json";
  const auto result = runPumpcds({"codes", "unknown", "/nonexistent/record.json", synthea});
  EXPECT_EQ(result.exit_code, 2) << "a file could not be read";
  EXPECT_NE(result.err.find("/nonexistent/record.json: cannot be read"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.rfind("# 1 record(s)", 0), 0U) << result.out;
  // Check-up encounters are no pump policy's business: listed, counted once per encounter in the bundle.
  std::ifstream stream(synthea);
  std::stringstream text;
  text << stream.rdbuf();
  rapidjson::Document bundle;
  bundle.Parse(text.str().c_str());
  int checkups = 0;
  for (const auto& entry : bundle["entry"].GetArray()) {
    const auto& resource = entry["resource"];
    if (std::string(resource["resourceType"].GetString()) == "Encounter" &&
        std::string(resource["type"][0]["coding"][0]["code"].GetString()) == "185349003") {
      ++checkups;
    }
  }
  ASSERT_GT(checkups, 0);
  EXPECT_NE(result.out.find(std::to_string(checkups) + "\tEncounter\thttp://snomed.info/sct|185349003\t"),
            std::string::npos)
      << result.out;
  // Chronic pain (82423001) is in the library's pain sets: never listed.
  EXPECT_EQ(result.out.find("|82423001"), std::string::npos) << result.out;
  const auto usage = runPumpcds({"codes"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("codes takes `unknown`"), std::string::npos) << usage.err;
}

} // namespace
} // namespace pumpcds::testing
