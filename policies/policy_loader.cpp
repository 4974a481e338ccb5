#include "policies/policy_loader.h"

#include "policies/rules.h"

#include <algorithm>
#include <set>

#include "policies/file_reader.h"

namespace pumpcds::policy {

using fhir::JsonValue;

namespace {

class PolicyReader {
public:
  PolicyReader(FileReader& reader, const ValueSetLibrary& value_sets) : in_(reader), sets_(value_sets) {}

  Rule readRule(const JsonValue* json, const std::string& pointer) {
    Rule rule;
    rule.pointer = pointer;
    if (json == nullptr || !json->IsObject() || json->MemberCount() != 1) {
      in_.fail(pointer,
               "a rule is an object with exactly one key: all, any, first_known, not, has, latest_value, "
               "negative_drug_test, therapy_duration, pain_reduction, documented, ordered_drug, "
               "allergy_to_ordered_drug");
      return rule;
    }
    const auto& only = *json->MemberBegin();
    const std::string kind(only.name.GetString(), only.name.GetStringLength());
    const std::string at = pointer + "/" + kind;
    const JsonValue& body = only.value;
    if (kind == "all" || kind == "any" || kind == "first_known") {
      rule.kind = kind == "all" ? RuleKind::All : kind == "any" ? RuleKind::Any : RuleKind::FirstKnown;
      if (!body.IsArray() || body.Empty()) {
        in_.fail(at, "expected a non-empty list of rules");
        return rule;
      }
      for (rapidjson::SizeType i = 0; i < body.Size(); ++i) {
        rule.children.push_back(readRule(&body[i], at + "/" + std::to_string(i)));
      }
    } else if (kind == "not") {
      rule.kind = RuleKind::Not;
      rule.children.push_back(readRule(&body, at));
    } else if (kind == "has") {
      rule.kind = RuleKind::Has;
      if (in_.checkObject(&body, at,
                          {"types", "value_sets", "within_months", "onset_at_least_months", "looks_for"})) {
        rule.types = in_.stringList(body, "types", at, true);
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.within_months = in_.optionalInt(body, "within_months", at, 1, 1200);
        rule.min_months = in_.optionalInt(body, "onset_at_least_months", at, 1, 1200);
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "latest_value") {
      rule.kind = RuleKind::LatestValue;
      if (in_.checkObject(
              &body, at,
              {"value_sets", "within_months", "below", "at_least", "min_age_years", "looks_for"})) {
        rule.types = {"Observation"};
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.within_months = in_.optionalInt(body, "within_months", at, 1, 1200);
        rule.min_age_years = in_.optionalInt(body, "min_age_years", at, 1, 150);
        rule.below = in_.optionalNumber(body, "below", at);
        rule.at_least = in_.optionalNumber(body, "at_least", at);
        if (!rule.below && !rule.at_least) {
          in_.fail(at, "give \"below\" or \"at_least\"");
        }
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "negative_drug_test") {
      rule.kind = RuleKind::NegativeDrugTest;
      if (in_.checkObject(&body, at,
                          {"value_sets", "within_months", "negative_results", "positive_results",
                           "expected_when_prescribed", "looks_for"})) {
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.negative_results = in_.valueSet(body, "negative_results", at, sets_);
        rule.positive_results = in_.valueSet(body, "positive_results", at, sets_);
        rule.within_months = in_.optionalInt(body, "within_months", at, 1, 1200);
        const JsonValue* expected = fhir::member(body, "expected_when_prescribed");
        rapidjson::SizeType index = 0;
        for (const JsonValue* pair : fhir::items(expected)) {
          const std::string pair_at = at + "/expected_when_prescribed/" + std::to_string(index++);
          if (in_.checkObject(pair, pair_at, {"tests", "medications"})) {
            rule.expected_positives.push_back({in_.valueSet(*pair, "tests", pair_at, sets_),
                                               in_.valueSet(*pair, "medications", pair_at, sets_)});
          }
        }
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "therapy_duration") {
      rule.kind = RuleKind::TherapyDuration;
      if (in_.checkObject(
              &body, at,
              {"types", "value_sets", "min_months", "within_months", "max_gap_days", "looks_for"})) {
        rule.types = in_.stringList(body, "types", at, true);
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.min_months = in_.optionalInt(body, "min_months", at, 1, 120);
        rule.within_months = in_.optionalInt(body, "within_months", at, 1, 1200);
        rule.max_gap_days = in_.optionalInt(body, "max_gap_days", at, 1, 365).value_or(rule.max_gap_days);
        if (!rule.min_months) {
          in_.fail(at + "/min_months", "missing, expected the months of therapy required");
        }
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "pain_reduction") {
      rule.kind = RuleKind::PainReduction;
      if (in_.checkObject(&body, at,
                          {"trial_value_sets", "score_value_sets", "min_percent", "baseline_days",
                           "followup_days", "looks_for"})) {
        rule.value_sets = in_.valueSets(body, "trial_value_sets", at, sets_, true);
        rule.score_sets = in_.valueSets(body, "score_value_sets", at, sets_, true);
        rule.min_percent = in_.optionalNumber(body, "min_percent", at).value_or(rule.min_percent);
        rule.baseline_days = in_.optionalInt(body, "baseline_days", at, 0, 365).value_or(rule.baseline_days);
        rule.followup_days = in_.optionalInt(body, "followup_days", at, 0, 365).value_or(rule.followup_days);
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "documented") {
      rule.kind = RuleKind::Documented;
      if (in_.checkObject(&body, at, {"document_types", "looks_for"})) {
        rule.document_sets = in_.valueSets(body, "document_types", at, sets_, false);
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "ordered_drug") {
      rule.kind = RuleKind::OrderedDrug;
      if (in_.checkObject(&body, at, {"value_sets", "routes", "candidates", "looks_for"})) {
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, false);
        rule.route_sets = in_.valueSets(body, "routes", at, sets_, false);
        if (const JsonValue* candidates = fhir::member(body, "candidates")) {
          const std::string where = at + "/candidates";
          if (in_.checkObject(candidates, where, {"value_sets", "routes"})) {
            rule.candidate_drug_sets = in_.valueSets(*candidates, "value_sets", where, sets_, false);
            rule.candidate_route_sets = in_.valueSets(*candidates, "routes", where, sets_, false);
          }
        }
        if (rule.value_sets.empty() && rule.route_sets.empty()) {
          in_.fail(at, "give value_sets (the drugs required) or routes (the routes required)");
        }
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "allergy_to_ordered_drug") {
      rule.kind = RuleKind::AllergyToOrderedDrug;
      if (in_.checkObject(&body, at, {"value_sets", "routes", "ingredients", "looks_for"})) {
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.route_sets = in_.valueSets(body, "routes", at, sets_, false);
        rule.ingredients = in_.valueSet(body, "ingredients", at, sets_);
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "order_is") {
      rule.kind = RuleKind::OrderIs;
      if (in_.checkObject(&body, at, {"kinds", "types", "value_sets", "looks_for"})) {
        readEnums(body, "kinds", at, parseOrderKind, rule.order_kinds);
        rule.types = in_.stringList(body, "types", at, false);
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, false);
        if (rule.order_kinds.empty() && rule.types.empty() && rule.value_sets.empty()) {
          in_.fail(at, "give kinds, types or value_sets");
        }
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else if (kind == "opioid_weaning") {
      rule.kind = RuleKind::OpioidWeaning;
      if (in_.checkObject(
              &body, at,
              {"value_sets", "strengths", "factors", "within_months", "min_percent", "looks_for"})) {
        rule.types = {"MedicationRequest", "MedicationStatement"};
        rule.value_sets = in_.valueSets(body, "value_sets", at, sets_, true);
        rule.strengths = in_.valueSet(body, "strengths", at, sets_);
        rule.factors = in_.valueSet(body, "factors", at, sets_);
        rule.within_months = in_.optionalInt(body, "within_months", at, 1, 120);
        rule.min_percent = in_.optionalNumber(body, "min_percent", at).value_or(rule.min_percent);
        rule.looks_for = in_.requiredString(body, "looks_for", at);
      }
    } else {
      in_.fail(at, "unknown rule kind '" + kind + "'");
    }
    return rule;
  }

  Criterion readCriterion(const JsonValue& json, const std::string& pointer, const std::string& policy_id,
                          const std::string& citation) {
    Criterion criterion;
    if (!in_.checkObject(&json, pointer,
                         {"label", "short", "text", "document", "applies", "contraindication", "role", "rule",
                          "source_text"})) {
      return criterion;
    }
    criterion.label = in_.requiredString(json, "label", pointer);
    criterion.id = policy_id + "/" + criterion.label;
    criterion.citation = citation + " " + criterion.label;
    criterion.short_name = in_.requiredString(json, "short", pointer);
    criterion.text = in_.requiredString(json, "text", pointer);
    criterion.document = in_.requiredString(json, "document", pointer);
    criterion.contraindication = in_.optionalBool(json, "contraindication", pointer).value_or(false);
    const std::string role = in_.optionalString(json, "role", pointer);
    if (role == "prior-auth") {
      criterion.role = CriterionRole::PriorAuth;
    } else if (!role.empty() && role != "requirement") {
      in_.fail(pointer + "/role", "unknown role '" + role + "', expected requirement or prior-auth");
    }
    if (const JsonValue* applies = fhir::member(json, "applies")) {
      const std::string at = pointer + "/applies";
      if (in_.checkObject(applies, at, {"kinds", "origins"})) {
        readEnums(*applies, "kinds", at, parseOrderKind, criterion.kinds);
        readEnums(*applies, "origins", at, parseOrigin, criterion.origins);
      }
    }
    criterion.rule = readRule(fhir::member(json, "rule"), pointer + "/rule");
    return criterion;
  }

  template <typename Enum, typename Parser>
  void readEnums(const JsonValue& object, std::string_view key, const std::string& pointer, Parser parse,
                 std::vector<Enum>& out) {
    const auto words = in_.stringList(object, key, pointer, false);
    for (size_t i = 0; i < words.size(); ++i) {
      if (auto parsed = parse(words[i])) {
        out.push_back(*parsed);
      } else {
        in_.fail(pointer + "/" + std::string(key) + "/" + std::to_string(i),
                 "unknown value '" + words[i] + "'");
      }
    }
  }

private:
  FileReader& in_;
  const ValueSetLibrary& sets_;
};

} // namespace

std::optional<Policy> loadPolicy(const std::string& file, const JsonValue& root,
                                 const ValueSetLibrary& value_sets, std::vector<std::string>& errors) {
  FileReader in(file, errors);
  const size_t errors_before = errors.size();
  if (!in.checkObject(&root, "",
                      {"id", "title", "publisher", "citation", "version", "url", "effective", "source",
                       "description", "kinds", "origin", "criteria", "prior_auth", "fees"})) {
    return std::nullopt;
  }
  PolicyReader reader(in, value_sets);
  Policy policy;
  policy.file = file;
  policy.id = in.requiredString(root, "id", "");
  policy.title = in.requiredString(root, "title", "");
  policy.publisher = in.requiredString(root, "publisher", "");
  policy.citation = in.requiredString(root, "citation", "");
  policy.version = in.requiredString(root, "version", "");
  policy.url = in.requiredString(root, "url", "");
  const JsonValue* effective = fhir::member(root, "effective");
  if (in.checkObject(effective, "/effective", {"start", "end"})) {
    if (auto start = in.optionalDate(*effective, "start", "/effective")) {
      policy.effective_start = *start;
    } else if (fhir::member(*effective, "start") == nullptr) {
      in.fail("/effective/start", "missing, expected a date YYYY-MM-DD");
    }
    policy.effective_end = in.optionalDate(*effective, "end", "/effective");
    if (policy.effective_end && *policy.effective_end < policy.effective_start) {
      in.fail("/effective/end", "ends before it starts");
    }
  }
  reader.readEnums(root, "kinds", "", parseOrderKind, policy.kinds);
  if (policy.kinds.empty()) {
    in.fail("/kinds", "expected at least one order kind the policy decides");
  }
  const JsonValue* origin = fhir::member(root, "origin");
  if (in.checkObject(origin, "/origin", {"malignant_value_sets"})) {
    policy.malignant_sets = in.valueSets(*origin, "malignant_value_sets", "/origin", value_sets, true);
  }
  const JsonValue* criteria = fhir::member(root, "criteria");
  if (criteria == nullptr || !criteria->IsArray() || criteria->Empty()) {
    in.fail("/criteria", "expected a non-empty list of criteria");
  } else {
    std::set<std::string> labels;
    for (rapidjson::SizeType i = 0; i < criteria->Size(); ++i) {
      const std::string pointer = "/criteria/" + std::to_string(i);
      Criterion criterion = reader.readCriterion((*criteria)[i], pointer, policy.id, policy.citation);
      if (!criterion.label.empty() && !labels.insert(criterion.label).second) {
        in.fail(pointer + "/label", "label '" + criterion.label + "' is used twice");
      }
      policy.criteria.push_back(std::move(criterion));
    }
  }
  if (const JsonValue* prior_auth = fhir::member(root, "prior_auth")) {
    if (in.checkObject(prior_auth, "/prior_auth", {"required_when", "exemptions", "not_required_when"})) {
      PriorAuthSpec spec{in.requiredString(*prior_auth, "required_when", "/prior_auth"),
                         in.stringList(*prior_auth, "exemptions", "/prior_auth", false),
                         in.stringList(*prior_auth, "not_required_when", "/prior_auth", false)};
      std::vector<std::pair<std::string, std::string>> named = {
          {"/prior_auth/required_when", spec.required_when}};
      for (const auto& label : spec.exemptions) {
        named.emplace_back("/prior_auth/exemptions", label);
      }
      for (const auto& label : spec.not_required_when) {
        named.emplace_back("/prior_auth/not_required_when", label);
      }
      for (const auto& entry : named) {
        const std::string& where = entry.first;
        const std::string& label = entry.second;
        const bool known =
            std::any_of(policy.criteria.begin(), policy.criteria.end(), [&label](const Criterion& c) {
              return c.label == label && c.role == CriterionRole::PriorAuth;
            });
        if (!label.empty() && !known) {
          in.fail(where, "'" + label + "' is not a criterion of this policy with role prior-auth");
        }
      }
      policy.prior_auth = std::move(spec);
    }
  }
  if (const JsonValue* fees = fhir::member(root, "fees")) {
    if (in.checkObject(fees, "/fees",
                       {"value_set", "compounding_fee", "kinds", "drug_value_sets", "routes"})) {
      FeeSchedule schedule;
      schedule.drugs = in.valueSet(*fees, "value_set", "/fees", value_sets);
      schedule.compounding_fee = in.optionalNumber(*fees, "compounding_fee", "/fees").value_or(0);
      reader.readEnums(*fees, "kinds", "/fees", parseOrderKind, schedule.kinds);
      schedule.drug_sets = in.valueSets(*fees, "drug_value_sets", "/fees", value_sets, true);
      schedule.route_sets = in.valueSets(*fees, "routes", "/fees", value_sets, false);
      policy.fees = std::move(schedule);
    }
  }
  if (errors.size() != errors_before) {
    return std::nullopt;
  }
  std::set<std::string> read_types = {"Patient", "Coverage"};
  if (!policy.malignant_sets.empty()) {
    read_types.insert("Condition");
  }
  for (const auto& criterion : policy.criteria) {
    collectReadTypes(criterion.rule, read_types);
  }
  policy.read_types.assign(read_types.begin(), read_types.end());
  return policy;
}

} // namespace pumpcds::policy
