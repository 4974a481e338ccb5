#include "fhir/resource_parser.h"

#include "base/text.h"

#include <algorithm>
#include <cctype>

namespace pumpcds::fhir {
namespace {

std::optional<TimeSpan> temporalAt(const JsonValue* object, std::string_view key) {
  const std::string text = stringAt(object, key);
  return text.empty() ? std::nullopt : parseFhirTemporal(text);
}

void setPoint(Resource& resource, const std::optional<TimeSpan>& span) {
  if (span) {
    resource.start = span->start;
    resource.end = span->end;
  }
}

// Period.start..Period.end; an absent end means ongoing.
bool setPeriod(Resource& resource, const JsonValue* period) {
  if (period == nullptr || !period->IsObject()) {
    return false;
  }
  const auto start = temporalAt(period, "start");
  const auto end = temporalAt(period, "end");
  if (!start && !end) {
    return false;
  }
  if (start) {
    resource.start = start->start;
  }
  if (end) {
    resource.end = end->end;
  }
  return true;
}

// The first of several choice elements (e.g. effectiveDateTime / effectivePeriod / effectiveInstant).
void setChoiceTime(Resource& resource, const JsonValue& json, std::string_view prefix) {
  const std::string base(prefix);
  if (setPeriod(resource, member(json, base + "Period"))) {
    return;
  }
  for (const char* suffix : {"DateTime", "Instant", ""}) {
    if (auto span = temporalAt(&json, base + suffix)) {
      setPoint(resource, span);
      return;
    }
  }
}

std::string statusCode(const JsonValue* codeable_concept) {
  const auto found = codings(codeable_concept);
  if (!found.empty()) {
    return found.front().code;
  }
  // R4 sandbox data occasionally sends the bare code string.
  if (codeable_concept != nullptr && codeable_concept->IsString()) {
    return codeable_concept->GetString();
  }
  return {};
}

std::optional<bool> affirmation(const JsonValue* answer) {
  if (auto flag = boolAt(answer, "valueBoolean")) {
    return flag;
  }
  std::string word = stringAt(answer, "valueString");
  if (const auto coded = coding(member(answer, "valueCoding"))) {
    if (coded->code == "LA33-6") {
      return true;
    }
    if (coded->code == "LA32-8") {
      return false;
    }
    word = coded->code;
  }
  word = base::lowerCase(word);
  if (word == "y" || word == "yes" || word == "true") {
    return true;
  }
  if (word == "n" || word == "no" || word == "false") {
    return false;
  }
  return std::nullopt;
}

void collectAnswers(const JsonValue* item_list, std::vector<Answer>& out) {
  for (const JsonValue* item : items(item_list)) {
    const std::string link_id = stringAt(item, "linkId");
    for (const JsonValue* answer : items(member(item, "answer"))) {
      Answer parsed{link_id, affirmation(answer), stringAt(answer, "valueString")};
      out.push_back(std::move(parsed));
      collectAnswers(member(answer, "item"), out);
    }
    collectAnswers(member(item, "item"), out);
  }
}

std::string quantityUnit(const JsonValue* quantity) {
  const std::string code = stringAt(quantity, "code");
  return code.empty() ? stringAt(quantity, "unit") : code;
}

// Doses a day from Timing: repeat.frequency(Max) per period in periodUnit, else a common timing code.
std::optional<double> dosesPerDay(const JsonValue* timing) {
  const JsonValue* repeat = member(timing, "repeat");
  const auto frequency =
      numberAt(repeat, "frequencyMax") ? numberAt(repeat, "frequencyMax") : numberAt(repeat, "frequency");
  const auto period = numberAt(repeat, "period");
  if (period && *period > 0) {
    const std::string unit = stringAt(repeat, "periodUnit");
    const double days = unit == "h"     ? *period / 24.0
                        : unit == "min" ? *period / 1440.0
                        : unit == "wk"  ? *period * 7
                        : unit == "mo"  ? *period * 30
                        : unit == "a"   ? *period * 365
                        : unit == "d"   ? *period
                                        : 0;
    if (days > 0) {
      return frequency.value_or(1) / days;
    }
  }
  static const std::pair<const char*, double> kCodes[] = {{"QD", 1},   {"QOD", 0.5}, {"BID", 2}, {"TID", 3},
                                                          {"QID", 4},  {"Q4H", 6},   {"Q6H", 4}, {"Q8H", 3},
                                                          {"Q12H", 2}, {"AM", 1},    {"PM", 1},  {"HS", 1}};
  for (const auto& code : codings(member(timing, "code"))) {
    for (const auto& [name, doses] : kCodes) {
      if (code.code == name) {
        return doses;
      }
    }
  }
  return std::nullopt;
}

void readDosage(Resource& resource, const JsonValue* dosage) {
  for (auto& route : codings(member(dosage, "route"))) {
    resource.route.push_back(std::move(route));
  }
  if (resource.dose_value) {
    return; // the first dosage with a dose decides
  }
  const JsonValue* quantity = member(dosage, "doseQuantity");
  for (const JsonValue* dose_and_rate : items(member(dosage, "doseAndRate"))) {
    if (const JsonValue* dose = member(dose_and_rate, "doseQuantity")) {
      quantity = dose;
      break;
    }
  }
  if (auto value = numberAt(quantity, "value")) {
    resource.dose_value = value;
    resource.dose_unit = quantityUnit(quantity);
    resource.doses_per_day = dosesPerDay(member(dosage, "timing"));
  }
}

// A resource contained in `json` ("#id" references name them), or nullptr.
const JsonValue* containedResource(const JsonValue& json, std::string_view reference) {
  if (reference.size() < 2 || reference.front() != '#') {
    return nullptr;
  }
  for (const JsonValue* contained : items(member(json, "contained"))) {
    if (stringAt(contained, "id") == reference.substr(1)) {
      return contained;
    }
  }
  return nullptr;
}

void readMedication(Resource& resource, const JsonValue& json) {
  resource.codes = codings(member(json, "medicationCodeableConcept"));
  resource.text = conceptText(member(json, "medicationCodeableConcept"));
  const JsonValue* reference = member(json, "medicationReference");
  const std::string target = stringAt(reference, "reference");
  if (const JsonValue* contained = containedResource(json, target)) {
    if (auto medication = parseResource(*contained)) {
      resource.codes = std::move(medication->codes);
      resource.text = std::move(medication->text);
    }
  } else if (!target.empty()) {
    resource.medication_reference = target;
  }
  if (resource.text.empty()) {
    resource.text = stringAt(reference, "display");
  }
  for (const char* key : {"dosageInstruction", "dosage"}) {
    for (const JsonValue* dosage : items(member(json, key))) {
      readDosage(resource, dosage);
    }
  }
}

void readMedicationRequest(Resource& resource, const JsonValue& json) {
  readMedication(resource, json);
  resource.intent = stringAt(&json, "intent");
  setPoint(resource, temporalAt(&json, "authoredOn"));
  // How long a prescription runs is what it says (a validity period, dosage bounds, the supply dispensed),
  // never its status alone: a naproxen order from 1985 still marked active is not current use. When
  // nothing says, it runs one default supply from the day it was written.
  if (resource.start) {
    resource.end = *resource.start + kDefaultPrescriptionDays * kSecondsPerDay;
  }
  // A validity period, dosage bounds or the supply dispensed say how long the therapy was meant to run.
  const JsonValue* dispense = member(json, "dispenseRequest");
  if (auto quantity = numberAt(member(dispense, "quantity"), "value")) {
    resource.dispense_value = quantity;
    resource.dispense_unit = quantityUnit(member(dispense, "quantity"));
  }
  const JsonValue* supply = member(dispense, "expectedSupplyDuration");
  const auto supply_value = numberAt(supply, "value");
  if (resource.start && supply_value && *supply_value > 0) {
    const std::string unit =
        stringAt(supply, "code").empty() ? stringAt(supply, "unit") : stringAt(supply, "code");
    const double days_per_unit = unit == "wk" ? 7 : unit == "mo" ? 30 : unit == "h" ? 1.0 / 24 : 1;
    const double fills = 1 + std::max(0.0, numberAt(dispense, "numberOfRepeatsAllowed").value_or(0));
    // A supply is bounded to a century: past it the arithmetic would overflow, and no prescription runs
    // longer.
    constexpr double kLongestSupply = 100.0 * 366 * kSecondsPerDay;
    const double supply_seconds =
        std::min(*supply_value * days_per_unit * fills * kSecondsPerDay, kLongestSupply);
    resource.end = *resource.start + static_cast<Seconds>(supply_seconds);
  } else if (resource.start && resource.dispense_value && resource.dose_value && resource.doses_per_day &&
             *resource.dose_value > 0 && *resource.doses_per_day > 0 &&
             base::lowerCase(resource.dispense_unit) == base::lowerCase(resource.dose_unit)) {
    // 120 tablets at 2 tablets 4 times a day last 15 days, per fill.
    const double fills = 1 + std::max(0.0, numberAt(dispense, "numberOfRepeatsAllowed").value_or(0));
    const double days = std::min(
        *resource.dispense_value / (*resource.dose_value * *resource.doses_per_day) * fills, 36600.0);
    resource.end = *resource.start + static_cast<Seconds>(std::max(days, 1.0) * kSecondsPerDay);
  }
  if (!setPeriod(resource, member(dispense, "validityPeriod"))) {
    for (const JsonValue* dosage : items(member(json, "dosageInstruction"))) {
      if (setPeriod(resource, member(member(member(dosage, "timing"), "repeat"), "boundsPeriod"))) {
        break;
      }
    }
  }
}

void readServiceRequest(Resource& resource, const JsonValue& json) {
  const JsonValue* code = member(json, "code");
  resource.codes = codings(code);
  resource.text = conceptText(code);
  for (const JsonValue* extension : items(member(code, "extension"))) {
    if (stringAt(extension, "url") == kBillingOptionsExtension) {
      for (auto& billing : codings(member(extension, "valueCodeableConcept"))) {
        resource.codes.push_back(std::move(billing));
      }
    }
  }
  resource.intent = stringAt(&json, "intent");
  setChoiceTime(resource, json, "occurrence");
  if (!resource.start) {
    setPoint(resource, temporalAt(&json, "authoredOn"));
  }
}

void readCoverage(Resource& resource, const JsonValue& json) {
  resource.codes = codings(member(json, "type"));
  resource.text = conceptText(member(json, "type"));
  setPeriod(resource, member(json, "period"));
  // A Coverage names a payor or two; a hostile one naming thousands (each looked up in `contained`, each
  // a FHIR read when not included) would make routing quadratic, so beyond a few the rest are not read.
  constexpr size_t kMostPayors = 10;
  auto payors = items(member(json, "payor"));
  payors.resize(std::min(payors.size(), kMostPayors));
  for (const JsonValue* payor : payors) {
    const std::string reference = stringAt(payor, "reference");
    if (const JsonValue* contained = containedResource(json, reference)) {
      if (auto organization = parseResource(*contained)) {
        if (!organization->name.empty()) {
          resource.payor_names.push_back(organization->name);
        }
        resource.identifiers.insert(resource.identifiers.end(), organization->identifiers.begin(),
                                    organization->identifiers.end());
      }
    } else if (!reference.empty()) {
      resource.payor_references.push_back(reference);
    }
    const std::string display = stringAt(payor, "display");
    if (!display.empty()) {
      resource.payor_names.push_back(display);
    }
    const JsonValue* identifier = member(payor, "identifier");
    if (identifier != nullptr) {
      resource.identifiers.push_back(stringAt(identifier, "system") + "|" + stringAt(identifier, "value"));
    }
  }
  for (const JsonValue* plan_class : items(member(json, "class"))) {
    const auto type = codings(member(plan_class, "type"));
    resource.plan_classes.push_back(Coding{type.empty() ? std::string() : type.front().code,
                                           stringAt(plan_class, "value"), stringAt(plan_class, "name")});
  }
}

void setAuthored(Resource& resource, const JsonValue& json) {
  if (temporalAt(&json, "authoredOn")) {
    const std::string text = stringAt(&json, "authoredOn");
    resource.authored_date = Date::parse(std::string_view(text).substr(0, 10));
  }
}

} // namespace

std::optional<Resource> parseResource(const JsonValue& json) {
  const std::string type = stringAt(&json, "resourceType");
  if (type.empty()) {
    return std::nullopt;
  }
  Resource resource;
  resource.type = type;
  resource.id = stringAt(&json, "id");
  resource.status = stringAt(&json, "status");
  for (const char* element : {"subject", "patient", "beneficiary"}) {
    if (resource.patient_reference.empty()) {
      resource.patient_reference = stringAt(member(json, element), "reference");
    }
  }
  resource.categories = codings(member(json, "category"));
  setAuthored(resource, json);

  if (type == "Condition") {
    resource.codes = codings(member(json, "code"));
    resource.text = conceptText(member(json, "code"));
    resource.clinical_status = statusCode(member(json, "clinicalStatus"));
    resource.verification_status = statusCode(member(json, "verificationStatus"));
    setChoiceTime(resource, json, "onset");
    const JsonValue* onset_age = member(json, "onsetAge");
    if (auto age = numberAt(onset_age, "value"); age && *age >= 0 && !resource.start) {
      const std::string unit = quantityUnit(onset_age);
      const double days_per_unit = unit == "mo" ? 30.4375 : unit == "wk" ? 7 : unit == "d" ? 1 : 365.25;
      resource.onset_age_days = std::min(*age * days_per_unit, 200.0 * 365.25);
    }
    if (!resource.start) {
      if (auto recorded = temporalAt(&json, "recordedDate"); recorded && !resource.onset_age_days) {
        resource.start = recorded->start;
      }
    } else {
      resource.end.reset(); // a condition holds from its onset until abated
    }
    Resource abatement;
    setChoiceTime(abatement, json, "abatement");
    if (abatement.end) {
      resource.end = abatement.end;
    } else if (abatement.start) {
      resource.end = abatement.start;
    }
  } else if (type == "Observation") {
    resource.codes = codings(member(json, "code"));
    resource.text = conceptText(member(json, "code"));
    setChoiceTime(resource, json, "effective");
    if (!resource.start) {
      setPoint(resource, temporalAt(&json, "issued"));
    }
    const JsonValue* quantity = member(json, "valueQuantity");
    if (auto number = numberAt(quantity, "value")) {
      resource.value = number;
      resource.value_unit = stringAt(quantity, "unit");
    } else if (auto integer = numberAt(&json, "valueInteger")) {
      resource.value = integer;
    }
    resource.value_string = stringAt(&json, "valueString");
    resource.value_codes = codings(member(json, "valueCodeableConcept"));
    if (resource.value_string.empty()) { // a result given only as the concept's text ("None detected")
      resource.value_string = stringAt(member(json, "valueCodeableConcept"), "text");
    }
    resource.interpretation = codings(member(json, "interpretation"));
    for (const JsonValue* component : items(member(json, "component"))) {
      std::string worded = stringAt(component, "valueString");
      if (worded.empty()) {
        worded = stringAt(member(*component, "valueCodeableConcept"), "text");
      }
      resource.components.push_back({codings(member(*component, "code")),
                                     conceptText(member(*component, "code")), std::move(worded),
                                     codings(member(*component, "valueCodeableConcept")),
                                     codings(member(*component, "interpretation"))});
    }
    for (const JsonValue* reference : items(member(json, "hasMember"))) {
      if (std::string target = stringAt(reference, "reference"); !target.empty()) {
        resource.member_references.push_back(std::move(target));
      }
    }
  } else if (type == "MedicationRequest") {
    readMedicationRequest(resource, json);
  } else if (type == "MedicationStatement" || type == "MedicationAdministration") {
    readMedication(resource, json);
    setChoiceTime(resource, json, "effective");
    if (!resource.start) {
      setPoint(resource, temporalAt(&json, "dateAsserted"));
    }
  } else if (type == "MedicationDispense") {
    readMedication(resource, json);
    setPoint(resource, temporalAt(&json, "whenHandedOver"));
  } else if (type == "Procedure") {
    resource.codes = codings(member(json, "code"));
    resource.text = conceptText(member(json, "code"));
    setChoiceTime(resource, json, "performed");
  } else if (type == "CarePlan") {
    // What the plan had the patient do: the codes of its activities under way or done (exercise therapy,
    // heat and ice often appear only here). Planned, scheduled or cancelled activities are not therapy.
    for (const JsonValue* activity : items(member(json, "activity"))) {
      const JsonValue* detail = member(*activity, "detail");
      const std::string status = stringAt(detail, "status");
      if (!status.empty() && status != "in-progress" && status != "completed") {
        continue;
      }
      for (auto& code : codings(member(detail, "code"))) {
        resource.codes.push_back(std::move(code));
      }
      if (resource.text.empty()) {
        resource.text = conceptText(member(detail, "code"));
      }
    }
    setPeriod(resource, member(json, "period"));
  } else if (type == "AllergyIntolerance") {
    resource.codes = codings(member(json, "code"));
    resource.text = conceptText(member(json, "code"));
    resource.clinical_status = statusCode(member(json, "clinicalStatus"));
    resource.verification_status = statusCode(member(json, "verificationStatus"));
    resource.allergy_type = stringAt(&json, "type");
    setChoiceTime(resource, json, "onset");
    if (!resource.start) {
      setPoint(resource, temporalAt(&json, "recordedDate"));
    }
  } else if (type == "Device") {
    resource.codes = codings(member(json, "type"));
    resource.text = conceptText(member(json, "type"));
    for (const JsonValue* device_name : items(member(json, "deviceName"))) {
      if (resource.text.empty()) {
        resource.text = stringAt(device_name, "name");
      }
    }
  } else if (type == "DeviceRequest") {
    resource.codes = codings(member(json, "codeCodeableConcept"));
    resource.text = conceptText(member(json, "codeCodeableConcept"));
    resource.intent = stringAt(&json, "intent");
    setPoint(resource, temporalAt(&json, "authoredOn"));
  } else if (type == "Encounter") {
    // What the encounter was: its types, service type and discharge disposition (e.g. to hospice).
    resource.codes = codings(member(json, "type"));
    for (auto& code : codings(member(json, "serviceType"))) {
      resource.codes.push_back(std::move(code));
    }
    for (auto& code : codings(member(member(json, "hospitalization"), "dischargeDisposition"))) {
      resource.codes.push_back(std::move(code));
    }
    if (auto encounter_class = coding(member(json, "class"))) {
      resource.categories.push_back(std::move(*encounter_class));
    }
    resource.text = conceptText(member(json, "type"));
    setPeriod(resource, member(json, "period"));
  } else if (type == "ServiceRequest") {
    readServiceRequest(resource, json);
  } else if (type == "DocumentReference") {
    resource.codes = codings(member(json, "type"));
    resource.text = conceptText(member(json, "type"));
    if (!setPeriod(resource, member(member(json, "context"), "period"))) {
      setPoint(resource, temporalAt(&json, "date"));
    }
  } else if (type == "QuestionnaireResponse") {
    collectAnswers(member(json, "item"), resource.answers);
    resource.questionnaire = stringAt(&json, "questionnaire");
    setPoint(resource, temporalAt(&json, "authored"));
  } else if (type == "Coverage") {
    readCoverage(resource, json);
  } else if (type == "Organization") {
    resource.name = stringAt(&json, "name");
    for (const JsonValue* identifier : items(member(json, "identifier"))) {
      resource.identifiers.push_back(stringAt(identifier, "system") + "|" + stringAt(identifier, "value"));
    }
  } else if (type == "Patient") {
    if (auto born = temporalAt(&json, "birthDate")) {
      resource.birth_date = Date::fromDays(born->start / kSecondsPerDay);
    }
    if (auto died = temporalAt(&json, "deceasedDateTime")) {
      resource.deceased = true;
      resource.deceased_date = Date::fromDays(died->start / kSecondsPerDay);
    } else {
      resource.deceased = boolAt(&json, "deceasedBoolean").value_or(false);
    }
    for (const JsonValue* address : items(member(json, "address"))) {
      const std::string state = stringAt(address, "state");
      if (!state.empty()) {
        resource.states.push_back(state);
      }
    }
  } else {
    resource.codes = codings(member(json, "code"));
    resource.text = conceptText(member(json, "code"));
  }
  return resource;
}

} // namespace pumpcds::fhir
