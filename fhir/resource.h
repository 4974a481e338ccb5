// The normalised view of a FHIR resource that the policy engine reads: plain owned data, no JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "fhir/date.h"

namespace pumpcds::fhir {

/// One answered item of a QuestionnaireResponse (nested items are flattened).
struct Answer {
  std::string link_id;
  /// true for an affirming answer (true, "yes", "Y", LOINC LA33-6), false for a denying one; unset when
  /// the answer is neither (free text, a number).
  std::optional<bool> affirmed;
  std::string text;
};

/// An Observation's result: its own value, or one component's (a drug panel's analytes).
struct ObservationResult {
  std::vector<Coding> codes; ///< what was measured (the component's code; the Observation's own for itself)
  std::string text;
  std::string value_string;
  std::vector<Coding> value_codes; ///< valueCodeableConcept
  std::vector<Coding> interpretation;
};

/// A FHIR resource reduced to what evidence rules look at. Which element fills each field depends on the
/// type; resource_parser.h documents the mapping.
struct Resource {
  std::string type;
  std::string id;
  /// Whom it is about: the reference in subject, patient or (Coverage) beneficiary; "" when none is given.
  std::string patient_reference;

  std::vector<Coding> codes; ///< what it is: Condition.code, Observation.code, medication, Device.type, ...
  std::vector<Coding> categories;
  std::string text; ///< human label: CodeableConcept.text or a display

  std::string status;              ///< .status
  std::string clinical_status;     ///< Condition/AllergyIntolerance clinicalStatus code
  std::string verification_status; ///< Condition/AllergyIntolerance verificationStatus code
  std::string intent;              ///< MedicationRequest/ServiceRequest intent
  std::string allergy_type;        ///< AllergyIntolerance.type

  /// When it happened or held: onset/effective/performed/authored/period. A point in time sets both
  /// ends to the span of its precision; a period with no end leaves `end` unset (ongoing).
  std::optional<Seconds> start;
  std::optional<Seconds> end;
  /// authoredOn of orders (MedicationRequest, ServiceRequest, DeviceRequest) as the calendar date it was
  /// written on, not shifted to UTC: an order signed at 23:30 in New York on the 20th is an order of the
  /// 20th.
  std::optional<Date> authored_date;
  /// Condition.onsetAge in days, when the onset is given as an age: PatientRecord::resolveReferences()
  /// turns it into `start` from the patient's birth date.
  std::optional<double> onset_age_days;

  std::optional<double> value; ///< Observation valueQuantity/valueInteger
  std::string value_unit;
  std::string value_string;
  std::vector<Coding> value_codes; ///< Observation valueCodeableConcept
  std::vector<Coding> interpretation;
  std::vector<ObservationResult> components;  ///< Observation.component
  std::vector<std::string> member_references; ///< Observation.hasMember ("Observation/x"): a panel's results
  std::vector<Coding> route;                  ///< medication routes
  /// medicationReference of a medication resource when it names a Medication outside this resource
  /// ("Medication/1"); PatientRecord::resolveReferences() copies its code. A contained one is read here.
  std::string medication_reference;

  // Medication dosing (MedicationRequest.dosageInstruction[0], MedicationStatement.dosage[0]).
  std::optional<double> dose_value;     ///< doseAndRate.doseQuantity (or doseQuantity) value
  std::string dose_unit;                ///< its UCUM code, else its unit ("mg", "mcg", "{tbl}", "tablet")
  std::optional<double> doses_per_day;  ///< from timing.repeat (frequency(Max) per period) or timing.code
  std::optional<double> dispense_value; ///< MedicationRequest.dispenseRequest.quantity
  std::string dispense_unit;

  std::vector<Answer> answers; ///< QuestionnaireResponse
  std::string
      questionnaire; ///< QuestionnaireResponse.questionnaire: the canonical it answers ("url|version")

  // Coverage, Organization and Patient facts used to pick the policy.
  std::vector<std::string> payor_references;
  std::vector<std::string> payor_names;
  std::vector<Coding> plan_classes;     ///< Coverage.class: system = class type, code = value, display = name
  std::vector<std::string> identifiers; ///< "system|value"
  std::string name;                     ///< Organization.name
  std::vector<std::string> states;      ///< Patient.address.state
  std::optional<Date> birth_date;       ///< Patient.birthDate (a year or year-month: its first day)
  bool deceased = false;                ///< Patient.deceasedBoolean true, or a deceasedDateTime
  std::optional<Date> deceased_date;    ///< Patient.deceasedDateTime's date

  [[nodiscard]] std::string reference() const { return type + "/" + id; }
};

} // namespace pumpcds::fhir
