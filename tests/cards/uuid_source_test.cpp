// Card uuids come from one source shared by every server worker thread: they must stay unique and
// well formed when many requests render cards at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

#include "cards/uuid_source.h"

namespace pumpcds::cards {
namespace {

std::vector<std::string> drawConcurrently(UuidSource& source, int threads, int per_thread) {
  std::vector<std::vector<std::string>> drawn(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        drawn[static_cast<size_t>(t)].push_back(source.next());
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  std::vector<std::string> all;
  for (auto& batch : drawn) {
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx in lower-case hex.
bool isVersion4(const std::string& uuid) {
  if (uuid.size() != 36 || uuid[14] != '4' ||
      std::string_view("89ab").find(uuid[19]) == std::string_view::npos) {
    return false;
  }
  for (size_t i = 0; i < uuid.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uuid[i] != '-'
             : std::string_view("0123456789abcdef").find(uuid[i]) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

void expectUniqueVersion4(const std::vector<std::string>& uuids, size_t expected_count) {
  std::set<std::string> distinct(uuids.begin(), uuids.end());
  EXPECT_EQ(distinct.size(), expected_count) << "a uuid was handed out twice";
  for (const auto& uuid : distinct) {
    ASSERT_TRUE(isVersion4(uuid)) << uuid;
  }
}

TEST(UuidSourceTest, RandomSourceGivesDistinctUuidsToConcurrentRequests) {
  RandomUuidSource source;
  expectUniqueVersion4(drawConcurrently(source, 8, 500), 8 * 500);
}

TEST(UuidSourceTest, SequentialSourceNeverRepeatsUnderConcurrentRequests) {
  SequentialUuidSource source;
  const auto uuids = drawConcurrently(source, 8, 2000);
  expectUniqueVersion4(uuids, 8 * 2000);
  // Every number from 1 to 16000 was handed out exactly once.
  EXPECT_EQ(*std::max_element(uuids.begin(), uuids.end()), "00000000-0000-4000-8000-000000016000");
}

TEST(UuidSourceTest, SequentialSourceCountsFromOne) {
  SequentialUuidSource source;
  EXPECT_EQ(source.next(), "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(source.next(), "00000000-0000-4000-8000-000000000002");
}

} // namespace
} // namespace pumpcds::cards
