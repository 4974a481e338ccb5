// The audit store and its writer queue: what is stored survives a restart, feedback is all or nothing and
// only for cards the service returned, and a slow or failing store never blocks or loses silently.
#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "store/audit_queue.h"
#include "store/store.h"

namespace pumpcds::store {
namespace {

AuditRecord call(const std::string& request_id, const std::string& card) {
  AuditRecord record;
  record.time = "2026-06-01T09:00:00.000Z";
  record.request_id = request_id;
  record.service = "pumpcds-order-sign";
  record.hook = "order-sign";
  record.http_status = 200;
  AuditOrder order;
  order.order = "ServiceRequest/1";
  order.code = "62362";
  order.policy = "caresource-nc-mm-1369";
  order.decision = "missing-documentation";
  order.prior_auth = "required";
  order.criteria = {{"caresource-nc-mm-1369/IV.E", "missing"}, {"caresource-nc-mm-1369/I.A", "met"}};
  record.orders.push_back(order);
  record.cards.push_back({card, "ServiceRequest/1"});
  return record;
}

FeedbackItem accepted(const std::string& card) {
  FeedbackItem item;
  item.card = card;
  item.outcome = "accepted";
  item.outcome_timestamp = "2026-06-01T09:05:00Z";
  return item;
}

class StoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pumpcds-store-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  [[nodiscard]] std::string path() const { return (dir_ / "pumpcds.sqlite3").string(); }

  std::filesystem::path dir_;
};

TEST_F(StoreTest, WhatIsStoredSurvivesARestartAndTheSchemaIsAppliedOnce) {
  {
    auto store = openSqliteStore(path());
    ASSERT_TRUE(store.isOk()) << store.status().message();
    ASSERT_TRUE(store.value()->writeCalls({call("r1", "card-1"), call("r2", "card-2")}).isOk());
  }
  auto reopened = openSqliteStore(path());
  ASSERT_TRUE(reopened.isOk()) << reopened.status().message();
  auto summary = reopened.value()->auditSummary();
  ASSERT_TRUE(summary.isOk());
  ASSERT_EQ(summary.value()[0].rows.size(), 1u);
  EXPECT_EQ(summary.value()[0].rows[0][2], "2") << "two calls on one day";
  ASSERT_EQ(summary.value()[2].rows.size(), 1u) << "one criterion missing, the met one not listed";
  EXPECT_EQ(summary.value()[2].rows[0][1], "caresource-nc-mm-1369/IV.E");
  EXPECT_EQ(summary.value()[2].rows[0][2], "2");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(StoreTest, FeedbackIsForReturnedCardsAllOrNoneAndRetriesAreNotCountedTwice) {
  auto store = openSqliteStore(path());
  ASSERT_TRUE(store.isOk());
  ASSERT_TRUE(store.value()->writeCalls({call("r1", "card-1")}).isOk());
  auto refused = store.value()->writeFeedback({accepted("card-1"), accepted("card-9")});
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().message(), "feedback[1].card: no card 'card-9' was returned by this service");
  auto summary = store.value()->feedbackSummary();
  ASSERT_TRUE(summary.isOk());
  EXPECT_TRUE(summary.value()[0].rows.empty()) << "nothing of a refused call is stored";

  auto stored = store.value()->writeFeedback({accepted("card-1")});
  ASSERT_TRUE(stored.isOk());
  EXPECT_EQ(stored.value().stored, 1);
  auto retried = store.value()->writeFeedback({accepted("card-1")});
  ASSERT_TRUE(retried.isOk());
  EXPECT_EQ(retried.value().stored, 0);
  EXPECT_EQ(retried.value().duplicates, 1);
  summary = store.value()->feedbackSummary();
  ASSERT_EQ(summary.value()[0].rows.size(), 1u);
  EXPECT_EQ(summary.value()[0].rows[0], (std::vector<std::string>{"caresource-nc-mm-1369", "1", "0"}));
  ASSERT_EQ(summary.value()[1].rows.size(), 1u) << "the missing criterion the accepted card asked for";
  EXPECT_EQ(summary.value()[1].rows[0][1], "caresource-nc-mm-1369/IV.E");
}

TEST_F(StoreTest, AStoreThatCannotBeOpenedSaysWhichFileAndWhy) {
  auto store = openSqliteStore((dir_ / "no-such-dir" / "x.sqlite3").string());
  ASSERT_FALSE(store.isOk());
  EXPECT_NE(store.status().message().find("no-such-dir/x.sqlite3"), std::string::npos)
      << store.status().message();
}

// A store that holds every write until released, and can be told to fail.
class SlowStore : public Store {
public:
  Status writeCalls(const std::vector<AuditRecord>& records) override {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    if (fail_) {
      return Status(StatusCode::Unavailable, "disk full");
    }
    written_ += static_cast<int>(records.size());
    return {};
  }
  Result<FeedbackResult> writeFeedback(const std::vector<FeedbackItem>&) override { return FeedbackResult{}; }
  Result<std::vector<Table>> auditSummary() override { return std::vector<Table>{}; }
  Result<std::vector<Table>> feedbackSummary() override { return std::vector<Table>{}; }
  [[nodiscard]] std::string describe() const override { return "slow"; }

  void waitUntilWriting() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void release(bool fail = false) {
    const std::lock_guard lock(mutex_);
    released_ = true;
    fail_ = fail;
    changed_.notify_all();
  }
  int written() {
    const std::lock_guard lock(mutex_);
    return written_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool released_ = false;
  bool fail_ = false;
  int written_ = 0;
};

TEST(AuditQueue, AFullQueueDropsAndCountsWithoutBlockingAndStopStoresEverythingAccepted) {
  SlowStore store;
  AuditQueue queue(store, 3);
  EXPECT_TRUE(queue.submit(call("r0", "c0")));
  store.waitUntilWriting(); // r0 is with the store, which does not answer
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(queue.submit(call("r" + std::to_string(i), "c")));
  }
  EXPECT_FALSE(queue.submit(call("r4", "c"))) << "the queue holds 3; the call goes on without its record";
  EXPECT_EQ(queue.dropped(), 1);
  EXPECT_EQ(queue.depth(), 4u);
  store.release();
  queue.stop();
  EXPECT_EQ(store.written(), 4) << "every accepted record was stored before stop() returned";
  EXPECT_EQ(queue.written(), 4);
  EXPECT_FALSE(queue.submit(call("late", "c"))) << "nothing is accepted after stop";
}

TEST(AuditQueue, RecordsTheStoreRefusesAreCountedAsFailed) {
  SlowStore store;
  AuditQueue queue(store, 10);
  queue.submit(call("r0", "c0"));
  store.waitUntilWriting();
  store.release(true);
  queue.flush();
  EXPECT_EQ(queue.failed(), 1);
  EXPECT_EQ(queue.written(), 0);
}

} // namespace
} // namespace pumpcds::store
