// The HTTP layer in-process: each route as an EHR, a browser or a monitoring system sees it, and the
// metrics page as a real Prometheus parser (promtool, from Debian's prometheus package) reads it.
#include <cstdio>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "tests/support/in_process_server.h"
#include "tests/support/request_builder.h"

namespace pumpcds::testing {
namespace {

// promtool's verdict on a metrics page: "" when it passes, else what it said.
std::string promtoolProblems(const std::string& page) {
  const std::string path = ::testing::TempDir() + "pumpcds-metrics.txt";
  std::ofstream(path) << page;
  const std::string command = "promtool check metrics < '" + path + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "cannot run promtool";
  }
  std::string said;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) {
    said += buffer;
  }
  const int status = pclose(pipe);
  std::remove(path.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return "promtool is not installed (.ci/install-deps --test installs Debian's prometheus package)";
  }
  // A lint finding (e.g. a counter without _total) is printed but is not a parse error: only the exit
  // status says the page was refused.
  return status == 0 ? "" : said.empty() ? "promtool refused the page" : said;
}

std::string orderSign() {
  return RequestBuilder().pumpOrder("62362").coverage("CareSource").patientState("NC").json();
}

TEST(HttpRoutes, DiscoveryListsTheServiceWithCorsForBrowserClients) {
  InProcessServer server;
  auto client = server.client();
  const auto answer = client.Get("/cds-services");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_NE(answer->body.find("\"pumpcds-order-sign\""), std::string::npos) << answer->body;
  EXPECT_EQ(answer->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(answer->get_header_value("X-Request-Id").empty());
}

TEST(HttpRoutes, AQuestionnaireIsReadByIdAndFoundByItsCanonicalAsFhirJson) {
  InProcessServer server;
  auto client = server.client();
  const auto read = client.Get("/fhir/Questionnaire/caresource-nc-mm-1369-permanent");
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(read->get_header_value("Content-Type"), "application/fhir+json");
  EXPECT_NE(read->body.find("\"resourceType\":\"Questionnaire\""), std::string::npos);
  const auto found =
      client.Get("/fhir/Questionnaire?url=urn:pumpcds:questionnaire:caresource-nc-mm-1369-permanent");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  EXPECT_NE(found->body.find("\"total\":1"), std::string::npos) << found->body;
  EXPECT_NE(found->body.find("\"fullUrl\":\"http://127.0.0.1:" + std::to_string(server.port()) +
                             "/fhir/Questionnaire/caresource-nc-mm-1369-permanent\""),
            std::string::npos)
      << found->body;

  const auto unknown = client.Get("/fhir/Questionnaire/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("no Questionnaire 'nope'"), std::string::npos) << unknown->body;
  const auto odd = client.Get("/fhir/Questionnaire?title=x");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->status, 400);
  EXPECT_NE(odd->body.find("OperationOutcome"), std::string::npos);
  const auto package = client.Post(
      "/fhir/Questionnaire/$questionnaire-package",
      R"({"resourceType":"Parameters","parameter":[{"name":"coverage","resource":{"resourceType":"Coverage",)"
      R"("id":"c","payor":[{"display":"CareSource"}]}},{"name":"questionnaire","valueCanonical":)"
      R"("urn:pumpcds:questionnaire:caresource-nc-mm-1369-permanent"}]})",
      "application/fhir+json");
  ASSERT_TRUE(package);
  ASSERT_EQ(package->status, 200) << package->body;
  EXPECT_NE(package->body.find("\"name\":\"PackageBundle\""), std::string::npos);
  const auto bad_package =
      client.Post("/fhir/Questionnaire/$questionnaire-package", "{}", "application/fhir+json");
  ASSERT_TRUE(bad_package);
  EXPECT_EQ(bad_package->status, 400);
  const auto get_package = client.Get("/fhir/Questionnaire/$questionnaire-package");
  ASSERT_TRUE(get_package);
  EXPECT_EQ(get_package->status, 405);
  EXPECT_EQ(get_package->get_header_value("Allow"), "POST, OPTIONS");
  const auto put = client.Put("/fhir/Questionnaire/x", "{}", "application/fhir+json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
}

TEST(HttpRoutes, ProtectedDiscoveryProtectsTheQuestionnairesToo) {
  auto settings = InProcessServer::defaultSettings();
  settings.protect_discovery = true;
  settings.allow_unauthenticated = false;
  InProcessServer server(settings);
  auto client = server.client();
  for (const char* path :
       {"/cds-services", "/fhir/Questionnaire", "/fhir/Questionnaire/noridian-a55239-trial"}) {
    const auto answer = client.Get(path);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 401) << path;
  }
}

// $populate's input, with `drop` (a parameter name) left out and the order's subject `order_patient`.
std::string populateInput(const std::string& drop = "", const std::string& order_patient = "p1") {
  std::string parameters;
  const auto add = [&](const std::string& name, const std::string& body) {
    if (name != drop) {
      parameters += (parameters.empty() ? "" : ",") + std::string(R"({"name":")") + name + "\"," + body + "}";
    }
  };
  add("subject", R"("valueReference":{"reference":"Patient/p1"})");
  add("context", R"("part":[{"name":"name","valueString":"order"},{"name":"content","resource":)"
                 R"({"resourceType":"ServiceRequest","id":"pump-1","status":"draft","intent":"order",)"
                 R"("subject":{"reference":"Patient/)" +
                     order_patient +
                     R"("},"code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt",)"
                     R"("code":"62362"}]}}}])");
  add("fhirServer", R"("valueUrl":"http://127.0.0.1:9/fhir")");
  return R"({"resourceType":"Parameters","parameter":[)" + parameters + "]}";
}

TEST(HttpRoutes, PopulateSaysWhatIsWrongWithItsInput) {
  InProcessServer server;
  auto client = server.client();
  const auto post = [&](const std::string& body) {
    auto answer = client.Post("/fhir/Questionnaire/$populate", body, "application/fhir+json");
    EXPECT_TRUE(answer);
    return answer ? std::make_pair(answer->status, answer->body) : std::make_pair(0, std::string());
  };
  for (const auto& [body, says] : std::vector<std::pair<std::string, std::string>>{
           {"{", "not JSON"},
           {R"({"resourceType":"Bundle"})", "expected a FHIR Parameters resource"},
           {populateInput("subject"), "parameter subject"},
           {populateInput("fhirServer"), "parameter fhirServer"},
           {populateInput("context"), "an order is required"},
           {populateInput("", "p2"), "is about Patient/p2, not Patient/p1"}}) {
    const auto [status, answer] = post(body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_NE(answer.find("OperationOutcome"), std::string::npos) << answer;
    EXPECT_NE(answer.find(says), std::string::npos) << answer;
  }
  const auto [status, answer] = post(populateInput());
  EXPECT_EQ(status, 412) << "nothing listens on port 9: there is no record to fill from";
  EXPECT_NE(answer.find("cannot be read"), std::string::npos) << answer;
  const auto get = client.Get("/fhir/Questionnaire/$populate");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST, OPTIONS");
}

// With trust configured, an app presents the EHR's access token, and pumpcds takes one only when it knows
// which FHIR servers it may send it to.
TEST(HttpRoutes, PopulateTakesAnAppsTokenOnlyForListedFhirServers) {
  auto settings = InProcessServer::defaultSettings();
  settings.allow_unauthenticated = false;
  {
    InProcessServer server(settings);
    auto client = server.client();
    const auto bare = client.Post("/fhir/Questionnaire/$populate", populateInput(), "application/fhir+json");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->status, 401);
    EXPECT_NE(bare->body.find("Authorization: Bearer"), std::string::npos) << bare->body;
    const auto unlisted = client.Post("/fhir/Questionnaire/$populate", {{"Authorization", "Bearer t"}},
                                      populateInput(), "application/fhir+json");
    ASSERT_TRUE(unlisted);
    EXPECT_EQ(unlisted->status, 412);
    EXPECT_NE(unlisted->body.find("--fhir-server-allow"), std::string::npos) << unlisted->body;
  }
  settings.fhir_servers_listed = true;
  InProcessServer server(settings);
  auto client = server.client();
  const auto listed = client.Post("/fhir/Questionnaire/$populate", {{"Authorization", "Bearer t"}},
                                  populateInput(), "application/fhir+json");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 412) << "taken, and sent on: nothing listens there";
  EXPECT_NE(listed->body.find("cannot be read"), std::string::npos) << listed->body;
}

TEST(HttpRoutes, AHookCallIsAnsweredAndCountedFromWhatWasDecided) {
  InProcessServer server;
  auto client = server.client();
  const auto answer = client.Post("/cds-services/pumpcds-order-sign", orderSign(), "application/json");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_NE(answer->body.find("\"cards\""), std::string::npos);
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pumpcds_hook_calls_total 1\n"), std::string::npos) << metrics->body;
  EXPECT_NE(
      metrics->body.find("pumpcds_hook_responses_total{service=\"pumpcds-order-sign\",status=\"200\"} 1"),
      std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("pumpcds_orders_total{policy=\"caresource-nc-mm-1369\""), std::string::npos)
      << metrics->body;
}

TEST(HttpRoutes, EveryMetricFamilyIsDeclaredOnceAndPromtoolAcceptsThePage) {
  InProcessServer server;
  auto client = server.client();
  // Calls that fill every kind of family: an answered hook, an unknown service whose name needs escaping
  // in a label, a malformed body, and feedback.
  ASSERT_TRUE(client.Post("/cds-services/pumpcds-order-sign", orderSign(), "application/json"));
  ASSERT_TRUE(client.Post("/cds-services/a%22b%5Cc", "{}", "application/json"));
  ASSERT_TRUE(client.Post("/cds-services/pumpcds-order-sign", "{not json", "application/json"));
  ASSERT_TRUE(
      client.Post("/cds-services/pumpcds-order-sign/feedback",
                  R"({"feedback":[{"card":"0b9d5a3e-0000-4000-8000-000000000001","outcome":"accepted",)"
                  R"("outcomeTimestamp":"2026-01-01T00:00:00Z"}]})",
                  "application/json"));
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  std::set<std::string> families;
  size_t at = 0;
  while ((at = metrics->body.find("# TYPE ", at)) != std::string::npos) {
    at += 7;
    const std::string name = metrics->body.substr(at, metrics->body.find(' ', at) - at);
    EXPECT_TRUE(families.insert(name).second) << name << " is declared twice";
  }
  EXPECT_TRUE(families.count("pumpcds_fhir_failures_total")) << metrics->body;
  EXPECT_NE(metrics->body.find(R"(service="a\"b\\c")"), std::string::npos) << metrics->body;
  EXPECT_EQ(promtoolProblems(metrics->body), "");
}

TEST(HttpRoutes, KnownPathsWithOtherMethodsAre405AndUnknownPaths404WithAnOperationOutcome) {
  InProcessServer server;
  auto client = server.client();
  const auto put = client.Put("/healthz", "", "text/plain");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "GET, OPTIONS");
  const auto unknown = client.Get("/nowhere");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("\"OperationOutcome\""), std::string::npos);
  EXPECT_NE(unknown->body.find("no route for GET /nowhere"), std::string::npos) << unknown->body;
}

TEST(HttpRoutes, EachCallsContextIsClosedWhenItIsLogged) {
  InProcessServer server;
  auto client = server.client();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Post("/cds-services/pumpcds-order-sign", orderSign(), "application/json"));
    ASSERT_TRUE(client.Get("/healthz"));
  }
  client.stop();
  // The logger runs after the answer is written: give the last one a moment.
  for (int wait = 0; wait < 100 && server.http().requestContextsForTest().openCountForTest() != 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server.http().requestContextsForTest().openCountForTest(), 0U);
}

TEST(HttpRoutes, WithAnAdminPortMetricsLeaveTheServicePort) {
  auto settings = InProcessServer::defaultSettings();
  settings.admin_port = 0;
  InProcessServer server(settings);
  auto client = server.client();
  const auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 404);
}

} // namespace
} // namespace pumpcds::testing
