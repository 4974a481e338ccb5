// The prefetch templates pumpcds advertises, and how prefetch answers become a PatientRecord.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json_read.h"
#include "fhir/patient_record.h"

namespace pumpcds::fhir {

struct PrefetchTemplate {
  std::string key;
  std::string query; ///< FHIR query with CDS Hooks tokens, e.g. Condition?patient={{context.patientId}}
  std::string type;  ///< the resource type the query reads
};

/// Everything the policies read: the patient, active and historical conditions, observations (pain
/// scores, drug tests, BMI), medications, procedures, allergies, devices, encounters, service requests,
/// coverage (with its payor organisation), documents and questionnaire answers (attestations).
const std::vector<PrefetchTemplate>& prefetchTemplates();

/// The resource type a FHIR query or URL reads: "Condition?patient=1", "Patient/1" and
/// "http://host/fhir/Coverage?x=y" give Condition, Patient and Coverage; "" when it names none.
std::string resourceTypeOfQuery(std::string_view query);

/// Adds one prefetch answer to the record. `key_type` is the type our template for this key reads
/// ("" for a key we did not ask for). Per CDS Hooks 2.0 and DESIGN.md: null is a read that found
/// nothing; a searchset Bundle is a read of its self link's type (or its entries' types) unless it is
/// paged; an OperationOutcome is an error for the key, noted, and not a read; a lone resource is added.
void readPrefetchEntry(std::string_view key, const JsonValue& value, const std::string& key_type,
                       PatientRecord& record);

} // namespace pumpcds::fhir
