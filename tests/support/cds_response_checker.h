// Checks a CDS Hooks 2.0 response as an EHR would read it, with the Da Vinci CRD conventions pumpcds
// follows: required card fields, enums, summary length in characters, uuids, no null or empty values,
// readable card text, and the coverage-information extension's invariants.
#pragma once

#include <string>
#include <vector>

namespace pumpcds::testing {

/// Every problem found in `response_json`, each naming where ("/cards/0/summary: ..."); empty when none.
std::vector<std::string> cdsResponseProblems(const std::string& response_json);

} // namespace pumpcds::testing
