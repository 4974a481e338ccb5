// Routing by payor, Coverage.type, plan (Coverage.class) and state, with effective periods.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "fhir/resource_parser.h"
#include "library/policy_library.h"

namespace pumpcds::policy {
namespace {

fhir::PatientRecord record(const char* coverage_json, const char* state) {
  fhir::PatientRecord out;
  rapidjson::Document coverage;
  coverage.Parse(coverage_json);
  out.add(*fhir::parseResource(coverage));
  rapidjson::Document patient;
  patient.Parse(
      (std::string(R"({"resourceType":"Patient","id":"p","address":[{"state":")") + state + "\"}]}").c_str());
  out.add(*fhir::parseResource(patient));
  out.markRead("Coverage");
  return out;
}

PolicyLibrary::Ptr libraryWithRoutes(const std::string& routes) {
  auto files = bundledLibraryFiles();
  for (auto& file : files) {
    if (file.path == "routing.json") {
      file.text = routes;
    }
  }
  auto library = PolicyLibrary::load(files);
  EXPECT_TRUE(library.isOk()) << library.status().message();
  return library.isOk() ? library.value() : nullptr;
}

const fhir::Date kNov2025 = *fhir::Date::parse("2025-11-20");

TEST(Routing, PlanClassNarrowsAPayorRoute) {
  const auto library = libraryWithRoutes(R"({"routes":[
    {"policy":"lhcc-la-cp-mp-173","payor_names":["Acme"],"plans":["Medicaid"]},
    {"policy":"centene-cp-mp-173","payor_names":["Acme"]},
    {"policy":"caresource-nc-mm-1369","payor_names":["Elsewhere"]},
    {"policy":"caresource-pa-rp","role":"prior-auth","payor_names":["Elsewhere"]},
    {"policy":"noridian-a55239","payor_names":["Elsewhere"]}]})");
  ASSERT_NE(library, nullptr);
  const char* medicaid =
      R"({"resourceType":"Coverage","id":"c","status":"active","payor":[{"display":"Acme Health"}],
    "class":[{"type":{"coding":[{"code":"plan"}]},"value":"LA-MEDICAID-01","name":"Acme Medicaid"}]})";
  const char* commercial =
      R"({"resourceType":"Coverage","id":"c","status":"active","payor":[{"display":"Acme Health"}],
    "class":[{"type":{"coding":[{"code":"plan"}]},"value":"GOLD","name":"Acme Gold PPO"}]})";
  EXPECT_EQ(library->route(record(medicaid, "LA"), kNov2025).policy->id, "lhcc-la-cp-mp-173");
  EXPECT_EQ(library->route(record(commercial, "LA"), kNov2025).policy->id, "centene-cp-mp-173");
}

TEST(Routing, BundledTableSendsEachPayorToItsPolicy) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const struct {
    const char* coverage;
    const char* state;
    const char* policy; // "" for none
  } cases[] = {
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"CareSource"}]})", "NC",
       "caresource-nc-mm-1369"},
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"CareSource"}]})", "OH", ""},
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"Ambetter of Illinois"}]})", "IL",
       "centene-cp-mp-173"},
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"Louisiana Healthcare Connections"}]})",
       "LA", "lhcc-la-cp-mp-173"},
      {R"({"resourceType":"Coverage","id":"c","type":{"coding":[{"system":"https://nahdo.org/sopt","code":"121"}]},
          "payor":[{"display":"Noridian"}]})",
       "NV", "noridian-a55239"},
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"CMS"}]})", "Northern Mariana Islands",
       "noridian-a55239"},
      {R"({"resourceType":"Coverage","id":"c","payor":[{"display":"Medicare"}]})", "OR", ""},
      {R"({"resourceType":"Coverage","id":"c","status":"cancelled","payor":[{"display":"Ambetter"}]})", "TX",
       ""},
      {R"({"resourceType":"Coverage","id":"c","period":{"end":"2024-12-31"},"payor":[{"display":"Ambetter"}]})",
       "TX", ""},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(std::string(test.coverage) + " " + test.state);
    const RoutingResult result = library.value()->route(record(test.coverage, test.state), kNov2025);
    EXPECT_EQ(result.policy == nullptr ? std::string() : result.policy->id, test.policy);
  }
}

TEST(Routing, PriorAuthRouteIsChosenBesideTheMedicalOne) {
  auto library = PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const auto nc = record(R"({"resourceType":"Coverage","id":"c","payor":[{"display":"CareSource"}]})", "NC");
  const RoutingResult in_window = library.value()->route(nc, *fhir::Date::parse("2021-03-01"));
  EXPECT_EQ(in_window.policy, nullptr) << "MM-1369 starts in 2025";
  ASSERT_NE(in_window.prior_auth, nullptr);
  EXPECT_EQ(in_window.prior_auth->id, "caresource-pa-rp");
  const RoutingResult later = library.value()->route(nc, kNov2025);
  EXPECT_EQ(later.policy->id, "caresource-nc-mm-1369");
  EXPECT_EQ(later.prior_auth, nullptr);
}

} // namespace
} // namespace pumpcds::policy
