#include "policy_cases/policy_test_runner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/coding.h"
#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"
#include "hooks/cds_request.h"
#include "hooks/hook_service.h"
#include "policies/file_reader.h"
#include "policies/rules.h"
#include "requests/draft_order_writer.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::policy_cases {
namespace {

using fhir::JsonValue;
using hooks::HookService;
using hooks::parseCdsRequest;
using requests::DraftDrugOrder;
using requests::draftDrugOrderJson;
using requests::draftPumpOrderJson;
using requests::HookRequestParts;
using requests::writeHookRequest;

/// A case's patient after the case's changes: plain values and the JSON of its resources.
struct CaseRecord {
  std::string as_of = "2025-11-20";
  std::string payor;
  std::string state;
  std::string coverage_type;
  std::string birth_date;               ///< Patient.birthDate; "" leaves it out
  std::vector<const JsonValue*> orders; ///< {"code", "type"?, "id"?} or a bare code string
  std::vector<const JsonValue*> drugs;  ///< {"code", "route"?, "text"?, "dose"?, "dispense"?}
  std::vector<const JsonValue*> resources;
  std::set<std::string> attested;
  std::set<std::string> none;
  std::set<std::string> unread;
};

std::string reference(const JsonValue& resource) {
  return fhir::stringAt(&resource, "resourceType") + "/" + fhir::stringAt(&resource, "id");
}

void stringSet(const JsonValue* list, std::set<std::string>& out, bool remove = false) {
  for (const JsonValue* item : fhir::items(list)) {
    if (item->IsString()) {
      remove ? static_cast<void>(out.erase(item->GetString()))
             : static_cast<void>(out.insert(item->GetString()));
    }
  }
}

// Applies the members of `from` (a patient, then a case) to the record.
void apply(const JsonValue& from, CaseRecord& record) {
  for (const auto& [key, field] :
       {std::pair<const char*, std::string*>{"as_of", &record.as_of},
        std::pair<const char*, std::string*>{"payor", &record.payor},
        std::pair<const char*, std::string*>{"state", &record.state},
        std::pair<const char*, std::string*>{"coverage_type", &record.coverage_type},
        std::pair<const char*, std::string*>{"birth_date", &record.birth_date}}) {
    if (const JsonValue* value = fhir::member(from, key); value != nullptr && value->IsString()) {
      *field = value->GetString();
    }
  }
  if (const JsonValue* orders = fhir::member(from, "orders")) {
    record.orders = fhir::items(orders);
  }
  if (const JsonValue* order = fhir::member(from, "order")) {
    record.orders = {order};
  }
  if (const JsonValue* drugs = fhir::member(from, "drugs")) {
    record.drugs = fhir::items(drugs);
  }
  std::set<std::string> removed;
  stringSet(fhir::member(from, "remove"), removed);
  std::erase_if(record.resources,
                [&](const JsonValue* resource) { return removed.count(reference(*resource)) != 0; });
  for (const char* key : {"resources", "add"}) {
    for (const JsonValue* resource : fhir::items(fhir::member(from, key))) {
      std::erase_if(record.resources,
                    [&](const JsonValue* old) { return reference(*old) == reference(*resource); });
      record.resources.push_back(resource);
    }
  }
  stringSet(fhir::member(from, "attest"), record.attested);
  stringSet(fhir::member(from, "unattest"), record.attested, /*remove=*/true);
  stringSet(fhir::member(from, "none"), record.none);
  stringSet(fhir::member(from, "unread"), record.unread);
}

// The questionnaire a case's attestations answer: one of its policy's, as the app would write ("" for a named
// rule's case, which no policy decides).
std::string caseQuestionnaire(const policy::PolicyLibrary& library, const std::string& policy_id) {
  const policy::Policy* policy = library.find(policy_id);
  return policy == nullptr || policy->kinds.empty()
             ? std::string()
             : policy::questionnaireCanonical(*policy, policy->kinds.front());
}

// The hook request for a case: patient "p1", its record in prefetch (absent keys are the types the case
// leaves unread), attestations as QuestionnaireResponse items with linkId "<prefix>/<label>", answered in
// `questionnaire` on the case's date.
std::string buildRequest(const CaseRecord& record, const std::string& link_prefix,
                         const std::string& questionnaire = {}) {
  HookRequestParts parts;
  parts.hook_instance = "policy-test";
  parts.birth_date = record.birth_date;
  parts.state = record.state;
  int index = 0;
  for (const JsonValue* order : record.orders) {
    std::string id = fhir::stringAt(order, "id");
    ++index;
    parts.draft_orders.push_back(
        draftPumpOrderJson({order->IsString() ? order->GetString() : fhir::stringAt(order, "code"),
                            fhir::stringAt(order, "type"), id.empty() ? "order-" + std::to_string(index) : id,
                            "", record.as_of}));
  }
  index = 0;
  for (const JsonValue* drug : record.drugs) {
    DraftDrugOrder draft;
    draft.code = fhir::stringAt(drug, "code");
    draft.text = fhir::stringAt(drug, "text");
    draft.route = fhir::stringAt(drug, "route");
    if (const JsonValue* dose = fhir::member(*drug, "dose")) {
      draft.dose_json = fhir::jsonText(*dose);
    }
    if (const JsonValue* dispense = fhir::member(*drug, "dispense")) {
      draft.dispense_json = fhir::jsonText(*dispense);
    }
    draft.id = "drug-" + std::to_string(++index);
    draft.authored = record.as_of;
    parts.draft_orders.push_back(draftDrugOrderJson(draft));
  }
  for (const JsonValue* resource : record.resources) {
    parts.resources[fhir::stringAt(resource, "resourceType")].push_back(fhir::jsonText(*resource));
  }
  parts.payor = record.payor;
  parts.coverage_type = record.coverage_type;
  for (const auto& label : record.attested) {
    parts.attestations.emplace_back(label.find('/') == std::string::npos ? link_prefix + "/" + label : label,
                                    true);
  }
  parts.attestation_questionnaire = questionnaire;
  parts.attestation_authored = record.as_of;
  parts.none = record.none;
  parts.unread = record.unread;
  return writeHookRequest(parts);
}

std::string statusText(const JsonValue* value) {
  return value != nullptr && value->IsString() ? value->GetString() : std::string("(not a string)");
}

// The keys a patient may set; a case may set them too, plus its own.
#define PUMPCDS_PATIENT_KEYS                                                                                 \
  "as_of", "payor", "state", "coverage_type", "birth_date", "order", "orders", "drugs", "resources",         \
      "attest", "none", "unread"

// The case format is strict: an unknown key anywhere is an error, so a typo ("decison") cannot make a
// case pass by asserting nothing. Checks the shape only; what the keys say is checked as the case runs.
void checkCaseFormat(const JsonValue& document, policy::FileReader& in, bool rule_cases) {
  if (!(rule_cases ? in.checkObject(&document, "", {"description", "patients", "cases"})
                   : in.checkObject(&document, "", {"policy", "description", "patients", "cases"}))) {
    return;
  }
  const auto checkOrdersAndDrugs = [&](const JsonValue& object, const std::string& at) {
    for (const char* key : {"order", "orders"}) {
      const JsonValue* value = fhir::member(object, key);
      const bool list = std::string_view(key) == "orders";
      std::vector<const JsonValue*> orders = list ? fhir::items(value) : std::vector<const JsonValue*>{value};
      for (size_t i = 0; value != nullptr && i < orders.size(); ++i) {
        const std::string where = at + "/" + key + (list ? "/" + std::to_string(i) : "");
        if (!orders[i]->IsString()) {
          in.checkObject(orders[i], where, {"code", "type", "id"});
        }
      }
    }
    const auto drugs = fhir::items(fhir::member(object, "drugs"));
    for (size_t i = 0; i < drugs.size(); ++i) {
      in.checkObject(drugs[i], at + "/drugs/" + std::to_string(i),
                     {"code", "text", "route", "dose", "dispense"});
    }
  };
  const JsonValue* patients = fhir::member(document, "patients");
  if (patients != nullptr && !patients->IsObject()) {
    in.fail("/patients", "expected an object of named patients");
  } else if (patients != nullptr) {
    for (const auto& patient : patients->GetObject()) {
      const std::string at = "/patients/" + std::string(patient.name.GetString());
      if (in.checkObject(&patient.value, at, {PUMPCDS_PATIENT_KEYS})) {
        checkOrdersAndDrugs(patient.value, at);
      }
    }
  }
  const auto cases = fhir::items(fhir::member(document, "cases"));
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string at = "/cases/" + std::to_string(i);
    if (rule_cases) {
      if (!in.checkObject(
              cases[i], at,
              {PUMPCDS_PATIENT_KEYS, "note", "patient", "add", "remove", "unattest", "rule", "expect"})) {
        continue;
      }
      in.requiredString(*cases[i], "rule", at);
      checkOrdersAndDrugs(*cases[i], at);
      const JsonValue* expect = fhir::member(*cases[i], "expect");
      if (expect == nullptr) {
        in.fail(at + "/expect", "missing: a case says the truth it expects");
      } else if (in.checkObject(expect, at + "/expect", {"truth", "evidence"})) {
        const std::string truth = in.requiredString(*expect, "truth", at + "/expect");
        if (!truth.empty() && truth != "true" && truth != "false" && truth != "absent" &&
            truth != "unknown") {
          in.fail(at + "/expect/truth", "'" + truth + "': expected true, false, absent or unknown");
        }
      }
      continue;
    }
    if (!in.checkObject(cases[i], at,
                        {PUMPCDS_PATIENT_KEYS, "note", "patient", "add", "remove", "unattest", "expect"})) {
      continue;
    }
    checkOrdersAndDrugs(*cases[i], at);
    const JsonValue* expect = fhir::member(*cases[i], "expect");
    std::vector<const JsonValue*> expects =
        expect != nullptr && expect->IsArray() ? fhir::items(expect) : std::vector<const JsonValue*>{expect};
    for (size_t e = 0; e < expects.size(); ++e) {
      const std::string where =
          at + "/expect" + (expect != nullptr && expect->IsArray() ? "/" + std::to_string(e) : "");
      if (expects[e] == nullptr) {
        in.fail(where, "missing: a case says at least the decision it expects");
        continue;
      }
      if (!in.checkObject(expects[e], where,
                          {"policy", "kind", "origin", "decision", "priorAuth", "criteria", "others", "open",
                           "ids", "fees"})) {
        continue;
      }
      if (fhir::member(*expects[e], "decision") == nullptr) {
        in.fail(where + "/decision", "missing: every case asserts the decision");
      }
      if (const JsonValue* fees = fhir::member(*expects[e], "fees")) {
        in.checkObject(fees, where + "/fees", {"total"});
      }
    }
  }
}
#undef PUMPCDS_PATIENT_KEYS

// Compares one determination with the case's expectations; appends what differs.
void check(const JsonValue& expect, const policy::OrderDetermination& order,
           const policy::PolicyLibrary& library, const std::string& policy_id,
           std::vector<std::string>& failures) {
  const auto expectEqual = [&](const char* what, const std::string& want, const std::string& got) {
    if (want != got) {
      failures.push_back(std::string(what) + ": expected " + want + ", got " + got);
    }
  };
  if (const JsonValue* policy = fhir::member(expect, "policy")) {
    const policy::Policy* decided = order.policy != nullptr ? order.policy : order.prior_auth_policy;
    expectEqual("policy", policy->IsNull() ? "null" : statusText(policy), decided ? decided->id : "null");
  }
  if (const JsonValue* kind = fhir::member(expect, "kind")) {
    expectEqual("kind", statusText(kind), std::string(policy::toString(order.order.kind)));
  }
  if (const JsonValue* origin = fhir::member(expect, "origin")) {
    expectEqual("origin", statusText(origin), std::string(policy::toString(order.origin)));
  }
  if (const JsonValue* decision = fhir::member(expect, "decision")) {
    expectEqual("decision", statusText(decision), std::string(policy::toString(order.decision)));
  }
  if (const JsonValue* prior_auth = fhir::member(expect, "priorAuth")) {
    expectEqual("priorAuth", statusText(prior_auth), std::string(policy::toString(order.prior_auth)));
  }
  const auto fullId = [&](const std::string& label) {
    return label.find('/') == std::string::npos ? policy_id + "/" + label : label;
  };
  // A label the case names must be a criterion of some policy: a typo is an error, not a pass.
  const auto known = [&](const std::string& id) {
    const auto slash = id.find('/');
    const policy::Policy* owner = library.find(id.substr(0, slash));
    return owner != nullptr && std::any_of(owner->criteria.begin(), owner->criteria.end(),
                                           [&](const policy::Criterion& c) { return c.id == id; });
  };
  std::map<std::string, std::string> got;
  std::map<std::string, std::string> notes;
  for (const auto& result : order.criteria) {
    got[result.criterion->id] = std::string(policy::toString(result.status));
    notes[result.criterion->id] = result.note;
  }
  std::map<std::string, std::string> want;
  if (const JsonValue* criteria = fhir::member(expect, "criteria");
      criteria != nullptr && criteria->IsObject()) {
    for (const auto& item : criteria->GetObject()) {
      const std::string id = fullId(item.name.GetString());
      if (!known(id)) {
        failures.push_back("criteria: '" + std::string(item.name.GetString()) + "' is not a criterion of " +
                           id.substr(0, id.find('/')));
      }
      want[id] = statusText(&item.value);
    }
  }
  std::set<std::string> open;
  for (const JsonValue* label : fhir::items(fhir::member(expect, "open"))) {
    const std::string id = fullId(statusText(label));
    if (!known(id)) {
      failures.push_back("open: '" + statusText(label) + "' is not a criterion of " +
                         id.substr(0, id.find('/')));
    }
    open.insert(id);
  }
  const JsonValue* others = fhir::member(expect, "others");
  std::vector<std::string> unasserted;
  for (const auto& [id, status] : got) {
    if (want.count(id) != 0 || open.count(id) != 0) {
      continue;
    }
    if (others != nullptr && others->IsString() && id.rfind(policy_id + "/", 0) == 0) {
      want[id] = others->GetString();
    } else {
      unasserted.push_back(id + " (" + status + ")");
    }
  }
  if (!unasserted.empty()) {
    std::string list;
    for (const auto& item : unasserted) {
      list += (list.empty() ? "" : ", ") + item;
    }
    failures.push_back("the case does not say the status of every criterion reported (give it in criteria "
                       "or others, or list it in open): " +
                       list);
  }
  for (const auto& [id, status] : want) {
    const auto found = got.find(id);
    if (found == got.end()) {
      failures.push_back(id + ": expected " + status + ", but it was not reported");
    } else if (found->second != status) {
      failures.push_back(id + ": expected " + status + ", got " + found->second + " (" + notes[id] + ")");
    }
  }
  if (const JsonValue* ids = fhir::member(expect, "ids")) {
    std::set<std::string> expected_ids;
    for (const JsonValue* id : fhir::items(ids)) {
      expected_ids.insert(fullId(statusText(id)));
    }
    std::set<std::string> reported;
    for (const auto& [id, status] : got) {
      if (id.rfind(policy_id + "/", 0) == 0) {
        reported.insert(id);
      }
    }
    for (const auto& id : expected_ids) {
      if (reported.count(id) == 0) {
        failures.push_back("ids: " + id + " was not reported");
      }
    }
    for (const auto& id : reported) {
      if (expected_ids.count(id) == 0) {
        failures.push_back("ids: " + id + " was reported but is not on this path");
      }
    }
  }
  if (const JsonValue* fees = fhir::member(expect, "fees")) {
    if (!order.fee_estimate) {
      failures.emplace_back("fees: expected an estimate, got none");
    } else if (const auto total = fhir::numberAt(fees, "total");
               total && std::abs(*total - order.fee_estimate->total) > 0.005) {
      failures.push_back("fees.total: expected " + std::to_string(*total) + ", got " +
                         std::to_string(order.fee_estimate->total));
    }
  }
}

// Every pump order of the case is checked: one `expect` for all of them, or a list with one per order.
void checkOrders(const JsonValue& expect, const std::vector<policy::OrderDetermination>& orders,
                 size_t orders_sent, const policy::PolicyLibrary& library, const std::string& policy_id,
                 std::vector<std::string>& failures) {
  if (orders.size() != orders_sent) {
    failures.push_back(std::to_string(orders_sent) + " order(s) sent, " + std::to_string(orders.size()) +
                       " recognised as pump orders");
  }
  if (expect.IsArray() && expect.Size() != orders.size()) {
    failures.push_back("expect lists " + std::to_string(expect.Size()) + " orders, the case has " +
                       std::to_string(orders.size()));
    return;
  }
  for (size_t i = 0; i < orders.size(); ++i) {
    std::vector<std::string> order_failures;
    check(expect.IsArray() ? expect[static_cast<rapidjson::SizeType>(i)] : expect, orders[i], library,
          policy_id, order_failures);
    for (auto& failure : order_failures) {
      failures.push_back(orders.size() > 1 ? orders[i].order.reference + ": " + failure : std::move(failure));
    }
  }
}

} // namespace

std::vector<policy::LibraryFile> policyTestFiles(const std::vector<policy::LibraryFile>& library_files) {
  std::vector<policy::LibraryFile> out;
  for (const auto& file : library_files) {
    const std::string suffix = "_test.json";
    if (file.path.size() > suffix.size() &&
        file.path.compare(file.path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(file);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const policy::LibraryFile& a, const policy::LibraryFile& b) { return a.path < b.path; });
  return out;
}

namespace {

bool isRuleCaseFile(const std::string& path) {
  return path.rfind("rules/", 0) == 0;
}

// Walks every case of every file: `on_case(result, record, policy_id, test_case)` for each case that can
// run (policy_id is empty for a named rule's case),
// `on_error(result)` (result.outcome Error, with the reason) for a file or case that cannot.
template <typename OnCase, typename OnError>
void forEachCase(const policy::PolicyLibrary& library, const std::vector<policy::LibraryFile>& test_files,
                 OnCase on_case, OnError on_error) {
  for (const auto& file : test_files) {
    rapidjson::Document document;
    document.Parse(file.text.data(), file.text.size());
    const auto fileError = [&](const std::string& message) {
      on_error(PolicyCaseResult{file.path, 0, "(file)", PolicyCaseResult::Outcome::Error, {message}});
    };
    if (document.HasParseError()) {
      fileError(fhir::describeParseError(document, file.text));
      continue;
    }
    // Cases of named rules (rules/*_test.json) judge one rule, not a policy's decision.
    const bool rule_cases = isRuleCaseFile(file.path);
    const std::string policy_id = rule_cases ? std::string() : fhir::stringAt(&document, "policy");
    if (!rule_cases && library.find(policy_id) == nullptr) {
      fileError("/policy: unknown policy '" + policy_id + "'");
      continue;
    }
    const JsonValue* patients = fhir::member(document, "patients");
    const JsonValue* cases = fhir::member(document, "cases");
    if (cases == nullptr || !cases->IsArray() || cases->Empty()) {
      fileError("/cases: expected a non-empty list of cases");
      continue;
    }
    std::vector<std::string> format_errors;
    policy::FileReader reader(file.path, format_errors);
    checkCaseFormat(document, reader, rule_cases);
    if (!format_errors.empty()) {
      on_error(PolicyCaseResult{file.path, 0, "(file)", PolicyCaseResult::Outcome::Error, format_errors});
      continue;
    }
    for (rapidjson::SizeType i = 0; i < cases->Size(); ++i) {
      const JsonValue& test_case = (*cases)[i];
      PolicyCaseResult result{
          file.path, i, fhir::stringAt(&test_case, "note"), PolicyCaseResult::Outcome::Pass, {}};
      CaseRecord record;
      const std::string patient_name = fhir::stringAt(&test_case, "patient");
      if (!patient_name.empty()) {
        const JsonValue* patient = fhir::member(patients, patient_name);
        if (patient == nullptr) {
          result.outcome = PolicyCaseResult::Outcome::Error;
          result.failures.push_back("/cases/" + std::to_string(i) + "/patient: unknown patient '" +
                                    patient_name + "'");
          on_error(std::move(result));
          continue;
        }
        apply(*patient, record);
      }
      apply(test_case, record);
      const JsonValue* expect = fhir::member(test_case, "expect");
      if ((!rule_cases && record.orders.empty()) || expect == nullptr ||
          !(expect->IsObject() || expect->IsArray())) {
        result.outcome = PolicyCaseResult::Outcome::Error;
        result.failures.push_back("/cases/" + std::to_string(i) +
                                  ": a case needs an order and an expect object (or one per order)");
        on_error(std::move(result));
        continue;
      }
      on_case(std::move(result), record, policy_id, test_case);
    }
  }
}

} // namespace

namespace {

std::string_view truthName(policy::Truth truth) {
  switch (truth) {
  case policy::Truth::True:
    return "true";
  case policy::Truth::False:
    return "false";
  case policy::Truth::Absent:
    return "absent";
  case policy::Truth::Unknown:
    return "unknown";
  }
  return "unknown";
}

// A named rule's case: the rule evaluated on the case's record, its truth (and evidence) compared.
void runRuleCase(const policy::PolicyLibrary& library, const CaseRecord& record, const JsonValue& test_case,
                 PolicyCaseResult& result) {
  const std::string name = fhir::stringAt(&test_case, "rule");
  const policy::Rule* rule = library.namedRule(name);
  if (rule == nullptr) {
    result.outcome = PolicyCaseResult::Outcome::Error;
    result.failures.push_back("/cases/" + std::to_string(result.index) + "/rule: unknown named rule '" +
                              name + "'");
    return;
  }
  auto request = parseCdsRequest(buildRequest(record, "rules"));
  const auto as_of = fhir::Date::parse(record.as_of);
  if (!request.isOk() || !as_of) {
    result.outcome = PolicyCaseResult::Outcome::Error;
    result.failures.push_back(!request.isOk() ? request.status().message() : "as_of: not a date YYYY-MM-DD");
    return;
  }
  const policy::RuleContext context{request.value().record, request.value().draft_orders, *as_of,
                                    "rules/" + name, nullptr};
  const policy::Outcome outcome = rule->evaluate(context);
  const JsonValue& expect = *fhir::member(test_case, "expect");
  const std::string want = fhir::stringAt(&expect, "truth");
  if (want != truthName(outcome.truth)) {
    result.failures.push_back("truth: expected " + want + ", got " + std::string(truthName(outcome.truth)) +
                              " (" + outcome.note + ")");
  }
  if (const JsonValue* evidence = fhir::member(expect, "evidence")) {
    std::set<std::string> wanted;
    for (const JsonValue* item : fhir::items(evidence)) {
      wanted.insert(statusText(item));
    }
    const std::set<std::string> got(outcome.evidence.begin(), outcome.evidence.end());
    if (wanted != got) {
      std::string list;
      for (const auto& reference : got) {
        list += (list.empty() ? "" : ", ") + reference;
      }
      result.failures.push_back("evidence: got [" + list + "]");
    }
  }
  result.outcome =
      result.failures.empty() ? PolicyCaseResult::Outcome::Pass : PolicyCaseResult::Outcome::Fail;
}

} // namespace

std::vector<PolicyCaseResult> runPolicyTests(const policy::PolicyLibrary::Ptr& library,
                                             const std::vector<policy::LibraryFile>& test_files) {
  std::vector<PolicyCaseResult> results;
  const HookService service(library, std::make_unique<cards::SequentialUuidSource>());
  const auto on_error = [&](PolicyCaseResult&& result) { results.push_back(std::move(result)); };
  const auto on_case = [&](PolicyCaseResult&& result, const CaseRecord& record, const std::string& policy_id,
                           const JsonValue& test_case) {
    if (policy_id.empty()) {
      runRuleCase(*library, record, test_case, result);
      results.push_back(std::move(result));
      return;
    }
    const JsonValue& expect = *fhir::member(test_case, "expect");
    auto outcome = service.handle("pumpcds-order-sign",
                                  buildRequest(record, policy_id, caseQuestionnaire(*library, policy_id)));
    if (!outcome.isOk()) {
      result.outcome = PolicyCaseResult::Outcome::Error;
      result.failures.push_back(outcome.status().message());
    } else if (outcome.value().determination.orders.empty()) {
      result.outcome = PolicyCaseResult::Outcome::Fail;
      result.failures.emplace_back("the order was not recognised as a pump order");
    } else {
      checkOrders(expect, outcome.value().determination.orders, record.orders.size(), *library, policy_id,
                  result.failures);
      result.outcome =
          result.failures.empty() ? PolicyCaseResult::Outcome::Pass : PolicyCaseResult::Outcome::Fail;
    }
    results.push_back(std::move(result));
  };
  forEachCase(*library, test_files, on_case, on_error);
  return results;
}

std::vector<PolicyCaseResult> namedRulesWithoutCases(const policy::PolicyLibrary& library,
                                                     const std::vector<policy::LibraryFile>& test_files) {
  std::set<std::string> with_cases;
  for (const auto& file : test_files) {
    rapidjson::Document document;
    document.Parse(file.text.data(), file.text.size());
    if (!isRuleCaseFile(file.path) || document.HasParseError()) {
      continue;
    }
    for (const JsonValue* test_case : fhir::items(fhir::member(document, "cases"))) {
      with_cases.insert(fhir::stringAt(test_case, "rule"));
    }
  }
  std::vector<PolicyCaseResult> results;
  for (const auto& [name, named] : library.namedRules()) {
    if (with_cases.count(name) == 0) {
      results.push_back({named.file,
                         0,
                         "(named rule)",
                         PolicyCaseResult::Outcome::Error,
                         {"/rules/" + name + ": named rule '" + name +
                          "' has no case in rules/*_test.json: add cases that show it true and false"}});
    }
  }
  return results;
}

std::vector<PolicyCaseRequest> policyCaseRequests(const policy::PolicyLibrary& library,
                                                  const std::vector<policy::LibraryFile>& test_files) {
  std::vector<PolicyCaseRequest> requests;
  forEachCase(
      library, test_files,
      [&](PolicyCaseResult&& result, const CaseRecord& record, const std::string& policy_id,
          const JsonValue& /*test_case*/) {
        if (policy_id.empty()) {
          return; // a named rule's case has no order to decide
        }
        requests.push_back({result.file, result.index, result.note,
                            buildRequest(record, policy_id, caseQuestionnaire(library, policy_id))});
      },
      [](PolicyCaseResult&& /*error*/) {});
  return requests;
}

} // namespace pumpcds::policy_cases
