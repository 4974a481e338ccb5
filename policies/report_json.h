// The Determination report (DESIGN.md contract) as JSON.
#pragma once

#include <string>

#include "policies/determination.h"

namespace pumpcds::policy {

/// {"orders":[{"order","code","kind","origin","policy","priorAuth","decision","asOf","criteria":[...]}]}
/// Fields may be added; the ones DESIGN.md names keep their meaning.
std::string toReportJson(const Determination& determination, const std::string& library_revision,
                         bool pretty = true);

} // namespace pumpcds::policy
