#include "hooks/cds_request.h"

#include <gtest/gtest.h>

namespace pumpcds::hooks {
namespace {

TEST(CdsRequest, EachMissingOrMalformedFieldIsNamed) {
  const struct {
    const char* body;
    const char* names;
  } cases[] = {
      {"{\"hook\": ", "not valid JSON: line 1, column 10"},
      {"[]", "must be a JSON object"},
      {R"({"hookInstance":"x","context":{"patientId":"p","draftOrders":{}}})", "'hook' is required"},
      {R"({"hook":7,"hookInstance":"x","context":{}})", "'hook' must be a non-empty string"},
      {R"({"hook":"order-sign","context":{"patientId":"p","draftOrders":{}}})", "'hookInstance' is required"},
      {R"({"hook":"order-sign","hookInstance":"x"})", "'context' is required"},
      {R"({"hook":"order-sign","hookInstance":"x","context":"p"})", "'context' must be an object"},
      {R"({"hook":"order-sign","hookInstance":"x","context":{"draftOrders":{}}})",
       "'context.patientId' is required"},
      {R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p"}})",
       "'context.draftOrders' is required"},
      {R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p","draftOrders":{}},"prefetch":[]})",
       "'prefetch' must be an object"},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(test.body);
    auto request = parseCdsRequest(test.body);
    ASSERT_FALSE(request.isOk());
    EXPECT_EQ(request.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(request.status().message().find(test.names), std::string::npos) << request.status().message();
  }
}

TEST(CdsRequest, AbsurdNestingIsRefusedBeforeParsing) {
  const std::string deep =
      R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p","draftOrders":)" +
      std::string(200000, '[') + std::string(200000, ']') + "}}";
  auto request = parseCdsRequest(deep);
  ASSERT_FALSE(request.isOk());
  EXPECT_NE(request.status().message().find("nests objects or arrays deeper than"), std::string::npos);
  // Brackets inside strings are text, not nesting.
  const std::string text = R"({"hook":"order-sign","hookInstance":")" + std::string(1000, '[') +
                           R"(","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle"}}})";
  EXPECT_TRUE(parseCdsRequest(text).isOk());
}

TEST(CdsRequest, SandboxShapesAreTolerated) {
  // A lone entry object where an array belongs, an empty coding, an order without intent or code yet,
  // unknown fields and extensions.
  auto request = parseCdsRequest(R"({"hook":"order-select","hookInstance":"x","extension":{"a":1},"context":{
    "patientId":"p","userId":"Practitioner/1","selections":["ServiceRequest/s1"],
    "draftOrders":{"resourceType":"Bundle","entry":{"resource":{"resourceType":"ServiceRequest","id":"s1",
      "status":"draft","code":{"coding":[{}]}}}}},"prefetch":{"patient":{"resourceType":"Patient","id":"p"},
      "conditions":{"resourceType":"Bundle","entry":{"resource":{"resourceType":"Condition","id":"c",
      "code":{"coding":{"system":"http://snomed.info/sct","code":"82423001"}}}}}}})");
  ASSERT_TRUE(request.isOk()) << request.status().message();
  const CdsRequest& parsed = request.value();
  ASSERT_EQ(parsed.draft_orders.size(), 1u);
  EXPECT_TRUE(parsed.draft_orders[0].codes.empty());
  EXPECT_EQ(parsed.selections, std::vector<std::string>{"ServiceRequest/s1"});
  ASSERT_EQ(parsed.record.ofType("Condition").size(), 1u);
  EXPECT_EQ(parsed.record.ofType("Condition")[0].codes.size(), 1u);
  EXPECT_TRUE(parsed.has_prefetch);
}

TEST(CdsRequest, AnImpossibleAuthoredOnIsRefusedAndPartialDatesAreFhir) {
  const auto withAuthored = [](const std::string& authored) {
    return parseCdsRequest(R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p",
      "draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ServiceRequest","id":"s1",
      "status":"draft","intent":"order","authoredOn":)" +
                           authored + "}}]}}}");
  };
  for (const char* impossible : {R"("2026-02-30")", R"("2025-13-01")", R"("0000-00-00")", R"("0000-01-01")",
                                 R"("yesterday")", "20251120"}) {
    auto request = withAuthored(impossible);
    ASSERT_FALSE(request.isOk()) << impossible;
    EXPECT_NE(request.status().message().find("ServiceRequest/s1: authoredOn"), std::string::npos)
        << request.status().message();
  }
  for (const char* fine :
       {R"("2025-11-20")", R"("2025-11-20T09:30:00-05:00")", R"("2025-11")", R"("2025")"}) {
    EXPECT_TRUE(withAuthored(fine).isOk()) << fine;
  }
}

TEST(CdsRequest, ThousandsOfDraftOrdersInOneCallAreRefused) {
  std::string entries;
  for (int i = 0; i < 101; ++i) {
    entries += std::string(i == 0 ? "" : ",") + R"({"resource":{"resourceType":"ServiceRequest","id":"s)" +
               std::to_string(i) + R"(","status":"draft","intent":"order"}})";
  }
  auto request = parseCdsRequest(R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"p",
      "draftOrders":{"resourceType":"Bundle","entry":[)" +
                                 entries + "]}}}");
  ASSERT_FALSE(request.isOk());
  EXPECT_NE(request.status().message().find("holds 101 resources; at most 100"), std::string::npos)
      << request.status().message();
}

} // namespace
} // namespace pumpcds::hooks
