// Hands audit records to the store off the request path: submit() never blocks and never fails a hook; a
// writer thread stores what has queued, in batches. A full queue (the store too slow or down) drops the
// record and counts it; stop() stores everything accepted before it returns (a clean shutdown loses
// nothing; kill -9 loses at most what is queued).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace pumpcds::store {

class AuditQueue {
public:
  AuditQueue(Store& store, size_t capacity = 10000);
  ~AuditQueue();
  AuditQueue(const AuditQueue&) = delete;
  AuditQueue& operator=(const AuditQueue&) = delete;

  /// Queues a record; false (and counted) when the queue is full.
  bool submit(AuditRecord record);
  /// Waits until everything submitted so far is stored (or failed to be): feedback on a card just
  /// returned must find its audit record.
  void flush();
  /// Stores what is queued and stops the writer.
  void stop();

  [[nodiscard]] size_t depth() const;
  [[nodiscard]] long long dropped() const { return dropped_.load(); }
  [[nodiscard]] long long written() const { return written_.load(); }
  [[nodiscard]] long long failed() const { return failed_.load(); }

private:
  void run();

  Store& store_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<AuditRecord> queue_;
  size_t in_flight_ = 0; ///< taken by the writer, not yet stored
  bool stopping_ = false;
  std::atomic<long long> dropped_{0};
  std::atomic<long long> written_{0};
  std::atomic<long long> failed_{0};
  std::thread writer_;
};

} // namespace pumpcds::store
