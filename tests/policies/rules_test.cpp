// The evidence rules and the all/any/not tree, on small records built in the test.
#include <gtest/gtest.h>

#include "policies/rule_support.h"
#include "policies/rules.h"
#include "policies/value_set.h"

#include <rapidjson/document.h>

namespace pumpcds::policy {
namespace {

const std::string kIcd(fhir::systems::kIcd10Cm);
const std::string kCptSystem(fhir::systems::kCpt);
const std::string kLoincSystem(fhir::systems::kLoinc);

fhir::Seconds day(const char* date) {
  return fhir::Date::parse(date)->startSeconds();
}

fhir::Resource resource(const std::string& type, const std::string& id, const std::string& system,
                        const std::string& code, const char* start) {
  fhir::Resource out;
  out.type = type;
  out.id = id;
  out.codes = {{system, code, ""}};
  if (start != nullptr) {
    out.start = day(start);
    out.end = day(start) + fhir::kSecondsPerDay;
  }
  if (type == "Condition") {
    out.clinical_status = "active";
    out.end.reset(); // a condition holds from its onset until abated
  }
  return out;
}

// The test's value sets, read the way the library reads them.
constexpr const char* kTestValueSets = R"({
  "infection": {"description": "d", "source": "s", "codes": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "A41.9"}]},
  "therapy": {"description": "d", "source": "s", "codes": [{"system": "http://www.ama-assn.org/go/cpt", "code": "97110"}]},
  "trial": {"description": "d", "source": "s", "codes": [{"system": "http://www.ama-assn.org/go/cpt", "code": "62324"}]},
  "pain": {"description": "d", "source": "s", "codes": [{"system": "http://loinc.org", "code": "72514-3"}]},
  "bmi": {"description": "d", "source": "s", "codes": [{"system": "http://loinc.org", "code": "39156-5"}]}
})";

class RulesTest : public ::testing::Test {
protected:
  RulesTest() {
    rapidjson::Document document;
    document.Parse(kTestValueSets);
    std::vector<std::string> errors;
    sets_.loadFile("test-sets.json", document, errors);
    sets_.resolveIncludes(errors);
    EXPECT_TRUE(errors.empty()) << errors.front();
  }

  // A rule from its JSON, as a policy file would give it.
  RulePtr rule(const std::string& json) {
    auto read = readRuleText(json, sets_);
    EXPECT_TRUE(read.isOk()) << read.status().message();
    return read.isOk() ? read.value() : nullptr;
  }

  Outcome run(const std::string& json) {
    const RulePtr parsed = rule(json);
    const RuleContext context{record_, draft_orders_, *fhir::Date::parse("2025-11-20"), "policy/X"};
    return parsed ? parsed->evaluate(context) : Outcome{};
  }

  static std::string negate(const std::string& child) { return R"({"not": )" + child + "}"; }

  static constexpr const char* kHasInfection =
      R"({"has": {"types": ["Condition"], "value_sets": ["infection"], "looks_for": "an infection"}})";

  ValueSetLibrary sets_;
  fhir::PatientRecord record_;
  std::vector<fhir::Resource> draft_orders_;
};

TEST_F(RulesTest, AbsenceProvesNoXOnlyWhereTheDataWasRead) {
  const Outcome unread = run(negate(kHasInfection));
  EXPECT_EQ(unread.truth, Truth::Unknown) << "conditions not read";
  EXPECT_EQ(unread.note,
            "the patient's problem list could not be read, so an infection could not be checked");
  record_.markRead("Condition");
  EXPECT_EQ(run(kHasInfection).truth, Truth::Absent);
  EXPECT_EQ(run(kHasInfection).note, "no record of an infection in the problem list");
  EXPECT_EQ(run(negate(kHasInfection)).truth, Truth::True);
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-10-01"));
  const Outcome found = run(negate(kHasInfection));
  EXPECT_EQ(found.truth, Truth::False);
  EXPECT_EQ(found.evidence, std::vector<std::string>{"Condition/c1"});
}

TEST_F(RulesTest, InactiveRefutedAndFutureConditionsDoNotCount) {
  record_.markRead("Condition");
  auto resolved = resource("Condition", "c1", kIcd, "A41.9", "2025-01-01");
  resolved.clinical_status = "resolved";
  auto refuted = resource("Condition", "c2", kIcd, "A41.9", "2025-01-01");
  refuted.verification_status = "refuted";
  auto future = resource("Condition", "c3", kIcd, "A41.9", "2025-12-01");
  future.end.reset();
  record_.add(resolved);
  record_.add(refuted);
  record_.add(future);
  EXPECT_EQ(run(kHasInfection).truth, Truth::Absent);
}

TEST_F(RulesTest, AllAndAnyFollowFourValuedPrecedence) {
  record_.markRead("Condition");
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-10-01"));
  const std::string found = kHasInfection; // True
  const std::string unread =               // Unknown: Devices not read
      R"({"has": {"types": ["Device"], "value_sets": ["infection"], "looks_for": "a device"}})";
  const std::string absent = // Absent: no such code
      R"({"has": {"types": ["Condition"], "value_sets": ["therapy"], "looks_for": "therapy"}})";
  const auto all = [](const std::vector<std::string>& children) {
    std::string list;
    for (const auto& child : children) {
      list += (list.empty() ? "" : ",") + child;
    }
    return R"({"all": [)" + list + "]}";
  };
  const auto any = [&](const std::vector<std::string>& children) {
    std::string tree = all(children);
    return tree.replace(2, 3, "any");
  };
  EXPECT_EQ(run(all({found, absent})).truth, Truth::Absent);
  EXPECT_EQ(run(all({found, unread, absent})).truth, Truth::Unknown);
  EXPECT_EQ(run(all({found, negate(found), unread})).truth, Truth::False);
  EXPECT_EQ(run(any({absent, unread})).truth, Truth::Unknown);
  EXPECT_EQ(run(any({absent, negate(found)})).truth, Truth::Absent);
  EXPECT_EQ(run(any({unread, found})).truth, Truth::True);
}

TEST_F(RulesTest, HasWithOnsetNeedsTheConditionToBeOldEnough) {
  record_.markRead("Condition");
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-06-01"));
  const std::string rule = R"({"has": {"types": ["Condition"], "value_sets": ["infection"],
                                         "onset_at_least_months": 6, "looks_for": "an infection"}})";
  EXPECT_EQ(run(rule).truth, Truth::Absent) << "onset 2025-06-01 is under 6 months before 2025-11-20";
  record_.add(resource("Condition", "c2", kIcd, "A41.9", "2025-05-19"));
  EXPECT_EQ(run(rule).truth, Truth::True);
}

std::string therapyRule(int min_months) {
  return R"({"therapy_duration": {"types": ["Procedure"], "value_sets": ["therapy"], "within_months": 12,
                                  "looks_for": "therapy", "min_months": )" +
         std::to_string(min_months) + "}}";
}

TEST_F(RulesTest, TherapyDurationMergesSessionsAndPeriodsWithoutDoubleCounting) {
  record_.markRead("Procedure");
  // Weekly sessions from 2025-01-06 for 13 weeks: about 3 months.
  fhir::Date session = *fhir::Date::parse("2025-01-06");
  for (int week = 0; week < 13; ++week, session = session.addDays(7)) {
    auto visit = resource("Procedure", "p" + std::to_string(week), kCptSystem, "97110", nullptr);
    visit.start = session.startSeconds();
    visit.end = session.endSeconds();
    record_.add(visit);
  }
  EXPECT_EQ(run(therapyRule(6)).truth, Truth::Absent);
  EXPECT_EQ(run(therapyRule(2)).truth, Truth::True) << "85 days";
  // A period overlapping those sessions adds only the days they did not cover.
  auto course = resource("Procedure", "course", kCptSystem, "97110", nullptr);
  course.start = day("2025-02-01");
  course.end = day("2025-07-10");
  record_.add(course);
  const Outcome outcome = run(therapyRule(6));
  EXPECT_EQ(outcome.truth, Truth::True) << outcome.note;
  EXPECT_NE(outcome.note.find("2025-01-06 to 2025-07-09"), std::string::npos) << outcome.note;
}

TEST_F(RulesTest, TherapyOutsideTheWindowDoesNotCount) {
  record_.markRead("Procedure");
  auto old_course = resource("Procedure", "old", kCptSystem, "97110", nullptr);
  old_course.start = day("2023-01-01");
  old_course.end = day("2024-06-01");
  record_.add(old_course);
  EXPECT_EQ(run(therapyRule(6)).truth, Truth::Absent);
}

constexpr const char* kPainRule =
    R"({"pain_reduction": {"trial_value_sets": ["trial"], "score_value_sets": ["pain"],
                                                        "looks_for": "pain reduction"}})";

TEST_F(RulesTest, PainReductionComparesBaselineWithBestScoreAfterTheTrial) {
  record_.markRead("Procedure");
  record_.add(resource("Procedure", "trial", kCptSystem, "62324", "2025-10-01"));
  EXPECT_EQ(run(kPainRule).truth, Truth::Unknown) << "no scores";
  auto score = [&](const char* id, const char* date, double value) {
    auto observation = resource("Observation", id, kLoincSystem, "72514-3", date);
    observation.value = value;
    record_.add(observation);
  };
  score("old", "2025-06-01", 2); // too early to be the baseline
  score("before", "2025-09-29", 8);
  score("during", "2025-10-01", 5);
  EXPECT_EQ(run(kPainRule).truth, Truth::False) << "37.5% < 50%";
  score("after", "2025-10-03", 4);
  const Outcome outcome = run(kPainRule);
  EXPECT_EQ(outcome.truth, Truth::True) << outcome.note;
  EXPECT_EQ(outcome.evidence,
            (std::vector<std::string>{"Procedure/trial", "Observation/before", "Observation/after"}));
  score("late", "2025-10-20", 0); // beyond the follow-up days: not part of the trial
  EXPECT_NE(run(kPainRule).note.find("50% reduction"), std::string::npos);
}

// A finished response of patient p1, answering `link_id`, authored on `date`, in questionnaire `canonical`.
fhir::Resource attestation(const char* id, const std::string& link_id, bool answer, const char* date,
                           const std::string& canonical = "urn:pumpcds:questionnaire:p-permanent|abc") {
  auto response = resource("QuestionnaireResponse", id, "", "", date);
  response.status = "completed";
  response.patient_reference = "Patient/p1";
  response.questionnaire = canonical;
  response.answers = {{"policy/OTHER", true, ""}, {link_id, answer, ""}};
  return response;
}

TEST_F(RulesTest, DocumentedIsMetOnlyByAnAttestationOrATypedDocument) {
  const std::string rule = R"({"documented": {"looks_for": "life expectancy"}})";
  EXPECT_EQ(run(rule).truth, Truth::Unknown);
  record_.add(attestation("q1", "policy/X", false, "2025-11-01"));
  EXPECT_EQ(run(rule).truth, Truth::False) << "a denying answer shows the opposite";
  record_.add(attestation("q2", "policy/X", true, "2025-11-10"));
  const Outcome changed = run(rule);
  EXPECT_EQ(changed.truth, Truth::True) << "the newest answer is the clinician's word: " << changed.note;
  EXPECT_EQ(changed.evidence, std::vector<std::string>{"QuestionnaireResponse/q2"});
}

TEST_F(RulesTest, AnAttestationCountsOnlyFromAFinishedRecentResponseToTheDecidingPolicysQuestionnaire) {
  const RulePtr documented = rule(R"({"documented": {"looks_for": "life expectancy"}})");
  Policy policy;
  policy.id = "p";
  policy.kinds = {OrderKind::Trial, OrderKind::Permanent};
  const auto judge = [&](const fhir::Resource& response) {
    fhir::PatientRecord record;
    record.add(response);
    const RuleContext context{record,     draft_orders_, *fhir::Date::parse("2025-11-20"),
                              "policy/X", nullptr,       &policy};
    return documented->evaluate(context);
  };
  EXPECT_EQ(judge(attestation("ok", "policy/X", true, "2025-11-20")).truth, Truth::True);
  EXPECT_EQ(
      judge(attestation("trial", "policy/X", true, "2025-09-01", "urn:pumpcds:questionnaire:p-trial")).truth,
      Truth::True)
      << "an answer given for the trial holds for the permanent implant, whatever the version";
  EXPECT_EQ(judge(attestation("edge", "policy/X", true, "2025-08-22")).truth, Truth::True) << "90 days back";

  const auto refused = [&](fhir::Resource response, const std::string& why) {
    const Outcome outcome = judge(response);
    EXPECT_EQ(outcome.truth, Truth::Unknown) << response.id;
    EXPECT_NE(outcome.note.find("QuestionnaireResponse/" + response.id + " (" + why), std::string::npos)
        << "the clinician is told why their answer did not count: " << outcome.note;
  };
  auto withdrawn = attestation("withdrawn", "policy/X", true, "2025-11-20");
  withdrawn.status = "entered-in-error";
  refused(withdrawn, "entered in error");
  auto unfinished = attestation("unfinished", "policy/X", true, "2025-11-20");
  unfinished.status = "in-progress";
  refused(unfinished, "it is in-progress, not completed");
  auto amended = attestation("amended", "policy/X", true, "2025-11-20");
  amended.status = "amended";
  EXPECT_EQ(judge(amended).truth, Truth::True);
  auto nobody = attestation("nobody", "policy/X", true, "2025-11-20");
  nobody.patient_reference.clear();
  refused(nobody, "it names no patient");
  refused(attestation("other", "policy/X", true, "2025-11-20", "urn:pumpcds:questionnaire:q-permanent"),
          "it answers urn:pumpcds:questionnaire:q-permanent, not a questionnaire of p");
  refused(attestation("bare", "policy/X", true, "2025-11-20", ""), "it answers no questionnaire");
  refused(attestation("old", "policy/X", true, "2025-08-21"), "it is from 2025-08-21, more than 90 days");
  EXPECT_EQ(judge(attestation("after", "policy/X", true, "2026-02-18")).truth, Truth::True)
      << "completed once the order was drafted (DTR), within 90 days";
  refused(attestation("later", "policy/X", true, "2026-02-19"),
          "it is from 2026-02-19, more than 90 days after");
  auto undated = attestation("undated", "policy/X", true, "2025-11-20");
  undated.start.reset();
  refused(undated, "it is not dated");
}

TEST_F(RulesTest, AnotherPatientsAttestationIsDroppedAndSaid) {
  record_.setPatient("p1");
  auto response = attestation("theirs", "policy/X", true, "2025-11-20");
  response.patient_reference = "Patient/p2";
  record_.add(response);
  EXPECT_EQ(run(R"({"documented": {"looks_for": "life expectancy"}})").truth, Truth::Unknown);
  const auto issues = record_.issues();
  ASSERT_EQ(issues.size(), 1U);
  EXPECT_NE(issues.front().find("QuestionnaireResponse"), std::string::npos) << issues.front();
}

TEST_F(RulesTest, LatestValueUsesOnlyTheNewestMeasurement) {
  const std::string rule = R"({"latest_value": {"value_sets": ["bmi"], "within_months": 12, "below": 18.5,
                                                  "looks_for": "a BMI"}})";
  record_.markRead("Observation");
  EXPECT_EQ(run(rule).truth, Truth::Unknown) << "no BMI: body size cannot be judged";
  auto measure = [&](const char* id, const char* date, double value) {
    auto observation = resource("Observation", id, kLoincSystem, "39156-5", date);
    observation.value = value;
    record_.add(observation);
  };
  measure("old", "2025-01-01", 17);
  measure("new", "2025-09-01", 22);
  EXPECT_EQ(run(rule).truth, Truth::False);
}

// "N months" is calendar months everywhere, with the same day of the month (or the month's last day).
TEST(MonthsBefore, IsCalendarMonthsClampedToTheMonthsLastDay) {
  EXPECT_EQ(monthsBefore(*fhir::Date::parse("2025-11-20"), 6).toString(), "2025-05-20");
  EXPECT_EQ(monthsBefore(*fhir::Date::parse("2025-08-31"), 6).toString(), "2025-02-28");
  EXPECT_EQ(monthsBefore(*fhir::Date::parse("2024-08-31"), 6).toString(), "2024-02-29");
  EXPECT_EQ(monthsBefore(*fhir::Date::parse("2025-03-31"), 3).toString(), "2024-12-31");
}

TEST_F(RulesTest, SixMonthsOfTherapyIsSixCalendarMonthsToTheExactDay) {
  record_.markRead("Procedure");
  const auto course = [&](const char* first, const char* last) {
    record_ = fhir::PatientRecord();
    record_.markRead("Procedure");
    auto therapy = resource("Procedure", "course", kCptSystem, "97110", nullptr);
    therapy.start = day(first);
    therapy.end = day(last) + fhir::kSecondsPerDay; // through the last day
    record_.add(therapy);
    return run(therapyRule(6)).truth;
  };
  EXPECT_EQ(course("2025-05-20", "2025-11-19"), Truth::True) << "184 days: 6 calendar months";
  EXPECT_EQ(course("2025-05-21", "2025-11-19"), Truth::Absent) << "one day short";
  EXPECT_EQ(course("2025-03-01", "2025-08-31"), Truth::True) << "to a month's end: from the 1st";
  EXPECT_EQ(course("2025-03-02", "2025-08-31"), Truth::Absent);
}

TEST_F(RulesTest, WindowsAndOnsetsCountCalendarMonthsToTheExactDay) {
  record_.markRead("Condition");
  const std::string onset6 = R"({"has": {"types": ["Condition"], "value_sets": ["infection"],
                                         "onset_at_least_months": 6, "looks_for": "an infection"}})";
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-05-21"));
  EXPECT_EQ(run(onset6).truth, Truth::Absent) << "2025-05-21 is not yet 6 months before 2025-11-20";
  record_.add(resource("Condition", "c2", kIcd, "A41.9", "2025-05-20"));
  EXPECT_EQ(run(onset6).truth, Truth::True) << "2025-05-20 is exactly 6 months before";

  const std::string within3 = R"({"latest_value": {"value_sets": ["bmi"], "within_months": 3, "below": 18.5,
                                                  "looks_for": "a BMI"}})";
  record_.markRead("Observation");
  auto bmi = resource("Observation", "bmi", kLoincSystem, "39156-5", "2025-08-19");
  bmi.value = 17;
  record_.add(bmi);
  EXPECT_EQ(run(within3).truth, Truth::Unknown) << "2025-08-19 is before the last 3 months";
  bmi.id = "bmi2";
  bmi.start = day("2025-08-20");
  bmi.end = day("2025-08-21");
  record_.add(bmi);
  EXPECT_EQ(run(within3).truth, Truth::True) << "2025-08-20 is within the last 3 months";
}

} // namespace
} // namespace pumpcds::policy
