// Storing the feedback on cards: a card is known to the store only once the audit record of the call that
// returned it is stored, so the writer first lets this replica's queued records reach the store, and with
// a store that replicas share (PostgreSQL) gives another replica's records a second to arrive.
#pragma once

#include <vector>

#include "base/result.h"
#include "store/audit_queue.h"
#include "store/audit_record.h"
#include "store/store.h"

namespace pumpcds::store {

/// Stores `items`; InvalidArgument names a card the store does not know (after the wait), other codes
/// are the store's own failures. `audit` may be null (no queue in front of the store).
Status writeFeedback(Store& store, AuditQueue* audit, bool shared_by_replicas,
                     const std::vector<FeedbackItem>& items);

} // namespace pumpcds::store
