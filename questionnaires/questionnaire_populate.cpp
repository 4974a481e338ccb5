#include "questionnaires/questionnaire_populate.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/json_write.h"
#include "fhir/resource_parser.h"
#include "questionnaires/operation_parameters.h"
#include "questionnaires/questionnaire_catalog.h"
#include "questionnaires/questionnaire_writer.h"
#include "requests/hook_request_writer.h"

namespace pumpcds::questionnaires {
namespace {

using fhir::JsonValue;
using fhir::JsonWriter;
using policy::CriterionResult;
using policy::CriterionStatus;

Status bad(const std::string& what) {
  return invalidArgument("$populate: " + what);
}

bool isOrderType(const std::string& type) {
  return type == "ServiceRequest" || type == "DeviceRequest" || type == "MedicationRequest";
}

// Adds an order resource, refusing one that is not an order or is about someone else.
Status addOrder(const JsonValue* resource, const std::string& where, PopulateRequest& request) {
  const auto parsed = resource != nullptr ? fhir::parseResource(*resource) : std::nullopt;
  if (!parsed || !isOrderType(parsed->type) || parsed->id.empty()) {
    return bad(where + " must hold an order resource with an id (ServiceRequest, DeviceRequest or "
                       "MedicationRequest)");
  }
  request.orders.push_back(fhir::jsonText(*resource));
  if (!parsed->patient_reference.empty() && !request.patient_id.empty() &&
      parsed->patient_reference != "Patient/" + request.patient_id) {
    return bad(where + " " + parsed->reference() + " is about " + parsed->patient_reference + ", not " +
               "Patient/" + request.patient_id);
  }
  return {};
}

// What the record shows for a criterion, as the read-only item says it.
std::string foundText(const CriterionResult& result) {
  std::string text = result.status == CriterionStatus::Met     ? "Met"
                     : result.status == CriterionStatus::Unmet ? "Not met"
                                                               : "Not shown by the record";
  if (!result.evidence_labels.empty()) {
    text += ": ";
    for (size_t i = 0; i < result.evidence_labels.size(); ++i) {
      text += (i == 0 ? "" : "; ") + result.evidence_labels[i];
    }
  }
  if (!result.note.empty()) {
    text += " (" + result.note + ")";
  }
  return text;
}

// The answer the record already gives: yes when the criterion is met (by an attestation, a document or
// coded data: nothing is asked twice), no when a response denied it; unset when it is still to attest.
std::optional<bool> countedAnswer(const CriterionResult& result) {
  const auto shown_by = [&](std::string_view type) {
    return std::any_of(result.evidence.begin(), result.evidence.end(),
                       [&](const std::string& reference) { return reference.rfind(type, 0) == 0; });
  };
  if (result.status == CriterionStatus::Met) {
    return true;
  }
  if (result.status == CriterionStatus::Unmet && shown_by("QuestionnaireResponse/")) {
    return false;
  }
  return std::nullopt;
}

class ResponseWriter {
public:
  ResponseWriter(JsonWriter& out, const policy::OrderDetermination* order) : out_(out), order_(order) {}

  // Writes the answered items among `items` (a Questionnaire's item array), groups holding any.
  void writeItems(const JsonValue* items) {
    for (const JsonValue* item : fhir::items(items)) {
      writeItem(*item);
    }
  }

  // Whether `items` would write anything.
  bool answersAny(const JsonValue* items) const {
    const auto all = fhir::items(items);
    return std::any_of(all.begin(), all.end(), [&](const JsonValue* item) {
      return fhir::stringAt(item, "type") == "group" ? answersAny(fhir::member(item, "item"))
                                                     : hasAnswer(*item);
    });
  }

private:
  const CriterionResult* resultFor(const std::string& criterion_id) const {
    if (order_ == nullptr) {
      return nullptr;
    }
    const auto found =
        std::find_if(order_->criteria.begin(), order_->criteria.end(),
                     [&](const CriterionResult& r) { return r.criterion->id == criterion_id; });
    return found == order_->criteria.end() ? nullptr : &*found;
  }

  static std::string criterionOf(const std::string& link_id) {
    return link_id.size() > kFoundSuffix.size() && link_id.ends_with(kFoundSuffix)
               ? link_id.substr(0, link_id.size() - kFoundSuffix.size())
               : std::string();
  }

  bool hasAnswer(const JsonValue& item) const {
    const std::string link_id = fhir::stringAt(&item, "linkId");
    const std::string type = fhir::stringAt(&item, "type");
    if (link_id == kOriginLinkId) {
      return order_ != nullptr && order_->origin != policy::Origin::Unknown;
    }
    if (type == "string") {
      const std::string criterion = criterionOf(link_id);
      return !criterion.empty() && resultFor(criterion) != nullptr;
    }
    if (type == "boolean") {
      const CriterionResult* result = resultFor(link_id);
      return result != nullptr && countedAnswer(*result).has_value();
    }
    return false;
  }

  void startItem(const JsonValue& item) {
    out_.StartObject();
    out_.Key("linkId");
    fhir::writeString(out_, fhir::stringAt(&item, "linkId"));
    if (const std::string text = fhir::stringAt(&item, "text"); !text.empty()) {
      out_.Key("text");
      fhir::writeString(out_, text);
    }
  }

  void writeItem(const JsonValue& item) {
    const std::string type = fhir::stringAt(&item, "type");
    if (type == "group") {
      const JsonValue* children = fhir::member(item, "item");
      if (!answersAny(children)) {
        return;
      }
      startItem(item);
      out_.Key("item");
      out_.StartArray();
      writeItems(children);
      out_.EndArray();
      out_.EndObject();
      return;
    }
    if (!hasAnswer(item)) {
      return;
    }
    const std::string link_id = fhir::stringAt(&item, "linkId");
    startItem(item);
    out_.Key("answer");
    out_.StartArray();
    out_.StartObject();
    if (link_id == kOriginLinkId) {
      // The option the Questionnaire offers for this origin, display and all.
      for (const JsonValue* option : fhir::items(fhir::member(item, "answerOption"))) {
        const JsonValue* coding = fhir::member(option, "valueCoding");
        if (fhir::stringAt(coding, "code") == policy::toString(order_->origin)) {
          out_.Key("valueCoding");
          coding->Accept(out_);
        }
      }
    } else if (type == "string") {
      out_.Key("valueString");
      fhir::writeString(out_, foundText(*resultFor(criterionOf(link_id))));
    } else {
      out_.Key("valueBoolean");
      out_.Bool(*countedAnswer(*resultFor(link_id)));
    }
    out_.EndObject();
    out_.EndArray();
    out_.EndObject();
  }

  JsonWriter& out_;
  const policy::OrderDetermination* order_;
};

} // namespace

Result<PopulateRequest> parsePopulateRequest(std::string_view body, std::string_view questionnaire_id) {
  PUMPCDS_ASSIGN_OR_RETURN(const rapidjson::Document input, readParameters(body, "$populate"));
  PopulateRequest request;
  std::vector<std::pair<std::string, const JsonValue*>> orders; // where, resource: read once the subject is
  for (const JsonValue* parameter : fhir::items(fhir::member(input, "parameter"))) {
    const std::string name = fhir::stringAt(parameter, "name");
    if (name == "subject") {
      const std::string subject = fhir::stringAt(fhir::member(parameter, "valueReference"), "reference");
      if (subject.rfind("Patient/", 0) != 0 || subject.size() == 8 ||
          subject.find('/', 8) != std::string::npos) {
        return bad("parameter subject must be a valueReference to Patient/<id>");
      }
      request.patient_id = subject.substr(8);
    } else if (name == "fhirServer") {
      request.fhir_server = fhir::stringAt(parameter, "valueUrl");
      if (request.fhir_server.empty()) {
        request.fhir_server = fhir::stringAt(parameter, "valueUri");
      }
      if (request.fhir_server.empty()) {
        return bad("parameter fhirServer must have a valueUrl (the EHR's FHIR base)");
      }
    } else if (name == "canonical") {
      request.questionnaire = fhir::stringAt(parameter, "valueCanonical");
      if (request.questionnaire.empty()) {
        request.questionnaire = fhir::stringAt(parameter, "valueUri"); // SDC 3.0 types it uri
      }
      if (request.questionnaire.empty()) {
        return bad("parameter canonical must have a valueCanonical or valueUri");
      }
    } else if (name == "questionnaire") {
      const JsonValue* resource = fhir::member(parameter, "resource");
      const std::string url = fhir::stringAt(resource, "url");
      if (fhir::stringAt(resource, "resourceType") != "Questionnaire" || url.empty()) {
        return bad("parameter questionnaire must hold a Questionnaire resource with a url");
      }
      const std::string version = fhir::stringAt(resource, "version");
      request.questionnaire = version.empty() ? url : url + "|" + version;
    } else if (name == "order") {
      orders.emplace_back("parameter order", fhir::member(parameter, "resource"));
    } else if (name == "context") {
      for (const JsonValue* part : fhir::items(fhir::member(parameter, "part"))) {
        if (fhir::stringAt(part, "name") == "content" && fhir::member(part, "resource") != nullptr) {
          const JsonValue* resource = fhir::member(part, "resource");
          if (isOrderType(fhir::stringAt(resource, "resourceType"))) {
            orders.emplace_back("a context's content", resource);
          }
        }
      }
    }
  }
  if (request.patient_id.empty()) {
    return bad("parameter subject (a reference to the Patient) is required");
  }
  if (request.fhir_server.empty()) {
    return bad("parameter fhirServer (the EHR's FHIR base, where the record is read) is required");
  }
  for (const auto& [where, resource] : orders) {
    PUMPCDS_RETURN_IF_ERROR(addOrder(resource, where, request));
  }
  if (request.orders.empty()) {
    return bad("an order is required (a context whose content is the ServiceRequest or DeviceRequest, or "
               "parameter order): the questionnaire is filled for one order");
  }
  if (!questionnaire_id.empty() && request.questionnaire.empty()) {
    request.questionnaire = std::string(policy::kQuestionnaireCanonicalBase) + std::string(questionnaire_id);
  }
  return request;
}

std::string populateHookRequest(const PopulateRequest& request, const std::string& access_token) {
  requests::HookRequestParts parts;
  parts.hook_instance = "populate";
  parts.fhir_server = request.fhir_server;
  parts.access_token = access_token;
  parts.patient_id = request.patient_id;
  parts.draft_orders = request.orders;
  parts.prefetch = false;
  return requests::writeHookRequest(parts);
}

Result<std::string> populatedResponse(const policy::PolicyLibrary& library, const PopulateRequest& request,
                                      const policy::Determination& determination, const fhir::Date& today) {
  const auto all = libraryQuestionnaires(library);
  std::vector<fhir::OutcomeIssue> issues;
  const GeneratedQuestionnaire* questionnaire = nullptr;
  const policy::OrderDetermination* order = nullptr;
  if (!request.questionnaire.empty()) {
    questionnaire = findByCanonical(all, request.questionnaire, issues);
    if (questionnaire == nullptr) {
      return notFound("$populate: questionnaire " + request.questionnaire + " is not served by this library");
    }
  }
  for (const auto& decided : determination.orders) {
    if (decided.policy == nullptr) {
      continue;
    }
    const std::string id = policy::questionnaireId(*decided.policy, decided.order.kind);
    const auto own = std::find_if(all.begin(), all.end(), [&](const auto& q) { return q.id == id; });
    if (questionnaire == nullptr && own != all.end()) {
      questionnaire = &*own;
    }
    if (questionnaire != nullptr && questionnaire->policy == decided.policy) {
      order = &decided;
      break;
    }
  }
  if (questionnaire == nullptr) {
    return notFound(determination.orders.empty()
                        ? "$populate: none of the orders is a pump order, and no questionnaire was named"
                        : "$populate: no medical policy with a questionnaire decides the order, and no "
                          "questionnaire was named");
  }
  if (determination.orders.empty()) {
    issues.push_back({"warning", "informational", "none of the orders is a pump order: nothing was filled"});
  } else if (order == nullptr) {
    const auto& decided = determination.orders.front();
    issues.push_back({"warning", "business-rule",
                      decided.order.reference + " is decided by " +
                          (decided.policy != nullptr ? decided.policy->citation : std::string("no policy")) +
                          ", not by " + questionnaire->policy->citation +
                          ", whose questionnaire was asked for: nothing was filled"});
  }

  rapidjson::Document form;
  form.Parse(questionnaire->json.data(), questionnaire->json.size());
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  out.Key("resourceType");
  out.String("Parameters");
  out.Key("parameter");
  out.StartArray();
  out.StartObject();
  out.Key("name");
  out.String("response");
  out.Key("resource");
  out.StartObject();
  out.Key("resourceType");
  out.String("QuestionnaireResponse");
  out.Key("questionnaire");
  fhir::writeString(out, questionnaire->url + "|" + questionnaire->version);
  out.Key("status");
  out.String("in-progress");
  fhir::writeReference(out, "subject", "Patient/" + request.patient_id);
  if (order != nullptr && order->order.resource_type == "ServiceRequest") {
    out.Key("basedOn");
    out.StartArray();
    out.StartObject();
    out.Key("reference");
    fhir::writeString(out, order->order.reference);
    out.EndObject();
    out.EndArray();
  }
  out.Key("authored");
  fhir::writeString(out, today.toString());
  ResponseWriter items(out, order);
  if (items.answersAny(fhir::member(form, "item"))) {
    out.Key("item");
    out.StartArray();
    items.writeItems(fhir::member(form, "item"));
    out.EndArray();
  }
  out.EndObject();
  out.EndObject();
  if (order != nullptr) {
    // pumpcds's own outputs, so that an app shows where the order stands without a second call.
    out.StartObject();
    out.Key("name");
    out.String("decision");
    out.Key("valueCode");
    fhir::writeString(out, policy::toString(order->decision));
    out.EndObject();
    for (const auto& result : order->criteria) {
      if (result.status == CriterionStatus::Missing) {
        out.StartObject();
        out.Key("name");
        out.String("missing");
        out.Key("valueString");
        fhir::writeString(out, result.criterion->citation + ": " + result.criterion->short_name);
        out.EndObject();
      }
    }
  }
  writeOutcomeParameter(out, "issues", issues);
  out.EndArray();
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace pumpcds::questionnaires
