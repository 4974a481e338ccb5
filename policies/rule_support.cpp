#include "policies/rule_support.h"

#include <map>

namespace pumpcds::policy {

bool counts(const fhir::Resource& resource, const fhir::Date& as_of) {
  const std::string& status = resource.status;
  if (status == "entered-in-error" || status == "cancelled" || status == "draft" || status == "not-done" ||
      status == "not-taken" || status == "revoked" || status == "planned" || status == "superseded") {
    return false;
  }
  const std::string& verification = resource.verification_status;
  if (verification == "refuted" || verification == "entered-in-error") {
    return false;
  }
  // A diagnosis not yet confirmed (unconfirmed, and its kinds provisional and differential) is not on record
  // as a fact. An allergy is different: an unconfirmed one still warns against the drug.
  if (resource.type == "Condition" &&
      (verification == "unconfirmed" || verification == "provisional" || verification == "differential")) {
    return false;
  }
  if (resource.start && *resource.start >= as_of.endSeconds()) {
    return false; // recorded as happening after the reference date
  }
  const std::string& clinical = resource.clinical_status;
  if (resource.type == "Condition") {
    if (!clinical.empty()) {
      return clinical == "active" || clinical == "recurrence" || clinical == "relapse";
    }
    return !resource.end || *resource.end > as_of.startSeconds(); // no status: active unless abated
  }
  if (resource.type == "AllergyIntolerance") {
    return clinical.empty() || clinical == "active";
  }
  if (resource.type == "Device") {
    return status.empty() || status == "active";
  }
  return true;
}

bool overlaps(const fhir::Resource& resource, fhir::Seconds window_start, fhir::Seconds window_end) {
  if (!resource.start && !resource.end) {
    return false;
  }
  const fhir::Seconds start = resource.start.value_or(resource.end.value_or(0) - 1);
  const bool ongoing = !resource.end;
  const fhir::Seconds end = ongoing ? window_end : *resource.end;
  return start < window_end && end > window_start;
}

fhir::Date monthsBefore(const fhir::Date& date, int months) {
  return date.addMonths(-months);
}

fhir::Seconds windowStart(const fhir::Date& as_of, int months) {
  return monthsBefore(as_of, months).startSeconds();
}

bool inAny(const std::vector<const ValueSet*>& sets, const std::vector<fhir::Coding>& codings) {
  for (const ValueSet* set : sets) {
    if (set->containsAny(codings)) {
      return true;
    }
  }
  return false;
}

std::vector<const fhir::Resource*> findCoded(const RuleContext& context,
                                             const std::vector<std::string>& types,
                                             const std::vector<const ValueSet*>& sets) {
  std::vector<const fhir::Resource*> found;
  for (const auto& type : types) {
    for (const auto& resource : context.record.ofType(type)) {
      if (counts(resource, context.as_of) && inAny(sets, resource.codes)) {
        found.push_back(&resource);
      }
    }
  }
  return found;
}

std::vector<std::string> unreadTypes(const fhir::PatientRecord& record,
                                     const std::vector<std::string>& types) {
  std::vector<std::string> unread;
  for (const auto& type : types) {
    if (!record.wasRead(type)) {
      unread.push_back(type);
    }
  }
  return unread;
}

std::string joinWords(const std::vector<std::string>& words, const std::string& last_separator) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += i + 1 == words.size() ? last_separator : ", ";
    }
    out += words[i];
  }
  return out;
}

namespace {

// What a clinician calls the part of the chart a FHIR type holds.
std::string chartPart(const std::string& type) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"Condition", "problem list"},
      {"Observation", "results"},
      {"MedicationRequest", "prescriptions"},
      {"MedicationStatement", "medication list"},
      {"Procedure", "procedures"},
      {"Encounter", "visits"},
      {"AllergyIntolerance", "allergies"},
      {"Device", "devices"},
      {"DeviceRequest", "device orders"},
      {"ServiceRequest", "orders"},
      {"DocumentReference", "documents"},
      {"QuestionnaireResponse", "questionnaires"},
      {"CarePlan", "care plans"},
      {"Coverage", "coverage"},
      {"Patient", "demographics"},
  };
  const auto found = kNames.find(type);
  return found != kNames.end() ? found->second : type;
}

std::vector<std::string> chartParts(const std::vector<std::string>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (const auto& type : types) {
    out.push_back(chartPart(type));
  }
  return out;
}

} // namespace

Outcome notFound(const fhir::PatientRecord& record, const std::vector<std::string>& types,
                 const std::string& what) {
  const auto unread = unreadTypes(record, types);
  if (!unread.empty()) {
    return {Truth::Unknown,
            {},
            "the patient's " + joinWords(chartParts(unread)) + " could not be read, so " + what +
                " could not be checked"};
  }
  return {Truth::Absent, {}, "no record of " + what + " in the " + joinWords(chartParts(types))};
}

std::vector<const fhir::Resource*> pumpDrugOrders(const RuleContext& context,
                                                  const std::vector<const ValueSet*>& drug_sets,
                                                  const std::vector<const ValueSet*>& route_sets) {
  std::vector<const fhir::Resource*> found;
  for (const auto& order : context.draft_orders) {
    if (order.type != "MedicationRequest") {
      continue;
    }
    if (inAny(route_sets, order.route) || inAny(drug_sets, order.codes)) {
      found.push_back(&order);
    }
  }
  return found;
}

} // namespace pumpcds::policy
