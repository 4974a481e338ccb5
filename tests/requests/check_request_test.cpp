// `pumpcds check` builds a real order-sign request: it must parse as one, with the orders a pump check needs.
#include <gtest/gtest.h>

#include "hooks/cds_request.h"
#include "library/policy_library.h"
#include "requests/check_request.h"

namespace pumpcds::requests {
namespace {

using hooks::CdsRequest;
using hooks::parseCdsRequest;

TEST(CheckRequest, IsAnOrderSignWithThePumpOrderAndDrugAndNoPrefetch) {
  const CheckRequest check{
      "https://ehr.example.org/fhir",   "token-1",          "p 1", {"62362", "E0783"}, {"7052"},
      *fhir::Date::parse("2025-11-20"), /*patient_json=*/""};
  auto parsed = parseCdsRequest(checkRequestJson(check));
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  const CdsRequest& request = parsed.value();
  EXPECT_EQ(request.hook, "order-sign");
  EXPECT_EQ(request.patient_id, "p 1");
  EXPECT_EQ(request.fhir_server, "https://ehr.example.org/fhir");
  EXPECT_EQ(request.access_token, "token-1");
  EXPECT_FALSE(request.has_prefetch);
  ASSERT_EQ(request.draft_orders.size(), 3u);
  EXPECT_EQ(request.draft_orders[0].type, "ServiceRequest");
  EXPECT_EQ(request.draft_orders[1].type, "DeviceRequest");
  EXPECT_EQ(request.draft_orders[2].type, "MedicationRequest");
  EXPECT_EQ(request.draft_orders[2].route.at(0).code, "72607000");
  // The library recognises the CPT procedure and the HCPCS pump as pump orders.
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  EXPECT_TRUE(library.value()->orders().classify(request.draft_orders[0]));
  EXPECT_TRUE(library.value()->orders().classify(request.draft_orders[1]));
  EXPECT_EQ(request.draft_orders[0].authored_date->toString(), "2025-11-20");
}

TEST(CheckRequest, NoTokenSendsNoAuthorization) {
  auto parsed =
      parseCdsRequest(checkRequestJson({"https://x/fhir", "", "p1", {"62362"}, {}, fhir::Date::today(), ""}));
  ASSERT_TRUE(parsed.isOk());
  EXPECT_FALSE(parsed.value().has_fhir_authorization);
}

TEST(CheckRequest, APatientAlreadyReadIsTheOnlyPrefetchSoTheRestIsReadFromTheServer) {
  const std::string patient = R"({"resourceType":"Patient","id":"p1","birthDate":"1960-12-10"})";
  auto parsed = parseCdsRequest(
      checkRequestJson({"https://x/fhir", "", "p1", {"62362"}, {}, fhir::Date::today(), patient}));
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  EXPECT_TRUE(parsed.value().has_prefetch);
  EXPECT_EQ(parsed.value().record.readTypes(), (std::set<std::string, std::less<>>{"Patient"}))
      << "only the Patient counts as read; every other type is left to the FHIR server";
}

} // namespace
} // namespace pumpcds::requests
