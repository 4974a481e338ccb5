// Da Vinci CRD coverage-information: the order itself, updated with an extension that says whether it is
// covered, whether prior authorization is needed and whether documentation is, so an EHR can store the
// answer with the order (CRD 2.0 ext-coverage-information, returned as a systemAction).
#pragma once

#include <optional>
#include <string>

#include "cards/uuid_source.h"
#include "policies/determination.h"

namespace pumpcds::cards {

inline constexpr const char* kCoverageInformationUrl =
    "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

/// The order resource (its JSON as sent) with a coverage-information extension appended, or nullopt
/// when the order has no policy or no Coverage to cite, or its JSON cannot be read.
/// covered: covered when the record meets the medical policy, not-covered when a criterion is unmet,
/// else conditional; pa-needed from priorAuth; doc-needed clinical when documentation is missing; and the
/// policy's DTR questionnaire when something missing can be attested.
/// `assertion_id` is its coverage-assertion-id, which a card's link to the DTR app carries too.
std::optional<std::string> orderWithCoverageInformation(const policy::OrderDetermination& order,
                                                        const std::string& order_json,
                                                        const std::string& assertion_id);

/// A new coverage-assertion-id: a uuid's hex digits.
std::string newAssertionId(UuidSource& uuids);

} // namespace pumpcds::cards
