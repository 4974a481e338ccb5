// Turns a Determination into the CDS Hooks response body: cards (one per pump order, plus a critical
// card per order with a contraindication on record), and CRD coverage-information system actions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cards/uuid_source.h"
#include "policies/determination.h"

namespace pumpcds::cards {

/// The JSON response body {"cards": [...], "systemActions": [...]}. Absent optional fields are left out,
/// never null or empty. `order_json` holds each draft order as sent ("Type/id" -> JSON): an order with a
/// policy gets a Da Vinci CRD coverage-information systemAction updating it.
/// A card that asks for something (a warning or a contraindication) offers `override_reasons`.
std::string renderCdsResponse(const policy::Determination& determination, UuidSource& uuids,
                              const std::map<std::string, std::string>& order_json = {},
                              const std::vector<fhir::Coding>& override_reasons = {});

} // namespace pumpcds::cards
