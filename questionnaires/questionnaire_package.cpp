#include "questionnaires/questionnaire_package.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/json_write.h"
#include "fhir/patient_record.h"
#include "fhir/resource_parser.h"
#include "questionnaires/operation_parameters.h"
#include "questionnaires/questionnaire_catalog.h"
#include "questionnaires/questionnaire_writer.h"

namespace pumpcds::questionnaires {
namespace {

using fhir::JsonValue;

using Issue = fhir::OutcomeIssue;

// The Questionnaire an order needs under the coverages' `route`, or nullptr with the reason in `issues`.
const GeneratedQuestionnaire* forOrder(const policy::PolicyLibrary& library,
                                       const std::vector<GeneratedQuestionnaire>& all,
                                       const policy::RoutingResult& route, const JsonValue& order,
                                       std::vector<Issue>& issues) {
  const auto parsed = fhir::parseResource(order);
  const std::string name = parsed ? parsed->reference() : std::string("an order");
  const auto match = parsed ? library.orders().classify(*parsed) : std::nullopt;
  if (!match) {
    issues.push_back({"information", "informational", name + " is not a pump order: no questionnaire"});
    return nullptr;
  }
  if (route.policy == nullptr) {
    issues.push_back({"error", "not-found",
                      name + ": the Coverage alone does not say which medical policy applies (these policies "
                             "also depend on the member's state); pass the questionnaire canonical the CRD "
                             "card's coverage-information gives"});
    return nullptr;
  }
  const std::string id = policy::questionnaireId(*route.policy, match->kind);
  const auto found =
      std::find_if(all.begin(), all.end(), [&id](const GeneratedQuestionnaire& q) { return q.id == id; });
  if (found == all.end()) {
    issues.push_back({"information", "informational",
                      name + ": " + route.policy->citation + " asks nothing to attest for " +
                          std::string(policy::toString(match->kind)) + " orders"});
    return nullptr;
  }
  return &*found;
}

} // namespace

Result<std::string> questionnairePackage(const policy::PolicyLibrary& library, std::string_view body,
                                         const fhir::Date& as_of) {
  PUMPCDS_ASSIGN_OR_RETURN(const rapidjson::Document input, readParameters(body, "$questionnaire-package"));
  fhir::PatientRecord coverages;
  std::vector<const JsonValue*> orders;
  std::vector<std::string> canonicals;
  bool context = false;
  for (const JsonValue* parameter : fhir::items(fhir::member(input, "parameter"))) {
    const std::string name = fhir::stringAt(parameter, "name");
    const JsonValue* resource = fhir::member(parameter, "resource");
    if (name == "coverage") {
      const auto coverage = resource != nullptr ? fhir::parseResource(*resource) : std::nullopt;
      if (!coverage || coverage->type != "Coverage") {
        return invalidArgument("$questionnaire-package: parameter coverage must hold a Coverage resource");
      }
      coverages.add(*coverage);
    } else if (name == "order") {
      if (resource == nullptr || !resource->IsObject()) {
        return invalidArgument("$questionnaire-package: parameter order must hold the order resource");
      }
      orders.push_back(resource);
    } else if (name == "questionnaire") {
      const std::string canonical = fhir::stringAt(parameter, "valueCanonical");
      if (canonical.empty()) {
        return invalidArgument("$questionnaire-package: parameter questionnaire must have a valueCanonical");
      }
      canonicals.push_back(canonical);
    } else if (name == "context") {
      context = true;
    }
  }
  if (coverages.ofType("Coverage").empty()) {
    return invalidArgument("$questionnaire-package: parameter coverage (a Coverage resource) is required");
  }
  if (orders.empty() && canonicals.empty() && !context) {
    return invalidArgument("$questionnaire-package: at least one of order, questionnaire and context is "
                           "required (DTR dtr-1)");
  }

  const auto all = libraryQuestionnaires(library);
  std::vector<Issue> issues;
  std::vector<const GeneratedQuestionnaire*> chosen;
  const auto choose = [&chosen](const GeneratedQuestionnaire* questionnaire) {
    if (questionnaire != nullptr && std::find(chosen.begin(), chosen.end(), questionnaire) == chosen.end()) {
      chosen.push_back(questionnaire);
    }
  };
  for (const auto& canonical : canonicals) {
    choose(findByCanonical(all, canonical, issues));
  }
  // Named questionnaires are what was asked for (DTR: no re-check is expected then); orders are routed only
  // when none was named.
  if (canonicals.empty() && !orders.empty()) {
    const auto route = library.route(coverages, as_of); // the same for every order
    for (const JsonValue* order : orders) {
      choose(forOrder(library, all, route, *order, issues));
    }
  }
  if (context && orders.empty() && canonicals.empty()) {
    issues.push_back({"error", "not-supported",
                      "context alone names no questionnaire: pumpcds keeps no CRD context; pass the order "
                      "or the questionnaire canonical"});
  }

  rapidjson::StringBuffer buffer;
  fhir::JsonWriter out(buffer);
  out.StartObject();
  out.Key("resourceType");
  out.String("Parameters");
  out.Key("parameter");
  out.StartArray();
  for (const GeneratedQuestionnaire* questionnaire : chosen) {
    out.StartObject();
    out.Key("name");
    out.String("PackageBundle");
    out.Key("resource");
    fhir::writeCollectionBundle(out, {questionnaire->json});
    out.EndObject();
  }
  writeOutcomeParameter(out, "operationOutcome", issues);
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace pumpcds::questionnaires
