#include "policies/routing.h"

#include <algorithm>

#include "base/text.h"
#include "policies/file_reader.h"

namespace pumpcds::policy {
namespace {

// The payor names of a coverage: displays, and names of the payor organisations on record.
std::vector<std::string> payorNames(const fhir::Resource& coverage, const fhir::PatientRecord& record) {
  std::vector<std::string> names = coverage.payor_names;
  for (const auto& reference : coverage.payor_references) {
    if (const fhir::Resource* organization = record.find(reference);
        organization && !organization->name.empty()) {
      names.push_back(organization->name);
    }
  }
  return names;
}

std::vector<std::string> payorIdentifiers(const fhir::Resource& coverage, const fhir::PatientRecord& record) {
  std::vector<std::string> identifiers = coverage.identifiers;
  for (const auto& reference : coverage.payor_references) {
    if (const fhir::Resource* organization = record.find(reference)) {
      identifiers.insert(identifiers.end(), organization->identifiers.begin(),
                         organization->identifiers.end());
    }
  }
  return identifiers;
}

// "system|code" (a trailing * matches a prefix of the code), or a word of the type's text or displays.
bool typeMatches(const std::string& wanted, const fhir::Resource& coverage) {
  const auto bar = wanted.find('|');
  if (bar != std::string::npos) {
    const std::string system = fhir::canonicalSystem(wanted.substr(0, bar));
    std::string code = wanted.substr(bar + 1);
    const bool prefix = !code.empty() && code.back() == '*';
    if (prefix) {
      code.pop_back();
    }
    return std::any_of(coverage.codes.begin(), coverage.codes.end(), [&](const fhir::Coding& coding) {
      return coding.system == system && (prefix ? coding.code.rfind(code, 0) == 0 : coding.code == code);
    });
  }
  const std::string word = base::lowerCase(wanted);
  if (base::lowerCase(coverage.text).find(word) != std::string::npos) {
    return true;
  }
  return std::any_of(coverage.codes.begin(), coverage.codes.end(), [&](const fhir::Coding& coding) {
    return base::lowerCase(coding.display).find(word) != std::string::npos ||
           base::lowerCase(coding.code) == word;
  });
}

std::vector<std::string> patientStates(const fhir::PatientRecord& record) {
  std::vector<std::string> states;
  for (const auto& patient : record.ofType("Patient")) {
    for (const auto& state : patient.states) {
      states.push_back(base::lowerCase(state));
    }
  }
  return states;
}

} // namespace

void RoutingTable::load(const std::string& file, const fhir::JsonValue& root,
                        std::vector<std::string>& errors) {
  FileReader in(file, errors);
  if (!in.checkObject(&root, "", {"description", "routes"})) {
    return;
  }
  const fhir::JsonValue* routes = fhir::member(root, "routes");
  if (routes == nullptr || !routes->IsArray()) {
    in.fail("/routes", "expected a list of routes");
    return;
  }
  for (rapidjson::SizeType i = 0; i < routes->Size(); ++i) {
    const std::string at = "/routes/" + std::to_string(i);
    const fhir::JsonValue& item = (*routes)[i];
    if (!in.checkObject(&item, at,
                        {"policy", "role", "payor_names", "payor_identifiers", "coverage_types", "plans",
                         "states", "note"})) {
      continue;
    }
    Route route;
    route.policy_id = in.requiredString(item, "policy", at);
    const std::string role = in.optionalString(item, "role", at);
    if (role == "prior-auth") {
      route.role = RouteRole::PriorAuth;
    } else if (!role.empty() && role != "medical") {
      in.fail(at + "/role", "unknown role '" + role + "', expected medical or prior-auth");
    }
    route.payor_names = in.stringList(item, "payor_names", at, false);
    route.payor_identifiers = in.stringList(item, "payor_identifiers", at, false);
    route.coverage_types = in.stringList(item, "coverage_types", at, false);
    route.plans = in.stringList(item, "plans", at, false);
    route.states = in.stringList(item, "states", at, false);
    route.note = in.optionalString(item, "note", at);
    if (route.payor_names.empty() && route.payor_identifiers.empty() && route.coverage_types.empty()) {
      in.fail(at, "a route needs payor_names, payor_identifiers or coverage_types");
    }
    routes_.push_back(std::move(route));
  }
}

bool RoutingTable::matches(const Route& route, const fhir::Resource& coverage,
                           const fhir::PatientRecord& record) const {
  bool payor_ok = false;
  for (const auto& name : payorNames(coverage, record)) {
    for (const auto& wanted : route.payor_names) {
      payor_ok = payor_ok || base::lowerCase(name).find(base::lowerCase(wanted)) != std::string::npos;
    }
  }
  for (const auto& identifier : payorIdentifiers(coverage, record)) {
    payor_ok = payor_ok || std::find(route.payor_identifiers.begin(), route.payor_identifiers.end(),
                                     identifier) != route.payor_identifiers.end();
  }
  for (const auto& wanted : route.coverage_types) {
    payor_ok = payor_ok || typeMatches(wanted, coverage);
  }
  if (!payor_ok) {
    return false;
  }
  if (!route.plans.empty()) {
    const bool plan_ok = std::any_of(route.plans.begin(), route.plans.end(), [&](const std::string& plan) {
      return std::any_of(
          coverage.plan_classes.begin(), coverage.plan_classes.end(), [&](const fhir::Coding& held) {
            return base::lowerCase(held.code).find(base::lowerCase(plan)) != std::string::npos ||
                   base::lowerCase(held.display).find(base::lowerCase(plan)) != std::string::npos;
          });
    });
    if (!plan_ok) {
      return false;
    }
  }
  if (route.states.empty()) {
    return true;
  }
  const auto states = patientStates(record);
  return std::any_of(route.states.begin(), route.states.end(), [&](const std::string& state) {
    return std::find(states.begin(), states.end(), base::lowerCase(state)) != states.end();
  });
}

std::vector<const fhir::Resource*> RoutingTable::activeCoverages(const fhir::PatientRecord& record,
                                                                 const fhir::Date& as_of) {
  std::vector<const fhir::Resource*> out;
  for (const auto& coverage : record.ofType("Coverage")) {
    const bool status_ok = coverage.status.empty() || coverage.status == "active";
    const bool period_ok = (!coverage.start || *coverage.start < as_of.endSeconds()) &&
                           (!coverage.end || *coverage.end > as_of.startSeconds());
    if (status_ok && period_ok) {
      out.push_back(&coverage);
    }
  }
  return out;
}

std::vector<std::string> RoutingTable::describeCoverage(const fhir::PatientRecord& record) {
  std::vector<std::string> seen;
  std::string state_text;
  for (const auto& patient : record.ofType("Patient")) {
    for (const auto& state : patient.states) {
      state_text += (state_text.empty() ? "" : ", ") + state;
    }
  }
  for (const auto& coverage : record.ofType("Coverage")) {
    std::string line = "Coverage: payor ";
    const auto names = payorNames(coverage, record);
    std::string payors;
    for (const auto& name : names) {
      payors += (payors.empty() ? "" : ", ") + name;
    }
    line += payors.empty() ? "not named" : payors;
    const std::string type = coverage.text.empty() ? fhir::describe(coverage.codes) : coverage.text;
    if (!coverage.codes.empty() || !coverage.text.empty()) {
      line += ", type " + type;
    }
    for (const auto& plan : coverage.plan_classes) {
      line += ", " + (plan.system.empty() ? std::string("class") : plan.system) + " " +
              (plan.display.empty() ? plan.code : plan.display);
    }
    if (!coverage.status.empty()) {
      line += ", status " + coverage.status;
    }
    seen.push_back(line);
  }
  if (seen.empty()) {
    // A failed search is not an uninsured patient: the plan is unknown, not absent.
    seen.emplace_back(record.wasRead("Coverage")        ? "no coverage on record"
                      : record.couldNotRead("Coverage") ? "the patient's coverage could not be read"
                                                        : "no coverage was sent or read");
  }
  seen.push_back(state_text.empty() ? "patient state unknown" : "patient state " + state_text);
  return seen;
}

} // namespace pumpcds::policy
