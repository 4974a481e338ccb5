// Fuzzes the FHIR helpers one value at a time: dates and date-times, units of a Quantity, and any JSON as
// a resource (codings, quantities, periods, references, dosage) through the resource parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "base/text.h"
#include "fhir/coding.h"
#include "fhir/date.h"
#include "fhir/json_read.h"
#include "fhir/resource_parser.h"
#include "fhir/units.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)pumpcds::fhir::parseFhirTemporal(text);
  (void)pumpcds::fhir::Date::parse(text);
  (void)pumpcds::fhir::milligramsPerUnit(text);
  (void)pumpcds::base::printable(text, 64);
  (void)pumpcds::fhir::canonicalSystem(text);

  if (pumpcds::fhir::nestsDeeperThan(text, 64)) {
    return 0; // the server refuses such documents before parsing them
  }
  rapidjson::Document document;
  document.Parse<rapidjson::kParseStopWhenDoneFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    return 0;
  }
  (void)pumpcds::fhir::parseResource(document);
  for (const auto* entry : pumpcds::fhir::items(pumpcds::fhir::member(document, "entry"))) {
    if (const auto* resource = pumpcds::fhir::member(entry, "resource")) {
      (void)pumpcds::fhir::parseResource(*resource);
    }
  }
  const auto codings = pumpcds::fhir::codings(&document);
  (void)pumpcds::fhir::describe(codings);
  for (const auto& coding : codings) {
    (void)pumpcds::fhir::codingKey(coding);
  }
  (void)pumpcds::fhir::conceptText(&document);
  (void)pumpcds::fhir::jsonText(document);
  return 0;
}
