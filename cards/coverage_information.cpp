#include "cards/coverage_information.h"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pumpcds::cards {
namespace {

using rapidjson::Value;

const char* coveredCode(const policy::OrderDetermination& order) {
  if (order.policy == nullptr) {
    return "conditional"; // only prior-authorization rules applied: medical necessity is unchecked
  }
  switch (order.decision) {
  case policy::Decision::Complete:
    return "covered";
  case policy::Decision::NotCovered:
  case policy::Decision::Contraindicated:
    return "not-covered";
  case policy::Decision::MissingDocumentation:
  case policy::Decision::NoPolicy:
    return "conditional";
  }
  return "conditional";
}

const char* paNeededCode(policy::PriorAuth prior_auth) {
  switch (prior_auth) {
  case policy::PriorAuth::Required:
    return "auth-needed";
  case policy::PriorAuth::Exempt:
  case policy::PriorAuth::NotRequired:
    return "no-auth";
  case policy::PriorAuth::Unknown:
    return "conditional";
  }
  return "conditional";
}

void addPart(Value& parts, const char* url, const char* value_key, Value value,
             rapidjson::Document::AllocatorType& a) {
  Value part(rapidjson::kObjectType);
  part.AddMember("url", Value(url, a), a);
  part.AddMember(Value(value_key, a), value, a);
  parts.PushBack(part, a);
}

} // namespace

std::optional<std::string> orderWithCoverageInformation(const policy::OrderDetermination& order,
                                                        const std::string& order_json,
                                                        const std::string& assertion_id) {
  if ((order.policy == nullptr && order.prior_auth_policy == nullptr) || order.coverage.empty()) {
    return std::nullopt;
  }
  rapidjson::Document resource;
  resource.Parse(order_json.c_str(), order_json.size());
  if (resource.HasParseError() || !resource.IsObject()) {
    return std::nullopt;
  }
  auto& a = resource.GetAllocator();
  Value parts(rapidjson::kArrayType);
  Value coverage(rapidjson::kObjectType);
  coverage.AddMember("reference", Value(order.coverage.c_str(), a), a);
  addPart(parts, "coverage", "valueReference", std::move(coverage), a);
  addPart(parts, "covered", "valueCode", Value(coveredCode(order), a), a);
  if (order.prior_auth_policy != nullptr || order.prior_auth != policy::PriorAuth::Unknown) {
    addPart(parts, "pa-needed", "valueCode", Value(paNeededCode(order.prior_auth), a), a);
  }
  const bool missing = std::any_of(order.criteria.begin(), order.criteria.end(), [](const auto& result) {
    return result.criterion->role == policy::CriterionRole::Requirement &&
           result.status == policy::CriterionStatus::Missing;
  });
  if (missing) {
    addPart(parts, "doc-needed", "valueCode", Value("clinical", a), a);
    addPart(parts, "doc-purpose", "valueCode",
            Value(order.prior_auth == policy::PriorAuth::Required ? "withpa" : "withorder", a), a);
  }
  // What a clinician can attest is in the policy's DTR questionnaire: the EHR's DTR app asks for it by this
  // canonical ($questionnaire-package).
  if (policy::itemsToAttest(order) > 0 && order.policy != nullptr) {
    addPart(parts, "questionnaire", "valueCanonical",
            Value(policy::questionnaireCanonical(*order.policy, order.order.kind).c_str(), a), a);
  }
  addPart(parts, "date", "valueDate", Value(order.as_of.toString().c_str(), a), a);
  addPart(parts, "coverage-assertion-id", "valueString", Value(assertion_id.c_str(), a), a);

  Value extension(rapidjson::kObjectType);
  extension.AddMember("url", Value(kCoverageInformationUrl, a), a);
  extension.AddMember("extension", parts, a);
  auto found = resource.FindMember("extension");
  if (found == resource.MemberEnd() || !found->value.IsArray()) {
    if (found != resource.MemberEnd()) {
      resource.RemoveMember(found); // a malformed extension element is replaced, not kept
    }
    resource.AddMember("extension", Value(rapidjson::kArrayType), a);
    found = resource.FindMember("extension");
  }
  found->value.PushBack(extension, a);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  resource.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

size_t itemsToAttest(const policy::OrderDetermination& order) {
  return static_cast<size_t>(
      std::count_if(order.criteria.begin(), order.criteria.end(), [](const auto& result) {
        return result.criterion->role == policy::CriterionRole::Requirement &&
               result.status == policy::CriterionStatus::Missing && result.criterion->attestable;
      }));
}

std::string newAssertionId(UuidSource& uuids) {
  std::string assertion = uuids.next();
  assertion.erase(std::remove(assertion.begin(), assertion.end(), '-'), assertion.end());
  return assertion;
}

} // namespace pumpcds::cards
