// The body of a CDS Hooks 2.0 feedback call ({"feedback": [{card, outcome, outcomeTimestamp,
// acceptedSuggestions?, overrideReason?}]}), checked item by item.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/audit_record.h"

namespace pumpcds::server {

/// The items of a feedback body, or InvalidArgument naming the first bad field ("feedback[1].outcome").
Result<std::vector<store::FeedbackItem>> parseFeedback(std::string_view body);

} // namespace pumpcds::server
