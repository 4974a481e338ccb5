// Suggestions close the gaps they name, for the patient, encounter and requester of the hook; the EHR's
// CRD configuration changes the detail and switches suggestions off; discovery says what can be set.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "hooks/service_catalog.h"
#include "tests/support/cds_response_checker.h"
#include "tests/support/test_data.h"

namespace pumpcds::cards {
namespace {

using rapidjson::Document;
using rapidjson::Value;

// A CareSource NC patient with no drug test and too little therapy (MM-1369 IV.D.2 and IV.H.1 missing),
// signed by Practitioner/dr-lee in Encounter/enc-77.
std::string gapsRequest(const std::string& configuration_json = "") {
  std::string body = testing::readTestFile("requests/permanent-nonmalignant-gaps.json");
  if (!configuration_json.empty()) {
    body.insert(body.rfind('}'), R"(,"extension":{"davinci-crd.configuration":)" + configuration_json + "}");
  }
  return body;
}

Result<hooks::HookOutcome> respond(const std::string& body) {
  auto library = policy::PolicyLibrary::loadBundled();
  EXPECT_TRUE(library.isOk());
  const hooks::HookService service(library.value(), std::make_unique<SequentialUuidSource>());
  return service.handle("pumpcds-order-sign", body);
}

Document card(const std::string& body) {
  auto outcome = respond(body);
  EXPECT_TRUE(outcome.isOk()) << outcome.status().message();
  Document response;
  response.Parse(outcome.value().response_json.c_str());
  EXPECT_TRUE(testing::cdsResponseProblems(outcome.value().response_json).empty());
  Document first;
  first.CopyFrom(response["cards"][0], first.GetAllocator());
  return first;
}

std::vector<std::string> labels(const Value& card) {
  std::vector<std::string> out;
  for (const Value* suggestion : fhir::items(fhir::member(card, "suggestions"))) {
    out.push_back(fhir::stringAt(suggestion, "label"));
  }
  return out;
}

TEST(Suggestions, EachMissingGapAnOrderClosesOffersThatOrderForThisPatientEncounterAndRequester) {
  const Document shown = card(gapsRequest());
  EXPECT_EQ(labels(shown),
            (std::vector<std::string>{"Order a urine drug screen", "Refer to physical therapy"}));
  EXPECT_STREQ(shown["selectionBehavior"].GetString(), "any");
  const Value& action = shown["suggestions"][0]["actions"][0];
  EXPECT_STREQ(action["type"].GetString(), "create");
  EXPECT_NE(std::string(action["description"].GetString()).find("MM-1369 IV.D.2"), std::string::npos);
  const Value& order = action["resource"];
  EXPECT_STREQ(order["resourceType"].GetString(), "ServiceRequest");
  EXPECT_STREQ(order["status"].GetString(), "draft");
  EXPECT_STREQ(order["code"]["coding"][0]["code"].GetString(), "69739-1");
  EXPECT_STREQ(order["subject"]["reference"].GetString(), "Patient/nc-042");
  EXPECT_STREQ(order["encounter"]["reference"].GetString(), "Encounter/enc-77");
  EXPECT_STREQ(order["requester"]["reference"].GetString(), "Practitioner/dr-lee");
  EXPECT_STRNE(shown["suggestions"][0]["uuid"].GetString(), shown["suggestions"][1]["uuid"].GetString());
}

TEST(Suggestions, NoSuggestionLeavesNoSelectionBehaviour) {
  // With every suggestion that would close its gaps switched off, the card offers none, and says nothing
  // about selecting them.
  const Document shown = card(
      gapsRequest(R"({"suggest-urine-drug-screen": false, "suggest-physical-therapy-referral": false})"));
  EXPECT_FALSE(shown.HasMember("suggestions"));
  EXPECT_FALSE(shown.HasMember("selectionBehavior"));
}

TEST(Configuration, DetailLevelOneNamesTheItemsOnlyAndThreeGivesEveryCriterion) {
  const std::string normal = card(gapsRequest())["detail"].GetString();
  const std::string brief = card(gapsRequest(R"({"detail-level": 1})"))["detail"].GetString();
  const std::string full = card(gapsRequest(R"({"detail-level": 3})"))["detail"].GetString();
  EXPECT_LT(brief.size(), normal.size());
  EXPECT_LT(normal.size(), full.size());
  EXPECT_EQ(brief.find("**Met**"), std::string::npos) << brief;
  EXPECT_EQ(brief.find("no record of a drug test"), std::string::npos) << brief;
  EXPECT_NE(brief.find("**negative drug test in last 3 months** (IV.D.2)"), std::string::npos) << brief;
  EXPECT_NE(full.find("**Met**\n\n- "), std::string::npos) << full;
}

TEST(Configuration, SwitchingOneSuggestionOffKeepsTheOthers) {
  const Document shown = card(gapsRequest(R"({"suggest-urine-drug-screen": false})"));
  EXPECT_EQ(labels(shown), (std::vector<std::string>{"Refer to physical therapy"}));
}

TEST(Configuration, UnknownOptionsAreIgnoredAndAMistypedKnownOneIsRefusedByName) {
  EXPECT_TRUE(respond(gapsRequest(R"({"max-cards": 3, "suggest-nothing-we-know": "x"})")).isOk());
  for (const auto& [configuration, named] : std::vector<std::pair<std::string, std::string>>{
           {R"({"detail-level": "2"})", "detail-level"},
           {R"({"detail-level": 7})", "detail-level"},
           {R"({"suggest-bmi-measurement": 1})", "suggest-bmi-measurement"},
           {R"("brief")", "davinci-crd.configuration"}}) {
    auto outcome = respond(gapsRequest(configuration));
    ASSERT_FALSE(outcome.isOk()) << configuration;
    EXPECT_EQ(outcome.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(outcome.status().message().find(named), std::string::npos) << outcome.status().message();
  }
}

TEST(Configuration, DiscoveryAdvertisesEveryOptionWithItsTypeAndDefault) {
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  Document discovery;
  discovery.Parse(hooks::discoveryJson(fhir::PrefetchMode::Full, library.value()->readTypes(),
                                       configurationOptions(library.value()->cardSettings()))
                      .c_str());
  for (const Value& service : discovery["services"].GetArray()) {
    std::map<std::string, const Value*> options;
    for (const Value& option : service["extension"]["davinci-crd.configuration-options"].GetArray()) {
      options[option["code"].GetString()] = &option;
      EXPECT_TRUE(option.HasMember("name") && option.HasMember("description"));
    }
    ASSERT_EQ(options.count("detail-level"), 1U);
    EXPECT_EQ((*options["detail-level"])["default"].GetInt(), 2);
    EXPECT_STREQ((*options["detail-level"])["type"].GetString(), "integer");
    for (const auto& suggestion : library.value()->cardSettings().suggestions) {
      const auto found = options.find("suggest-" + suggestion.id);
      ASSERT_NE(found, options.end()) << suggestion.id;
      EXPECT_TRUE((*found->second)["default"].IsTrue());
    }
  }
}

} // namespace
} // namespace pumpcds::cards
