// The evidence rules and the all/any/not tree, on small records built in the test.
#include <gtest/gtest.h>

#include "policies/rules.h"
#include "policies/value_set.h"

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

class RulesTest : public ::testing::Test {
protected:
  RulesTest() {
    infection_.addCode({kIcd, "A41.9", ""});
    therapy_.addCode({kCptSystem, "97110", ""});
    trial_.addCode({kCptSystem, "62324", ""});
    pain_.addCode({kLoincSystem, "72514-3", ""});
  }

  Outcome run(const Rule& rule) {
    const RuleContext context{record_, draft_orders_, *fhir::Date::parse("2025-11-20"), "policy/X"};
    return evaluateRule(rule, context);
  }

  Rule hasInfection() {
    Rule rule;
    rule.kind = RuleKind::Has;
    rule.types = {"Condition"};
    rule.value_sets = {&infection_};
    rule.looks_for = "an infection";
    return rule;
  }

  static Rule negate(Rule child) {
    Rule rule;
    rule.kind = RuleKind::Not;
    rule.children.push_back(std::move(child));
    return rule;
  }

  fhir::PatientRecord record_;
  std::vector<fhir::Resource> draft_orders_;
  ValueSet infection_, therapy_, trial_, pain_;
};

TEST_F(RulesTest, AbsenceProvesNoXOnlyWhereTheDataWasRead) {
  EXPECT_EQ(run(negate(hasInfection())).truth, Truth::Unknown) << "conditions not read";
  record_.markRead("Condition");
  EXPECT_EQ(run(hasInfection()).truth, Truth::Absent);
  EXPECT_EQ(run(negate(hasInfection())).truth, Truth::True);
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-10-01"));
  const Outcome found = run(negate(hasInfection()));
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
  EXPECT_EQ(run(hasInfection()).truth, Truth::Absent);
}

TEST_F(RulesTest, AllAndAnyFollowFourValuedPrecedence) {
  record_.markRead("Condition");
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-10-01"));
  Rule found = hasInfection();  // True
  Rule unread = hasInfection(); // Unknown: Devices not read
  unread.types = {"Device"};
  Rule absent = hasInfection(); // Absent: no such code
  absent.value_sets = {&therapy_};
  Rule all;
  all.kind = RuleKind::All;
  all.children = {found, absent};
  EXPECT_EQ(run(all).truth, Truth::Absent);
  all.children = {found, unread, absent};
  EXPECT_EQ(run(all).truth, Truth::Unknown);
  all.children = {found, negate(found), unread};
  EXPECT_EQ(run(all).truth, Truth::False);
  Rule any;
  any.kind = RuleKind::Any;
  any.children = {absent, unread};
  EXPECT_EQ(run(any).truth, Truth::Unknown);
  any.children = {absent, negate(found)};
  EXPECT_EQ(run(any).truth, Truth::Absent);
  any.children = {unread, found};
  EXPECT_EQ(run(any).truth, Truth::True);
}

TEST_F(RulesTest, HasWithOnsetNeedsTheConditionToBeOldEnough) {
  record_.markRead("Condition");
  record_.add(resource("Condition", "c1", kIcd, "A41.9", "2025-06-01"));
  Rule rule = hasInfection();
  rule.min_months = 6;
  EXPECT_EQ(run(rule).truth, Truth::Absent) << "onset 2025-06-01 is under 6 months before 2025-11-20";
  record_.add(resource("Condition", "c2", kIcd, "A41.9", "2025-05-19"));
  EXPECT_EQ(run(rule).truth, Truth::True);
}

Rule therapyRule(const ValueSet* set, int min_months) {
  Rule rule;
  rule.kind = RuleKind::TherapyDuration;
  rule.types = {"Procedure"};
  rule.value_sets = {set};
  rule.min_months = min_months;
  rule.within_months = 12;
  rule.looks_for = "therapy";
  return rule;
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
  EXPECT_EQ(run(therapyRule(&therapy_, 6)).truth, Truth::Absent);
  EXPECT_EQ(run(therapyRule(&therapy_, 2)).truth, Truth::True) << "85 days";
  // A period overlapping those sessions adds only the days they did not cover.
  auto course = resource("Procedure", "course", kCptSystem, "97110", nullptr);
  course.start = day("2025-02-01");
  course.end = day("2025-07-10");
  record_.add(course);
  const Outcome outcome = run(therapyRule(&therapy_, 6));
  EXPECT_EQ(outcome.truth, Truth::True) << outcome.note;
  EXPECT_NE(outcome.note.find("2025-01-06 to 2025-07-09"), std::string::npos) << outcome.note;
}

TEST_F(RulesTest, TherapyOutsideTheWindowDoesNotCount) {
  record_.markRead("Procedure");
  auto old_course = resource("Procedure", "old", kCptSystem, "97110", nullptr);
  old_course.start = day("2023-01-01");
  old_course.end = day("2024-06-01");
  record_.add(old_course);
  EXPECT_EQ(run(therapyRule(&therapy_, 6)).truth, Truth::Absent);
}

Rule painRule(const ValueSet* trial, const ValueSet* pain) {
  Rule rule;
  rule.kind = RuleKind::PainReduction;
  rule.value_sets = {trial};
  rule.score_sets = {pain};
  rule.looks_for = "pain reduction";
  return rule;
}

TEST_F(RulesTest, PainReductionComparesBaselineWithBestScoreAfterTheTrial) {
  record_.markRead("Procedure");
  record_.add(resource("Procedure", "trial", kCptSystem, "62324", "2025-10-01"));
  EXPECT_EQ(run(painRule(&trial_, &pain_)).truth, Truth::Unknown) << "no scores";
  auto score = [&](const char* id, const char* date, double value) {
    auto observation = resource("Observation", id, kLoincSystem, "72514-3", date);
    observation.value = value;
    record_.add(observation);
  };
  score("old", "2025-06-01", 2); // too early to be the baseline
  score("before", "2025-09-29", 8);
  score("during", "2025-10-01", 5);
  EXPECT_EQ(run(painRule(&trial_, &pain_)).truth, Truth::False) << "37.5% < 50%";
  score("after", "2025-10-03", 4);
  const Outcome outcome = run(painRule(&trial_, &pain_));
  EXPECT_EQ(outcome.truth, Truth::True) << outcome.note;
  EXPECT_EQ(outcome.evidence,
            (std::vector<std::string>{"Procedure/trial", "Observation/before", "Observation/after"}));
  score("late", "2025-10-20", 0); // beyond the follow-up days: not part of the trial
  EXPECT_NE(run(painRule(&trial_, &pain_)).note.find("50% reduction"), std::string::npos);
}

TEST_F(RulesTest, DocumentedIsMetOnlyByAnAttestationOrATypedDocument) {
  Rule rule;
  rule.kind = RuleKind::Documented;
  rule.looks_for = "life expectancy";
  EXPECT_EQ(run(rule).truth, Truth::Unknown);
  fhir::Resource response;
  response.type = "QuestionnaireResponse";
  response.id = "q1";
  response.status = "completed";
  response.answers = {{"policy/OTHER", true, ""}, {"policy/X", false, ""}};
  record_.add(response);
  EXPECT_EQ(run(rule).truth, Truth::False) << "a denying answer shows the opposite";
  fhir::PatientRecord fresh;
  response.answers = {{"policy/X", true, ""}};
  response.status = "in-progress";
  fresh.add(response);
  record_ = fresh;
  EXPECT_EQ(run(rule).truth, Truth::Unknown) << "an unfinished questionnaire attests nothing";
}

TEST_F(RulesTest, LatestValueUsesOnlyTheNewestMeasurement) {
  ValueSet bmi;
  bmi.addCode({kLoincSystem, "39156-5", ""});
  Rule rule;
  rule.kind = RuleKind::LatestValue;
  rule.value_sets = {&bmi};
  rule.within_months = 12;
  rule.below = 18.5;
  rule.looks_for = "a BMI";
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

} // namespace
} // namespace pumpcds::policy
