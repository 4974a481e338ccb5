// Da Vinci CRD coverage-information system actions: the order, updated with what was decided.
#include <map>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/coverage_information.h"
#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "tests/support/request_builder.h"

namespace pumpcds::cards {
namespace {

// The coverage-information parts of the first system action ("url" -> its value as text), or empty.
std::map<std::string, std::string> coverageInformation(const testing::RequestBuilder& request) {
  auto library = policy::PolicyLibrary::loadBundled();
  const hooks::HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", request.json());
  EXPECT_TRUE(outcome.isOk());
  rapidjson::Document response;
  response.Parse(outcome.value().response_json.c_str());
  std::map<std::string, std::string> parts;
  if (!response.HasMember("systemActions")) {
    return parts;
  }
  const auto& action = response["systemActions"][0];
  EXPECT_STREQ(action["type"].GetString(), "update");
  for (const auto& extension : action["resource"]["extension"].GetArray()) {
    if (std::string(extension["url"].GetString()) != kCoverageInformationUrl) {
      parts["other extension"] = extension["url"].GetString();
      continue;
    }
    for (const auto& part : extension["extension"].GetArray()) {
      const std::string url = part["url"].GetString();
      if (part.HasMember("valueCode")) {
        parts[url] = part["valueCode"].GetString();
      } else if (part.HasMember("valueDate")) {
        parts[url] = part["valueDate"].GetString();
      } else if (part.HasMember("valueString")) {
        parts[url] = part["valueString"].GetString();
      } else if (part.HasMember("valueReference")) {
        parts[url] = part["valueReference"]["reference"].GetString();
      }
    }
  }
  return parts;
}

TEST(CoverageInformation, MissingDocumentationIsConditionalAndNeedsClinicalDocuments) {
  testing::RequestBuilder request;
  request.pumpOrder("62362");
  const auto parts = coverageInformation(request);
  EXPECT_EQ(parts.at("coverage"), "Coverage/cov1");
  EXPECT_EQ(parts.at("covered"), "conditional");
  EXPECT_EQ(parts.at("doc-needed"), "clinical");
  EXPECT_EQ(parts.at("date"), "2025-11-20");
  EXPECT_EQ(parts.at("coverage-assertion-id").size(), 32u);
  EXPECT_EQ(parts.count("pa-needed"), 0u) << "no PA rules apply to this coverage on this date";
}

TEST(CoverageInformation, ContraindicationIsNotCovered) {
  testing::RequestBuilder request;
  request.pumpOrder("62326").condition(testing::kIcd10, "A41.9", "2025-11-01");
  EXPECT_EQ(coverageInformation(request).at("covered"), "not-covered");
}

TEST(CoverageInformation, PriorAuthRulesGivePaNeeded) {
  testing::RequestBuilder required;
  required.pumpOrder("62324", "2021-06-15").patientState("OH");
  EXPECT_EQ(coverageInformation(required).at("pa-needed"), "auth-needed");
  testing::RequestBuilder exempt;
  exempt.pumpOrder("62324", "2021-06-15")
      .patientState("OH")
      .condition(testing::kIcd10, "C50.911", "2020-01-01");
  const auto parts = coverageInformation(exempt);
  EXPECT_EQ(parts.at("pa-needed"), "no-auth");
  EXPECT_EQ(parts.at("covered"), "conditional") << "medical necessity was not checked";
}

TEST(CoverageInformation, NoPolicyGivesNoSystemAction) {
  testing::RequestBuilder request;
  request.pumpOrder("62362").coverage("Acme Health");
  EXPECT_TRUE(coverageInformation(request).empty());
}

TEST(CoverageInformation, ExistingExtensionsOfTheOrderAreKept) {
  policy::OrderDetermination order;
  order.order.reference = "ServiceRequest/s";
  order.coverage = "Coverage/c";
  policy::Policy policy;
  order.policy = &policy;
  order.decision = policy::Decision::Complete;
  cards::SequentialUuidSource uuids;
  const auto updated = orderWithCoverageInformation(
      order,
      R"({"resourceType":"ServiceRequest","id":"s","extension":[{"url":"http://example.org/x","valueString":"y"}]})",
      newAssertionId(uuids));
  ASSERT_TRUE(updated);
  rapidjson::Document document;
  document.Parse(updated->c_str());
  ASSERT_EQ(document["extension"].Size(), 2u);
  EXPECT_STREQ(document["extension"][0]["url"].GetString(), "http://example.org/x");
  EXPECT_STREQ(document["extension"][1]["url"].GetString(), kCoverageInformationUrl);
  EXPECT_FALSE(orderWithCoverageInformation(order, "not json", "a1"));
}

} // namespace
} // namespace pumpcds::cards
