// The Questionnaires generated from the policy library: every criterion a clinician can attest is asked,
// an answer to it is what the engine counts, and the version follows the library.
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "questionnaires/questionnaire_catalog.h"
#include "questionnaires/questionnaire_package.h"
#include "questionnaires/questionnaire_writer.h"
#include "requests/draft_order_writer.h"
#include "tests/support/request_builder.h"

namespace pumpcds::questionnaires {
namespace {

policy::PolicyLibrary::Ptr bundled() {
  auto library = policy::PolicyLibrary::loadBundled();
  EXPECT_TRUE(library.isOk()) << library.status().message();
  return library.value();
}

// Every item of a Questionnaire by linkId (groups and children included).
void collectItems(const rapidjson::Value& owner, std::map<std::string, const rapidjson::Value*>& out) {
  if (!owner.IsObject() || !owner.HasMember("item")) {
    return;
  }
  for (const auto& item : owner["item"].GetArray()) {
    out[item["linkId"].GetString()] = &item;
    collectItems(item, out);
  }
}

TEST(Questionnaires, EveryAttestableCriterionOfEveryBundledPolicyIsAskedOnItsPath) {
  const auto library = bundled();
  const auto generated = libraryQuestionnaires(*library);
  ASSERT_FALSE(generated.empty());
  std::map<std::string, const GeneratedQuestionnaire*> by_id;
  for (const auto& questionnaire : generated) {
    by_id[questionnaire.id] = &questionnaire;
  }
  size_t asked = 0;
  for (const auto& policy : library->policies()) {
    if (policy.prior_auth) {
      continue;
    }
    for (const auto kind : {policy::OrderKind::Trial, policy::OrderKind::Permanent,
                            policy::OrderKind::Maintenance, policy::OrderKind::Removal}) {
      for (const auto& criterion : policy.criteria) {
        const bool on_path = policy.handles(kind) && criterion.role == policy::CriterionRole::Requirement &&
                             (criterion.appliesTo(kind, policy::Origin::Malignant) ||
                              criterion.appliesTo(kind, policy::Origin::NonMalignant));
        if (criterion.attestation_only) {
          EXPECT_TRUE(criterion.attestable)
              << criterion.id << ": only an attestation can show it, yet it is not asked";
        }
        if (!on_path || !criterion.attestable) {
          continue;
        }
        const auto found = by_id.find(policy::questionnaireId(policy, kind));
        ASSERT_NE(found, by_id.end()) << "no questionnaire for " << policy.id << " " << toString(kind)
                                      << ", which has " << criterion.id << " to attest";
        rapidjson::Document document;
        document.Parse(found->second->json.c_str());
        ASSERT_FALSE(document.HasParseError());
        std::map<std::string, const rapidjson::Value*> items;
        collectItems(document, items);
        const auto item = items.find(criterion.id);
        ASSERT_NE(item, items.end()) << criterion.id << " is not asked in " << found->first;
        EXPECT_STREQ((*item->second)["type"].GetString(), "boolean");
        EXPECT_EQ(items.count(criterion.id + ":help"), 1U) << "no policy text for " << criterion.id;
        ++asked;
      }
    }
  }
  EXPECT_GT(asked, 20U);
}

TEST(Questionnaires, EachIsAFhirQuestionnaireWhoseConditionsNameItsOwnItems) {
  for (const auto& questionnaire : libraryQuestionnaires(*bundled())) {
    rapidjson::Document document;
    document.Parse(questionnaire.json.c_str());
    ASSERT_FALSE(document.HasParseError()) << questionnaire.id;
    EXPECT_STREQ(document["resourceType"].GetString(), "Questionnaire");
    EXPECT_STREQ(document["id"].GetString(), questionnaire.id.c_str());
    EXPECT_STREQ(document["url"].GetString(), questionnaire.url.c_str());
    EXPECT_STREQ(document["status"].GetString(), "active");
    EXPECT_LE(questionnaire.id.size(), 64U) << "a FHIR id has at most 64 characters";
    std::map<std::string, const rapidjson::Value*> items;
    collectItems(document, items);
    for (const auto& [link_id, item] : items) {
      if (!item->HasMember("enableWhen")) {
        continue;
      }
      for (const auto& condition : (*item)["enableWhen"].GetArray()) {
        const auto asked = items.find(condition["question"].GetString());
        ASSERT_NE(asked, items.end()) << link_id << " depends on an item that is not there";
        bool offered = false;
        for (const auto& option : (*asked->second)["answerOption"].GetArray()) {
          offered |= std::string(option["valueCoding"]["code"].GetString()) ==
                     condition["answerCoding"]["code"].GetString();
        }
        EXPECT_TRUE(offered) << link_id << " waits for an answer the question does not offer";
      }
    }
  }
}

TEST(Questionnaires, AnsweringEveryQuestionYesLeavesNothingToAttest) {
  const auto library = bundled();
  hooks::HookService service(library, std::make_unique<cards::SequentialUuidSource>());
  const std::string answered =
      policy::questionnaireCanonical(*library->find("caresource-nc-mm-1369"), policy::OrderKind::Permanent);
  const auto request = [&](const std::vector<std::string>& attested) {
    testing::RequestBuilder builder;
    builder.pumpOrder("62362").coverage("CareSource").patientState("NC").answering(answered);
    for (const auto& link_id : attested) {
      builder.attest(link_id);
    }
    return builder.json();
  };
  const auto toAttest = [&](const std::vector<std::string>& attested) {
    auto outcome = service.handle("pumpcds-order-sign", request(attested));
    EXPECT_TRUE(outcome.isOk()) << outcome.status().message();
    std::set<std::string> missing;
    for (const auto& order : outcome.value().determination.orders) {
      for (const auto& result : order.criteria) {
        if (result.status == policy::CriterionStatus::Missing && result.criterion->attestation_only) {
          missing.insert(result.criterion->id);
        }
      }
    }
    return missing;
  };
  const auto before = toAttest({});
  ASSERT_FALSE(before.empty()) << "the CareSource permanent order should ask for attestations";

  auto read = readQuestionnaire(*library, "caresource-nc-mm-1369-permanent");
  ASSERT_TRUE(read.isOk()) << read.status().message();
  rapidjson::Document document;
  document.Parse(read.value().c_str());
  std::map<std::string, const rapidjson::Value*> items;
  collectItems(document, items);
  std::vector<std::string> answers;
  for (const auto& [link_id, item] : items) {
    if (std::string((*item)["type"].GetString()) == "boolean") {
      answers.push_back(link_id);
    }
  }
  for (const auto& id : before) {
    EXPECT_NE(std::find(answers.begin(), answers.end(), id), answers.end()) << id << " is not asked";
  }
  EXPECT_TRUE(toAttest(answers).empty());
}

TEST(Questionnaires, TheCardsCoverageInformationNamesAQuestionnaireTheServiceServes) {
  const auto library = bundled();
  hooks::HookService service(library, std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle(
      "pumpcds-order-sign",
      testing::RequestBuilder().pumpOrder("62362").coverage("CareSource").patientState("NC").json());
  ASSERT_TRUE(outcome.isOk());
  const std::string& response = outcome.value().response_json;
  const std::string key = "\"valueCanonical\":\"";
  const auto at = response.find(key);
  ASSERT_NE(at, std::string::npos) << "no questionnaire in the coverage-information: " << response;
  const std::string canonical =
      response.substr(at + key.size(), response.find('"', at + key.size()) - at - key.size());
  EXPECT_EQ(canonical, "urn:pumpcds:questionnaire:caresource-nc-mm-1369-permanent");
  auto found = searchQuestionnaires(*library, {{"url", canonical}}, "");
  ASSERT_TRUE(found.isOk());
  EXPECT_NE(found.value().find("\"total\":1"), std::string::npos);

  // An order that is not a pump order gets no coverage information, so no questionnaire.
  auto none = service.handle("pumpcds-order-sign",
                             testing::RequestBuilder().pumpOrder("99213").coverage("CareSource").json());
  ASSERT_TRUE(none.isOk());
  EXPECT_EQ(none.value().response_json.find("valueCanonical"), std::string::npos);
}

TEST(Questionnaires, TheVersionIsTheLibrarysRevisionSoAnEditChangesIt) {
  auto files = policy::bundledLibraryFiles();
  auto original = policy::PolicyLibrary::load(files);
  ASSERT_TRUE(original.isOk());
  for (auto& file : files) {
    if (file.path == "cards.json") {
      file.text += "\n";
    }
  }
  auto edited = policy::PolicyLibrary::load(files);
  ASSERT_TRUE(edited.isOk());
  const auto before = libraryQuestionnaires(*original.value());
  const auto after = libraryQuestionnaires(*edited.value());
  ASSERT_EQ(before.size(), after.size());
  EXPECT_EQ(before[0].version, original.value()->revision().substr(0, 16));
  EXPECT_NE(before[0].version, after[0].version);
  EXPECT_EQ(libraryQuestionnaires(*original.value())[0].json, before[0].json) << "not deterministic";
}

TEST(Questionnaires, SearchFindsByCanonicalAndVersionAndNamesAnUnknownParameter) {
  const auto library = bundled();
  const auto all = libraryQuestionnaires(*library);
  const auto& first = all.front();
  const auto count = [](const std::string& bundle) {
    rapidjson::Document document;
    document.Parse(bundle.c_str());
    return document["total"].GetUint();
  };
  auto by_url = searchQuestionnaires(*library, {{"url", first.url}}, "http://h/fhir");
  ASSERT_TRUE(by_url.isOk());
  EXPECT_EQ(count(by_url.value()), 1U);
  EXPECT_NE(by_url.value().find("\"fullUrl\":\"http://h/fhir/Questionnaire/" + first.id + "\""),
            std::string::npos);
  auto versioned = searchQuestionnaires(*library, {{"url", first.url + "|" + first.version}}, "");
  ASSERT_TRUE(versioned.isOk());
  EXPECT_EQ(count(versioned.value()), 1U);
  auto old = searchQuestionnaires(*library, {{"url", first.url + "|0000000000000000"}}, "");
  ASSERT_TRUE(old.isOk());
  EXPECT_EQ(count(old.value()), 0U);
  auto every = searchQuestionnaires(*library, {}, "");
  ASSERT_TRUE(every.isOk());
  EXPECT_EQ(count(every.value()), all.size());
  auto odd = searchQuestionnaires(*library, {{"title", "x"}}, "");
  ASSERT_FALSE(odd.isOk());
  EXPECT_NE(odd.status().message().find("unknown parameter 'title'"), std::string::npos);
  auto missing = readQuestionnaire(*library, "nope");
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::NotFound);
}

std::string coverage(const std::string& payor) {
  return R"({"name":"coverage","resource":{"resourceType":"Coverage","id":"c1","status":"active",)"
         R"("beneficiary":{"reference":"Patient/p1"},"payor":[{"display":")" +
         payor + R"("}]}})";
}

std::string parameters(const std::vector<std::string>& parameter) {
  std::string out = R"({"resourceType":"Parameters","parameter":[)";
  for (size_t i = 0; i < parameter.size(); ++i) {
    out += (i == 0 ? "" : ",") + parameter[i];
  }
  return out + "]}";
}

std::string order(const std::string& cpt) {
  return R"({"name":"order","resource":)" +
         requests::draftPumpOrderJson({cpt, "ServiceRequest", "o1", "p1", "2025-11-20"}) + "}";
}

std::string canonical(const std::string& value) {
  return R"({"name":"questionnaire","valueCanonical":")" + value + R"("})";
}

// The package's output: the Questionnaire ids of its PackageBundles, and its outcome's diagnostics.
struct Package {
  std::vector<std::string> questionnaires;
  std::vector<std::string> issues;
};

Package unpack(const std::string& output) {
  rapidjson::Document document;
  document.Parse(output.c_str());
  EXPECT_FALSE(document.HasParseError()) << output;
  EXPECT_STREQ(document["resourceType"].GetString(), "Parameters");
  Package package;
  for (const auto& parameter : document["parameter"].GetArray()) {
    const std::string name = parameter["name"].GetString();
    const auto& resource = parameter["resource"];
    if (name == "PackageBundle") {
      EXPECT_STREQ(resource["type"].GetString(), "collection");
      const auto& first = resource["entry"][0]["resource"];
      EXPECT_STREQ(first["resourceType"].GetString(), "Questionnaire") << "DTR: the first entry";
      package.questionnaires.emplace_back(first["id"].GetString());
    } else if (name == "operationOutcome") {
      for (const auto& issue : resource["issue"].GetArray()) {
        package.issues.emplace_back(issue["diagnostics"].GetString());
      }
    } else {
      ADD_FAILURE() << "unexpected output parameter " << name;
    }
  }
  return package;
}

const fhir::Date kToday = *fhir::Date::parse("2025-11-20");

TEST(QuestionnairePackage, AnOrderUnderACoverageThatNamesItsPolicyGetsThatPolicysQuestionnaire) {
  const auto library = bundled();
  auto output = questionnairePackage(*library, parameters({coverage("Ambetter"), order("62362")}), kToday);
  ASSERT_TRUE(output.isOk()) << output.status().message();
  const auto package = unpack(output.value());
  EXPECT_EQ(package.questionnaires, std::vector<std::string>{"centene-cp-mp-173-permanent"});
  EXPECT_TRUE(package.issues.empty());
}

TEST(QuestionnairePackage, ACanonicalFromTheCardIsServedAndAnOldVersionIsSaid) {
  const auto library = bundled();
  const std::string url =
      std::string(policy::kQuestionnaireCanonicalBase) + "caresource-nc-mm-1369-permanent";
  auto output = questionnairePackage(*library, parameters({coverage("CareSource"), canonical(url)}), kToday);
  ASSERT_TRUE(output.isOk());
  auto package = unpack(output.value());
  EXPECT_EQ(package.questionnaires, std::vector<std::string>{"caresource-nc-mm-1369-permanent"});
  EXPECT_TRUE(package.issues.empty());

  output =
      questionnairePackage(*library, parameters({coverage("CareSource"), canonical(url + "|0123")}), kToday);
  ASSERT_TRUE(output.isOk());
  package = unpack(output.value());
  EXPECT_EQ(package.questionnaires.size(), 1U);
  ASSERT_EQ(package.issues.size(), 1U);
  EXPECT_NE(package.issues[0].find("version 0123 is not served"), std::string::npos) << package.issues[0];
}

TEST(QuestionnairePackage, WhatCannotBeServedIsSaidInTheOutcome) {
  const auto library = bundled();
  // CareSource's policy is North Carolina's: the Coverage alone cannot say so.
  auto output = questionnairePackage(*library, parameters({coverage("CareSource"), order("62362")}), kToday);
  ASSERT_TRUE(output.isOk());
  auto package = unpack(output.value());
  EXPECT_TRUE(package.questionnaires.empty());
  ASSERT_EQ(package.issues.size(), 1U);
  EXPECT_NE(package.issues[0].find("pass the questionnaire canonical"), std::string::npos);

  output = questionnairePackage(
      *library,
      parameters({coverage("Ambetter"), canonical("urn:pumpcds:questionnaire:nope"), order("99213")}),
      kToday);
  ASSERT_TRUE(output.isOk());
  package = unpack(output.value());
  EXPECT_TRUE(package.questionnaires.empty());
  ASSERT_EQ(package.issues.size(), 1U)
      << "a named questionnaire is what was asked for; the order is not routed";
  EXPECT_NE(package.issues[0].find("not served by this library"), std::string::npos);

  output = questionnairePackage(*library, parameters({coverage("Ambetter"), order("99213")}), kToday);
  ASSERT_TRUE(output.isOk());
  package = unpack(output.value());
  ASSERT_EQ(package.issues.size(), 1U);
  EXPECT_NE(package.issues[0].find("is not a pump order"), std::string::npos);
}

TEST(QuestionnairePackage, InputThatIsNotDtrsParametersIsRefusedNamingWhy) {
  const auto library = bundled();
  const std::pair<std::string, std::string> cases[] = {
      {"{", "is not JSON"},
      {R"({"resourceType":"Bundle"})", "expected a FHIR Parameters resource"},
      {parameters({order("62362")}), "parameter coverage (a Coverage resource) is required"},
      {parameters({coverage("Ambetter")}), "at least one of order, questionnaire and context"},
      {parameters({R"({"name":"coverage","resource":{"resourceType":"Patient","id":"p"}})", order("62362")}),
       "parameter coverage must hold a Coverage resource"},
      {parameters({coverage("Ambetter"), R"({"name":"questionnaire","valueString":"x"})"}),
       "parameter questionnaire must have a valueCanonical"},
  };
  for (const auto& [body, expected] : cases) {
    auto output = questionnairePackage(*library, body, kToday);
    ASSERT_FALSE(output.isOk()) << body;
    EXPECT_EQ(output.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(output.status().message().find(expected), std::string::npos) << output.status().message();
  }
}

} // namespace
} // namespace pumpcds::questionnaires
