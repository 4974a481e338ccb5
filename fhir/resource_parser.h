// Reads FHIR R4 JSON resources into fhir::Resource, leniently: unknown elements are skipped, a single
// object where an array belongs is accepted, empty codings are dropped.
#pragma once

#include <optional>

#include "fhir/json_read.h"
#include "fhir/resource.h"

namespace pumpcds::fhir {

/// Extension URL under which CRD clients send CPT/HCPCS billing codes for an order.
/// How long a MedicationRequest runs when it says nothing (no validity period, dosage bounds, supply
/// duration, or a dispensed quantity its dose can divide): one 90-day supply, the longest common fill.
inline constexpr Seconds kDefaultPrescriptionDays = 90;

inline constexpr std::string_view kBillingOptionsExtension =
    "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options";

/// Parses any resource. Returns nullopt only when `json` is not an object with a string resourceType.
/// Field mapping: codes come from code / medicationCodeableConcept / type (Device, Encounter,
/// DocumentReference) / codeCodeableConcept (DeviceRequest), plus the CRD billing-options extension of
/// ServiceRequest.code; time from onset..abatement (Condition), effective[x], performed[x],
/// authoredOn/validity or bounds period (MedicationRequest), period (Encounter, Coverage), date
/// (DocumentReference), authored (QuestionnaireResponse).
std::optional<Resource> parseResource(const JsonValue& json);

} // namespace pumpcds::fhir
