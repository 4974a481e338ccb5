// $populate's answer from a determination: what the record shows read-only, what was attested answered, the
// rest left for the clinician, and a questionnaire of another policy refused with a word why.
#include <map>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "questionnaires/questionnaire_populate.h"
#include "tests/support/request_builder.h"

namespace pumpcds::questionnaires {
namespace {

constexpr const char* kPolicy = "caresource-nc-mm-1369";

struct Populated {
  std::map<std::string, const fhir::JsonValue*> answers; ///< linkId -> its first answer
  std::string issues;                                    ///< the OperationOutcome, as text
  std::string json;
};

class PopulateTest : public ::testing::Test {
protected:
  PopulateTest() : library_(policy::PolicyLibrary::loadBundled().value()) {}

  // The determination of a CareSource permanent order with one attestation, and $populate's answer to it.
  Populated populate(const std::string& questionnaire) {
    hooks::HookService service(library_, std::make_unique<cards::SequentialUuidSource>());
    const std::string answered =
        policy::questionnaireCanonical(*library_->find(kPolicy), policy::OrderKind::Permanent);
    auto outcome = service.handle("pumpcds-order-sign", testing::RequestBuilder()
                                                            .pumpOrder("62362")
                                                            .coverage("CareSource")
                                                            .patientState("NC")
                                                            .answering(answered)
                                                            .attest(std::string(kPolicy) + "/I.A")
                                                            .json());
    EXPECT_TRUE(outcome.isOk()) << outcome.status().message();
    PopulateRequest request;
    request.patient_id = "p1";
    request.questionnaire = questionnaire;
    auto filled = populatedResponse(*library_, request, outcome.value().determination,
                                    *fhir::Date::parse("2025-11-20"));
    EXPECT_TRUE(filled.isOk()) << filled.status().message();
    Populated out;
    out.json = filled.isOk() ? filled.value() : "";
    document_.Parse(out.json.c_str());
    for (const fhir::JsonValue* parameter : fhir::items(fhir::member(document_, "parameter"))) {
      if (fhir::stringAt(parameter, "name") == "issues") {
        out.issues = fhir::jsonText(*fhir::member(parameter, "resource"));
      } else {
        collect(fhir::member(parameter, "resource"), out.answers);
      }
    }
    return out;
  }

  static void collect(const fhir::JsonValue* owner, std::map<std::string, const fhir::JsonValue*>& out) {
    for (const fhir::JsonValue* item : fhir::items(fhir::member(owner, "item"))) {
      const auto answers = fhir::items(fhir::member(item, "answer"));
      if (!answers.empty()) {
        out[fhir::stringAt(item, "linkId")] = answers.front();
      }
      collect(item, out);
    }
  }

  policy::PolicyLibrary::Ptr library_;
  rapidjson::Document document_;
};

TEST_F(PopulateTest, TheRecordIsShownReadOnlyTheAttestedIsAnsweredAndTheRestIsLeftToTheClinician) {
  const Populated filled = populate(""); // the deciding policy's own
  EXPECT_EQ(filled.issues, "");
  const std::string prefix = std::string(kPolicy) + "/";
  ASSERT_EQ(filled.answers.count(prefix + "I.A"), 1U) << filled.json;
  EXPECT_EQ(fhir::boolAt(filled.answers.at(prefix + "I.A"), "valueBoolean"), true);
  size_t findings = 0;
  size_t open_questions = 0;
  for (const auto& [link_id, answer] : filled.answers) {
    if (link_id.ends_with(":found")) {
      ++findings;
      EXPECT_FALSE(fhir::stringAt(answer, "valueString").empty()) << link_id;
    }
  }
  const auto form = library_->find(kPolicy);
  for (const auto& criterion : form->criteria) {
    if (criterion.attestable && criterion.id != prefix + "I.A" &&
        criterion.appliesTo(policy::OrderKind::Permanent, policy::Origin::NonMalignant)) {
      ++open_questions;
      EXPECT_EQ(filled.answers.count(criterion.id), 0U) << criterion.id << " was answered for the clinician";
    }
  }
  EXPECT_GT(findings, 3U) << filled.json;
  EXPECT_GT(open_questions, 3U);
  EXPECT_NE(filled.json.find("\"status\":\"in-progress\""), std::string::npos);
  EXPECT_NE(filled.json.find(R"({"name":"decision","valueCode":"missing-documentation"})"),
            std::string::npos);
  EXPECT_NE(filled.json.find(R"({"name":"missing","valueString":"MM-1369 )"), std::string::npos)
      << filled.json;
  EXPECT_NE(filled.json.find("\"basedOn\":[{\"reference\":\"ServiceRequest/pump-1\"}]"), std::string::npos);
}

TEST_F(PopulateTest, AnotherPolicysQuestionnaireIsNotFilledAndTheIssueSaysWhy) {
  const Populated filled = populate("urn:pumpcds:questionnaire:noridian-a55239-permanent");
  EXPECT_TRUE(filled.answers.empty()) << filled.json;
  EXPECT_NE(filled.issues.find("is decided by"), std::string::npos) << filled.issues;
  const Populated old = populate(
      policy::questionnaireCanonical(*library_->find(kPolicy), policy::OrderKind::Permanent) + "|0123");
  EXPECT_NE(old.issues.find("version 0123 is not served"), std::string::npos) << old.issues;
  EXPECT_FALSE(old.answers.empty());
}

} // namespace
} // namespace pumpcds::questionnaires
