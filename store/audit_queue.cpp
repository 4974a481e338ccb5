#include "store/audit_queue.h"

#include <iostream>

namespace pumpcds::store {

AuditQueue::AuditQueue(Store& store, size_t capacity) : store_(store), capacity_(capacity) {
  writer_ = std::thread([this] { run(); });
}

AuditQueue::~AuditQueue() {
  stop();
}

bool AuditQueue::submit(AuditRecord record) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(record));
  }
  wake_.notify_one();
  return true;
}

void AuditQueue::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return (queue_.empty() && in_flight_ == 0) || !writer_.joinable(); });
}

void AuditQueue::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) {
    writer_.join();
  }
  drained_.notify_all();
}

size_t AuditQueue::depth() const {
  const std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

void AuditQueue::run() {
  for (;;) {
    std::vector<AuditRecord> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return; // stopping, and everything accepted is stored
      }
      // One transaction for whatever has queued (up to 500): under load the writes keep up in batches.
      while (!queue_.empty() && batch.size() < 500) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      in_flight_ = batch.size();
    }
    const Status status = store_.writeCalls(batch);
    if (status.isOk()) {
      written_ += static_cast<long long>(batch.size());
    } else {
      failed_ += static_cast<long long>(batch.size());
      std::cerr << "audit: " << batch.size() << " record(s) not stored: " << status.message() << "\n";
    }
    {
      const std::lock_guard lock(mutex_);
      in_flight_ = 0;
    }
    drained_.notify_all();
  }
}

} // namespace pumpcds::store
