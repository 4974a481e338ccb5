// Turns a Determination into the CDS Hooks response body: cards (one per pump order, plus a critical
// card per order with a contraindication on record).
#pragma once

#include <string>

#include "cards/uuid_source.h"
#include "policies/determination.h"

namespace pumpcds::cards {

/// The JSON response body {"cards": [...]}. Absent optional fields are left out, never null or empty.
std::string renderCdsResponse(const policy::Determination& determination, UuidSource& uuids);

} // namespace pumpcds::cards
