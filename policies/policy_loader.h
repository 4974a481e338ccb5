// Reads one policy file into a Policy, strictly: unknown keys, unknown value sets, bad dates and
// malformed rules are all reported (file, JSON pointer, reason), never skipped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/json_read.h"
#include "policies/policy.h"
#include "policies/value_set.h"

namespace pumpcds::policy {

/// Returns the policy, or nullopt with the reasons appended to `errors`.
std::optional<Policy> loadPolicy(const std::string& file, const fhir::JsonValue& root,
                                 const ValueSetLibrary& value_sets, std::vector<std::string>& errors);

} // namespace pumpcds::policy
