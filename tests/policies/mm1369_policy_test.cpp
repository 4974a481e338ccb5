// CareSource NC MM-1369, tested from the text of seed 001: for each path a patient who meets every
// criterion, and one variation per criterion that takes away (or contradicts) just that criterion.
#include <functional>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "tests/support/request_builder.h"

namespace pumpcds {
namespace {

using testing::kCpt;
using testing::kIcd10;
using testing::kLoinc;
using testing::kRxNorm;
using testing::kSnomed;
using testing::RequestBuilder;

constexpr const char* kPolicy = "caresource-nc-mm-1369/";

struct Path {
  std::string name;
  std::string cpt;
  bool malignant;
  bool permanent;
};

const std::vector<Path>& paths() {
  static const std::vector<Path> kPaths = {
      {"trial, malignant", "62324", true, false},
      {"permanent, malignant", "62362", true, true},
      {"trial, non-malignant", "62326", false, false},
      {"permanent, non-malignant", "62362", false, true},
  };
  return kPaths;
}

std::set<std::string> expectedLabels(const Path& path) {
  std::set<std::string> labels = {"I.A",  "I.B",  "I.C",  "I.D",  "I.E",  "I.F",  "VI.A",
                                  "VI.B", "VI.C", "VI.D", "VI.E", "VI.F", "VI.G", "VII"};
  if (path.malignant) {
    labels.insert({"II.A", "II.B", "II.C", "II.D.1", "II.D.2", "II.D.3"});
    if (path.permanent) {
      labels.insert("III");
    }
  } else {
    labels.insert({"IV.A", "IV.B", "IV.C", "IV.D.1", "IV.D.2", "IV.E", "IV.F", "IV.G", "IV.H.1", "IV.H.2"});
    if (path.permanent) {
      labels.insert("V");
    }
  }
  return labels;
}

/// A record that meets every criterion of its path; each field can be taken away by a variation.
struct PatientSpec {
  std::set<std::string> attested = {"I.A",  "I.C",  "I.D",  "I.E",  "II.A", "II.C",
                                    "IV.B", "IV.F", "VI.C", "VI.D", "VI.F"};
  std::string chronic_pain_onset = "2023-01-15";
  bool pathology = true;
  bool drug_test = true;
  int therapy_weeks = 40;
  bool nsaid = true;
  bool opioid_history = true;
  bool opioid_side_effect = true;
  double bmi = 27;
  bool trial = true;
  double post_trial_pain = 3; // from 8 before the trial
  std::string drug = "7052";
  bool specialist_note = true;
  bool psych_note = true;
  std::vector<std::function<void(RequestBuilder&)>> extra;
};

RequestBuilder build(const Path& path, const PatientSpec& spec) {
  RequestBuilder request;
  request.pumpOrder(path.cpt, "2025-11-20");
  if (!spec.drug.empty()) {
    request.drugOrder(spec.drug);
  }
  request.condition(kSnomed, "82423001", spec.chronic_pain_onset);
  if (spec.pathology) {
    request.condition(kIcd10, "M54.16", "2023-01-15");
  }
  if (path.malignant) {
    request.condition(kIcd10, "C50.911", "2024-05-01");
  }
  if (spec.drug_test) {
    request.observationResult("3394-4", "2025-10-15", "NEG");
  }
  request.weeklyProcedures(kCpt, "97110", "2025-01-06", spec.therapy_weeks);
  if (spec.nsaid) {
    request.medicationStatement("197806", "2025-01-01", "2025-11-15");
  }
  if (spec.opioid_history) {
    request.medicationRequest("1049621", "2025-03-01");
  }
  if (spec.opioid_side_effect) {
    request.condition(kIcd10, "K59.03", "2025-04-01");
  }
  if (spec.bmi > 0) {
    request.observationValue("39156-5", "2025-10-01", spec.bmi);
  }
  if (path.permanent && spec.trial) {
    request.procedure(kCpt, "62324", "2025-10-01");
    request.observationValue("72514-3", "2025-09-30", 8);
    if (spec.post_trial_pain >= 0) {
      request.observationValue("72514-3", "2025-10-02", spec.post_trial_pain);
    }
  }
  if (spec.specialist_note) {
    request.document("78567-5", "2025-08-01");
  }
  if (spec.psych_note) {
    request.document("34788-0", "2025-07-01");
  }
  // What the clinician answered in the policy's questionnaire (answers count from any of its order kinds').
  request.answering(std::string(policy::kQuestionnaireCanonicalBase) + "caresource-nc-mm-1369-permanent");
  for (const auto& label : spec.attested) {
    request.attest(kPolicy + label);
  }
  request.none("AllergyIntolerance").none("Device");
  for (const auto& add : spec.extra) {
    add(request);
  }
  return request;
}

class Mm1369Test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto library = policy::PolicyLibrary::loadBundled();
    ASSERT_TRUE(library.isOk()) << library.status().message();
    library_ = library.value();
  }
  static void TearDownTestSuite() { library_.reset(); }

  policy::OrderDetermination evaluate(const RequestBuilder& request) {
    hooks::HookService service(library_, std::make_unique<cards::SequentialUuidSource>());
    auto outcome = service.handle("pumpcds-order-sign", request.json());
    EXPECT_TRUE(outcome.isOk()) << outcome.status().message();
    if (!outcome.isOk() || outcome.value().determination.orders.size() != 1) {
      ADD_FAILURE() << "expected exactly one pump order";
      return {};
    }
    return outcome.value().determination.orders.front();
  }

  static std::map<std::string, std::string> statuses(const policy::OrderDetermination& order) {
    std::map<std::string, std::string> out;
    for (const auto& result : order.criteria) {
      out[result.criterion->label] = std::string(policy::toString(result.status));
    }
    return out;
  }

  static policy::PolicyLibrary::Ptr library_;
};

policy::PolicyLibrary::Ptr Mm1369Test::library_;

TEST_F(Mm1369Test, PatientMeetingEveryCriterionIsCompleteOnEachPath) {
  for (const auto& path : paths()) {
    SCOPED_TRACE(path.name);
    const auto order = evaluate(build(path, {}));
    ASSERT_NE(order.policy, nullptr);
    EXPECT_EQ(order.policy->id, "caresource-nc-mm-1369");
    EXPECT_EQ(order.origin, path.malignant ? policy::Origin::Malignant : policy::Origin::NonMalignant);
    std::set<std::string> labels;
    for (const auto& [label, status] : statuses(order)) {
      labels.insert(label);
      EXPECT_EQ(status, "met") << label;
    }
    EXPECT_EQ(labels, expectedLabels(path));
    EXPECT_EQ(order.decision, policy::Decision::Complete);
  }
}

struct Variation {
  std::string name;
  std::function<bool(const Path&)> applies;
  std::function<void(PatientSpec&)> change;
  std::map<std::string, std::string> expected; // label -> status; every other criterion stays met
};

bool any(const Path&) {
  return true;
}
bool malignant(const Path& path) {
  return path.malignant;
}
bool nonMalignant(const Path& path) {
  return !path.malignant;
}
bool permanent(const Path& path) {
  return path.permanent;
}

void addCondition(PatientSpec& spec, std::string_view system, const char* code) {
  spec.extra.emplace_back([=](RequestBuilder& request) { request.condition(system, code, "2025-09-01"); });
}

std::vector<Variation> variations() {
  std::vector<Variation> out;
  for (const char* label : {"I.A", "I.C", "I.D", "I.E", "VI.C", "VI.F"}) {
    out.push_back({std::string("no attestation of ") + label,
                   any,
                   [label](PatientSpec& spec) { spec.attested.erase(label); },
                   {{label, "missing"}}});
  }
  for (const char* label : {"II.A", "II.C"}) {
    out.push_back({std::string("no attestation of ") + label,
                   malignant,
                   [label](PatientSpec& spec) { spec.attested.erase(label); },
                   {{label, "missing"}}});
  }
  for (const char* label : {"IV.B", "IV.F"}) {
    out.push_back({std::string("no attestation of ") + label,
                   nonMalignant,
                   [label](PatientSpec& spec) { spec.attested.erase(label); },
                   {{label, "missing"}}});
  }
  out.push_back({"no drug order for the pump",
                 any,
                 [](PatientSpec& spec) { spec.drug.clear(); },
                 {{"I.B", "missing"}, {"VI.E", "missing"}}});
  out.push_back({"hydromorphone is not FDA-approved intrathecally",
                 any,
                 [](PatientSpec& spec) { spec.drug = "3423"; },
                 {{"I.B", "unmet"}}});
  out.push_back({"no specialist consult note",
                 any,
                 [](PatientSpec& spec) { spec.specialist_note = false; },
                 {{"I.F", "missing"}}});
  out.push_back({"no coded opioid side effect",
                 any,
                 [](PatientSpec& spec) { spec.opioid_side_effect = false; },
                 {{"II.B", "missing"}, {"IV.G", "missing"}}});
  out.push_back({"no systemic opioid therapy on record",
                 any,
                 [](PatientSpec& spec) { spec.opioid_history = false; },
                 {{"II.B", "missing"}, {"IV.G", "missing"}}});
  out.push_back({"epidural metastasis on record",
                 malignant,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "C79.49"); },
                 {{"II.C", "unmet"}}});
  out.push_back({"vertebral osteomyelitis (local infection)",
                 any,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "M46.26"); },
                 {{"II.D.1", "unmet"}, {"VI.A", "unmet"}}});
  out.push_back({"sepsis",
                 any,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "A41.9"); },
                 {{"II.D.2", "unmet"}, {"VI.A", "unmet"}}});
  out.push_back({"coagulopathy",
                 malignant,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "D68.9"); },
                 {{"II.D.3", "unmet"}}});
  out.push_back({"trial gave only 25% relief",
                 permanent,
                 [](PatientSpec& spec) { spec.post_trial_pain = 6; },
                 {{"III", "unmet"}, {"V", "unmet"}}});
  out.push_back({"no pain score after the trial",
                 permanent,
                 [](PatientSpec& spec) { spec.post_trial_pain = -1; },
                 {{"III", "missing"}, {"V", "missing"}}});
  out.push_back({"no trial on record",
                 permanent,
                 [](PatientSpec& spec) { spec.trial = false; },
                 {{"III", "missing"}, {"V", "missing"}}});
  out.push_back({"pain for only 2 months",
                 nonMalignant,
                 [](PatientSpec& spec) {
                   spec.chronic_pain_onset = "2025-09-20";
                   spec.pathology = false;
                 },
                 {{"IV.A", "missing"}, {"IV.C", "missing"}}});
  out.push_back({"no pain pathology identified",
                 nonMalignant,
                 [](PatientSpec& spec) { spec.pathology = false; },
                 {{"IV.C", "missing"}}});
  out.push_back({"opioid use disorder",
                 nonMalignant,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "F11.20"); },
                 {{"IV.D.1", "unmet"}}});
  out.push_back({"no drug test in 3 months",
                 nonMalignant,
                 [](PatientSpec& spec) { spec.drug_test = false; },
                 {{"IV.D.2", "missing"}}});
  out.push_back({"cocaine-positive drug test only",
                 nonMalignant,
                 [](PatientSpec& spec) {
                   spec.drug_test = false;
                   spec.extra.emplace_back([](RequestBuilder& request) {
                     request.observationResult("3394-4", "2025-10-15", "POS");
                   });
                 },
                 {{"IV.D.2", "unmet"}}});
  out.push_back({"drug test older than 3 months",
                 nonMalignant,
                 [](PatientSpec& spec) {
                   spec.drug_test = false;
                   spec.extra.emplace_back([](RequestBuilder& request) {
                     request.observationResult("3394-4", "2025-07-01", "NEG");
                   });
                 },
                 {{"IV.D.2", "missing"}}});
  out.push_back({"no psychological evaluation",
                 nonMalignant,
                 [](PatientSpec& spec) { spec.psych_note = false; },
                 {{"IV.E", "missing"}}});
  out.push_back({"only 3 months of physical therapy",
                 nonMalignant,
                 [](PatientSpec& spec) { spec.therapy_weeks = 13; },
                 {{"IV.H.1", "missing"}}});
  out.push_back({"no NSAID or TENS therapy",
                 nonMalignant,
                 [](PatientSpec& spec) { spec.nsaid = false; },
                 {{"IV.H.2", "missing"}}});
  out.push_back({"BMI 16", any, [](PatientSpec& spec) { spec.bmi = 16; }, {{"VI.B", "unmet"}}});
  out.push_back({"no BMI on record", any, [](PatientSpec& spec) { spec.bmi = 0; }, {{"VI.B", "missing"}}});
  out.push_back({"congenital spinal anomaly",
                 any,
                 [](PatientSpec& spec) { addCondition(spec, testing::kIcd10, "Q06.0"); },
                 {{"VI.D", "unmet"}}});
  out.push_back({"allergy to morphine",
                 any,
                 [](PatientSpec& spec) {
                   spec.extra.emplace_back([](RequestBuilder& request) { request.allergy("7052"); });
                 },
                 {{"VI.E", "unmet"}}});
  out.push_back({"cardiac pacemaker",
                 any,
                 [](PatientSpec& spec) {
                   spec.extra.emplace_back([](RequestBuilder& request) { request.device("14106009"); });
                 },
                 {{"VI.G", "unmet"}}});
  return out;
}

TEST_F(Mm1369Test, EachVariationChangesOnlyItsCriterion) {
  for (const auto& path : paths()) {
    for (const auto& variation : variations()) {
      if (!variation.applies(path)) {
        continue;
      }
      SCOPED_TRACE(path.name + ": " + variation.name);
      PatientSpec spec;
      variation.change(spec);
      const auto order = evaluate(build(path, spec));
      bool changed = false;
      for (const auto& [label, status] : statuses(order)) {
        const auto expected = variation.expected.find(label);
        const std::string want = expected == variation.expected.end() ? "met" : expected->second;
        EXPECT_EQ(status, want) << label;
        changed = changed || expected != variation.expected.end();
      }
      EXPECT_TRUE(changed) << "the variation touches no criterion on this path";
    }
  }
}

TEST_F(Mm1369Test, ContraindicationDecidesTheDecision) {
  PatientSpec spec;
  addCondition(spec, testing::kIcd10, "A41.9");
  spec.attested.erase("I.A"); // a missing item does not hide a contraindication
  const auto order = evaluate(build(paths()[3], spec));
  EXPECT_EQ(order.decision, policy::Decision::Contraindicated);
}

TEST_F(Mm1369Test, UnmetNonContraindicationIsNotCovered) {
  PatientSpec spec;
  addCondition(spec, testing::kIcd10, "F11.20");
  EXPECT_EQ(evaluate(build(paths()[2], spec)).decision, policy::Decision::NotCovered);
}

TEST_F(Mm1369Test, MissingItemGivesMissingDocumentation) {
  PatientSpec spec;
  spec.drug_test = false;
  EXPECT_EQ(evaluate(build(paths()[2], spec)).decision, policy::Decision::MissingDocumentation);
}

TEST_F(Mm1369Test, APrescribedOpioidFoundCountsAsNegative) {
  PatientSpec spec;
  spec.drug_test = false;
  spec.extra.emplace_back([](RequestBuilder& request) {
    request.observationResult("58430-0", "2025-10-15", "POS"); // oxycodone+oxymorphone screen positive
    request.medicationRequest("1049621", "2025-09-01");        // oxycodone 5 mg tablets prescribed
  });
  const auto order = evaluate(build(paths()[2], spec));
  EXPECT_EQ(statuses(order)["IV.D.2"], "met");
}

TEST_F(Mm1369Test, AnOpioidOtherThanThePrescribedOneIsPositive) {
  // On oxycodone only: an opiates screen (morphine, codeine, ...) or fentanyl found is not explained by it.
  for (const char* loinc : {"19295-5", "58379-9"}) {
    PatientSpec spec;
    spec.drug_test = false;
    spec.extra.emplace_back([loinc](RequestBuilder& request) {
      request.observationResult(loinc, "2025-10-15", "POS");
      request.medicationRequest("1049621", "2025-09-01");
    });
    const auto order = evaluate(build(paths()[2], spec));
    EXPECT_EQ(statuses(order)["IV.D.2"], "unmet") << loinc;
  }
}

TEST_F(Mm1369Test, OpioidFoundWithoutPrescriptionIsPositive) {
  PatientSpec spec;
  spec.drug_test = false;
  spec.opioid_history = false;
  spec.attested.insert("IV.G");
  spec.extra.emplace_back(
      [](RequestBuilder& request) { request.observationResult("19295-5", "2025-10-15", "POS"); });
  const auto order = evaluate(build(paths()[2], spec));
  EXPECT_EQ(statuses(order)["IV.D.2"], "unmet");
}

TEST_F(Mm1369Test, NoChronicPainDiagnosisLeavesIndicationMissing) {
  RequestBuilder request;
  request.pumpOrder("62326");
  const auto order = evaluate(request);
  const auto status = statuses(order);
  EXPECT_EQ(status.at("VII"), "missing");
  EXPECT_EQ(status.at("IV.A"), "missing");
  // Conditions were read and show none: the "no X" criteria are met by absence.
  EXPECT_EQ(status.at("VI.A"), "met");
  EXPECT_EQ(status.at("IV.D.1"), "met");
}

TEST_F(Mm1369Test, ConditionsNotReadLeaveOriginUnknownAndNoXCriteriaMissing) {
  const auto order = evaluate(build(paths()[0], {}).unread("Condition"));
  EXPECT_EQ(order.origin, policy::Origin::Unknown);
  const auto status = statuses(order);
  EXPECT_EQ(status.count("IV.A"), 1u) << "unknown origin reports the non-malignant path";
  EXPECT_EQ(status.at("VI.A"), "missing");
  EXPECT_EQ(status.at("IV.D.1"), "missing");
}

TEST_F(Mm1369Test, DevicesNotReadLeaveProgrammableDeviceMissing) {
  RequestBuilder request = build(paths()[2], {});
  const auto order = evaluate(request.unread("Device"));
  EXPECT_EQ(statuses(order).at("VI.G"), "missing");
}

TEST_F(Mm1369Test, RemovalIsHeldToSectionsOneAndSevenOnly) {
  const auto order = evaluate(build(Path{"removal", "62355", false, false}, {}));
  std::set<std::string> labels;
  for (const auto& [label, status] : statuses(order)) {
    labels.insert(label);
  }
  EXPECT_EQ(labels, (std::set<std::string>{"I.A", "I.B", "I.C", "I.D", "I.E", "I.F", "VII"}));
  EXPECT_EQ(order.order.kind, policy::OrderKind::Removal);
}

TEST_F(Mm1369Test, PolicyNotInForceBeforeItsEffectiveDate) {
  RequestBuilder request = build(paths()[2], {});
  request.pumpOrder("62326", "2025-05-31", "pump-2");
  hooks::HookService service(library_, std::make_unique<cards::SequentialUuidSource>());
  auto outcome = service.handle("pumpcds-order-sign", request.json());
  ASSERT_TRUE(outcome.isOk());
  ASSERT_EQ(outcome.value().determination.orders.size(), 2u);
  EXPECT_NE(outcome.value().determination.orders[0].policy, nullptr);
  EXPECT_EQ(outcome.value().determination.orders[1].policy, nullptr);
  EXPECT_EQ(outcome.value().determination.orders[1].decision, policy::Decision::NoPolicy);
}

TEST_F(Mm1369Test, OtherPayorOrStateHasNoPolicy) {
  for (const auto& [payor, state] : {std::pair{"Acme Health", "NC"}, std::pair{"CareSource", "OH"}}) {
    SCOPED_TRACE(std::string(payor) + " " + state);
    RequestBuilder request = build(paths()[2], {});
    request.coverage(payor).patientState(state);
    const auto order = evaluate(request);
    EXPECT_EQ(order.policy, nullptr);
    EXPECT_EQ(order.decision, policy::Decision::NoPolicy);
    ASSERT_FALSE(order.coverage_seen.empty());
    EXPECT_NE(order.coverage_seen.front().find(payor), std::string::npos);
  }
}

} // namespace
} // namespace pumpcds
