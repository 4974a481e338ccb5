#include "library/policy_loader.h"

#include "policies/rules.h"

#include <algorithm>
#include <set>

#include "library/named_rules.h"
#include "policies/file_reader.h"

namespace pumpcds::policy {

using fhir::JsonValue;

namespace {

class PolicyReader {
public:
  PolicyReader(FileReader& reader, const ValueSetLibrary& value_sets, NamedRules* named_rules)
      : in_(reader), rules_(reader, value_sets, named_rules) {}

  Criterion readCriterion(const JsonValue& json, const std::string& pointer, const std::string& policy_id,
                          const std::string& citation) {
    Criterion criterion;
    if (!in_.checkObject(&json, pointer,
                         {"label", "short", "text", "document", "applies", "contraindication", "role", "rule",
                          "source_text", "suggestions"})) {
      return criterion;
    }
    criterion.label = in_.requiredString(json, "label", pointer);
    criterion.id = policy_id + "/" + criterion.label;
    criterion.citation = citation + " " + criterion.label;
    criterion.short_name = in_.requiredString(json, "short", pointer);
    if (criterion.short_name.find_first_of(",;") != std::string::npos) {
      in_.fail(pointer + "/short", "no commas or semicolons: cards list short names side by side, so '" +
                                       criterion.short_name + "' would read as two items");
    }
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
        in_.enumList(*applies, "kinds", at, parseOrderKind, criterion.kinds);
        in_.enumList(*applies, "origins", at, parseOrigin, criterion.origins);
      }
    }
    criterion.rule = rules_.read(fhir::member(json, "rule"), pointer + "/rule");
    criterion.suggestions = in_.stringList(json, "suggestions", pointer, false);
    return criterion;
  }

private:
  FileReader& in_;
  RuleReader rules_;
};

} // namespace

std::optional<Policy> loadPolicy(const std::string& file, const JsonValue& root,
                                 const ValueSetLibrary& value_sets, NamedRules* named_rules,
                                 std::vector<std::string>& errors) {
  FileReader in(file, errors);
  const size_t errors_before = errors.size();
  if (!in.checkObject(&root, "",
                      {"id", "title", "publisher", "citation", "version", "url", "effective", "source",
                       "description", "kinds", "origin", "criteria", "prior_auth", "fees",
                       "labels_printed"})) {
    return std::nullopt;
  }
  PolicyReader reader(in, value_sets, named_rules);
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
  in.enumList(root, "kinds", "", parseOrderKind, policy.kinds);
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
      criterion.label_printed = in.optionalBool(root, "labels_printed", "").value_or(true);
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
      in.enumList(*fees, "kinds", "/fees", parseOrderKind, schedule.kinds);
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
  for (auto& criterion : policy.criteria) {
    std::set<std::string> reads;
    criterion.rule->addReadTypes(reads);
    read_types.insert(reads.begin(), reads.end());
    criterion.attestation_only = !criterion.rule->codedDataCanShow();
    criterion.attestable = reads.count("QuestionnaireResponse") > 0;
  }
  policy.read_types.assign(read_types.begin(), read_types.end());
  return policy;
}

} // namespace pumpcds::policy
