#include "server/shedding_thread_pool.h"

#include <atomic>

namespace pumpcds::server {
namespace {

thread_local bool shedding_thread = false;
std::atomic<long long> shed_total{0};

} // namespace

SheddingThreadPool::SheddingThreadPool(size_t workers, size_t max_waiting, size_t shedding_workers)
    : workers_(workers), max_waiting_(max_waiting) {
  for (size_t i = 0; i < workers; ++i) {
    serve_.threads.emplace_back([this] { run(serve_, false); });
  }
  for (size_t i = 0; i < shedding_workers; ++i) {
    shed_.threads.emplace_back([this] { run(shed_, true); });
  }
}

SheddingThreadPool::~SheddingThreadPool() {
  shutdown();
}

void SheddingThreadPool::enqueue(std::function<void()> connection) {
  {
    std::lock_guard lock(mutex_);
    const bool saturated = busy_ + serve_.waiting.size() >= workers_ + max_waiting_;
    if (saturated) {
      ++shed_total;
    }
    // Shed connections are still served, briefly: the connection closes only after its 503 is written.
    (saturated ? shed_ : serve_).waiting.push_back(std::move(connection));
  }
  wake_.notify_all();
}

void SheddingThreadPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  wake_.notify_all();
  for (Lane* lane : {&serve_, &shed_}) {
    for (auto& thread : lane->threads) {
      thread.join();
    }
  }
}

void SheddingThreadPool::run(Lane& lane, bool shedding) {
  shedding_thread = shedding;
  for (;;) {
    std::function<void()> connection;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !lane.waiting.empty(); });
      if (lane.waiting.empty()) {
        return; // stopping, and every accepted connection was served
      }
      connection = std::move(lane.waiting.front());
      lane.waiting.pop_front();
      busy_ += shedding ? 0 : 1;
    }
    connection();
    if (!shedding) {
      std::lock_guard lock(mutex_);
      --busy_;
    }
  }
}

bool SheddingThreadPool::isShedding() {
  return shedding_thread;
}

long long SheddingThreadPool::shedTotal() {
  return shed_total.load();
}

} // namespace pumpcds::server
