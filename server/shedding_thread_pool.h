// The HTTP server's workers, bounded: cpp-httplib hands each accepted connection to a TaskQueue, and its
// own ThreadPool queues them without end, so under overload every caller waits and none is told why.
// Here at most `workers` connections are served and `max_waiting` wait; a connection beyond that goes to
// a small pool of shedding threads, where the server answers 503 with Retry-After (see isShedding()).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace pumpcds::server {

class SheddingThreadPool : public httplib::TaskQueue {
public:
  SheddingThreadPool(size_t workers, size_t max_waiting, size_t shedding_workers = 2);
  ~SheddingThreadPool() override;
  SheddingThreadPool(const SheddingThreadPool&) = delete;
  SheddingThreadPool& operator=(const SheddingThreadPool&) = delete;

  void enqueue(std::function<void()> connection) override;
  void shutdown() override;

  /// True on a shedding thread: the request being read came when every worker was taken.
  static bool isShedding();
  /// Connections shed since start (every pool of the process).
  static long long shedTotal();

private:
  struct Lane {
    std::deque<std::function<void()>> waiting;
    std::vector<std::thread> threads;
  };
  void run(Lane& lane, bool shedding);

  const size_t workers_;
  const size_t max_waiting_;
  size_t busy_ = 0; ///< connections a worker is serving
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  Lane serve_;
  Lane shed_;
};

} // namespace pumpcds::server
