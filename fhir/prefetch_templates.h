// The prefetch templates pumpcds advertises, and how prefetch answers become a PatientRecord.
#pragma once

#include <set>
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

/// What discovery asks the EHR to prefetch: everything the policies read (`full`, the default: the CDS
/// Hooks sandbox and many EHRs prefetch well), or only Patient and Coverage (`minimal`, Da Vinci CRD's
/// lean prefetch; the rest is read from the FHIR server).
enum class PrefetchMode { Full, Minimal };

/// Everything the policies read: the patient, active and historical conditions, observations (pain
/// scores, drug tests, BMI), medications (with their Medication resources), procedures, allergies,
/// devices, device requests, encounters, service requests, care plans (therapy done as plan activities),
/// coverage (with its payor organisation),
/// documents and questionnaire answers (attestations). The same queries are sent to the FHIR server
/// for what prefetch lacks.
const std::vector<PrefetchTemplate>& prefetchTemplates();

/// The templates discovery advertises in `mode`: in `full`, those of the types in `read_types` (what the
/// library's policies read) plus Patient and Coverage (routing); in `minimal`, Patient and Coverage.
std::vector<PrefetchTemplate> advertisedTemplates(PrefetchMode mode, const std::set<std::string>& read_types);

/// The template that reads `type`, or nullptr.
const PrefetchTemplate* templateForType(std::string_view type);

/// `query` with {{context.patientId}} replaced by the patient id (percent-encoded).
std::string expandQuery(const std::string& query, const std::string& patient_id);

/// What one prefetch answer was, for deciding what to query from the FHIR server.
enum class PrefetchState {
  Read,    ///< a complete read (a searchset without next link, a null key, the Patient)
  Partial, ///< resources, but not a complete read: a paged search, or a lone resource of a search type
  Failed,  ///< an error for that data (OperationOutcome): not read, and not queried again
  Other,   ///< nothing usable (not an object, not FHIR)
};

/// The resource type a FHIR query or URL reads: "Condition?patient=1", "Patient/1" and
/// "http://host/fhir/Coverage?x=y" give Condition, Patient and Coverage; "" when it names none.
std::string resourceTypeOfQuery(std::string_view query);

/// Adds one prefetch answer to the record. `key_type` is the type our template for this key reads
/// ("" for a key we did not ask for). Per CDS Hooks 2.0 and DESIGN.md: null is a read that found
/// nothing; a searchset Bundle is a read of its self link's type (or its entries' types); an
/// OperationOutcome is an error for the key, noted, and not a read; a lone resource is added. A paged
/// searchset (a next link) adds nothing: until every page is read nothing computed from that type is a
/// fact (the type is marked unreadable with the reason, and the FHIR server is asked for all of it).
PrefetchState readPrefetchEntry(std::string_view key, const JsonValue& value, const std::string& key_type,
                                PatientRecord& record);

/// Adds the resources of a searchset page to `resources` (OperationOutcome entries go to `problems`),
/// and returns its next link ("" when it is the last page) and self link.
struct SearchPage {
  std::string self;
  std::string next;
};
/// The diagnostics (or details text) of an OperationOutcome's first issue that has one.
std::string operationOutcomeText(const JsonValue& outcome);

SearchPage readSearchPage(const JsonValue& bundle, std::vector<Resource>& resources,
                          std::set<std::string>& match_types, std::vector<std::string>& problems);

} // namespace pumpcds::fhir
