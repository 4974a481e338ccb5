#include "store/feedback_writer.h"

#include <chrono>
#include <thread>

namespace pumpcds::store {

Status writeFeedback(Store& store, AuditQueue* audit, bool shared_by_replicas,
                     const std::vector<FeedbackItem>& items) {
  // The cards of a call just answered may still be on their way to the store.
  if (audit != nullptr) {
    audit->flush();
  }
  auto stored = store.writeFeedback(items);
  // A card another replica returned may still be in that replica's audit queue (written within
  // milliseconds): give it a second before calling the card unknown.
  for (int wait = 0; wait < 10 && shared_by_replicas && !stored.isOk() &&
                     stored.status().code() == StatusCode::InvalidArgument;
       ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stored = store.writeFeedback(items);
  }
  return stored.status();
}

} // namespace pumpcds::store
