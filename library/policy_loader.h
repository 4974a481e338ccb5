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

class NamedRules;

/// Returns the policy, or nullopt with the reasons appended to `errors`. `{"use": name}` rules resolve in
/// `named_rules` (nullptr: none are available).
std::optional<Policy> loadPolicy(const std::string& file, const fhir::JsonValue& root,
                                 const ValueSetLibrary& value_sets, NamedRules* named_rules,
                                 std::vector<std::string>& errors);

} // namespace pumpcds::policy
