// The audit store and its writer queue: what is stored survives a restart, feedback is all or nothing and
// only for cards the service returned, and a slow or failing store never blocks or loses silently.
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/audit_queue.h"
#include "store/schema.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/raw_http.h"

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

// Every store test runs on both databases: SQLite in a temporary file, and a fresh database on a real
// PostgreSQL server started for this program.
class StoreTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    name_ = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (char& c : name_) {
      c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? static_cast<char>(std::tolower(c)) : '_';
    }
    dir_ = std::filesystem::temp_directory_path() / ("pumpcds-store-" + name_);
    name_ = name_.substr(0, 40); // PostgreSQL names: at most 63 bytes
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == "postgres") {
      auto& server = testing::sharedPostgres();
      ASSERT_EQ(server.error(), "");
      url_ = server.createDatabase(name_);
      ASSERT_FALSE(url_.empty());
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  [[nodiscard]] std::string path() const { return (dir_ / "pumpcds.sqlite3").string(); }

  Result<std::unique_ptr<Store>> open() const {
    return GetParam() == "postgres" ? openPostgresStore(url_) : openSqliteStore(path());
  }
  Result<std::unique_ptr<SqlConnection>> connect() const {
    return GetParam() == "postgres" ? openPostgresConnection(url_) : openSqliteConnection(path());
  }

  std::string name_;
  std::filesystem::path dir_;
  std::string url_;
};

INSTANTIATE_TEST_SUITE_P(Databases, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& tested) { return tested.param; });

TEST_P(StoreTest, WhatIsStoredSurvivesARestartAndTheSchemaIsAppliedOnce) {
  {
    auto store = open();
    ASSERT_TRUE(store.isOk()) << store.status().message();
    ASSERT_TRUE(store.value()->writeCalls({call("r1", "card-1"), call("r2", "card-2")}).isOk());
  }
  auto reopened = open();
  ASSERT_TRUE(reopened.isOk()) << reopened.status().message();
  auto summary = reopened.value()->auditSummary();
  ASSERT_TRUE(summary.isOk()) << summary.status().message();
  ASSERT_EQ(summary.value()[0].rows.size(), 1u);
  EXPECT_EQ(summary.value()[0].rows[0][2], "2") << "two calls on one day";
  EXPECT_EQ(summary.value()[0].rows[0][3], "2") << "both answered";
  ASSERT_EQ(summary.value()[2].rows.size(), 1u) << "one criterion missing, the met one not listed";
  EXPECT_EQ(summary.value()[2].rows[0][1], "caresource-nc-mm-1369/IV.E");
  EXPECT_EQ(summary.value()[2].rows[0][2], "2");
  auto connection = connect();
  ASSERT_TRUE(connection.isOk());
  auto migrations = connection.value()->query("SELECT count(*) FROM schema_migrations", {});
  ASSERT_TRUE(migrations.isOk()) << migrations.status().message();
  EXPECT_EQ(migrations.value().rows[0][0], std::to_string(std::size(kMigrations)));
}

TEST_P(StoreTest, ReplicasOpeningTogetherApplyEachMigrationOnce) {
  std::vector<std::thread> replicas;
  std::vector<Status> opened(4);
  for (size_t i = 0; i < opened.size(); ++i) {
    replicas.emplace_back([&, i] { opened[i] = open().status(); });
  }
  for (auto& replica : replicas) {
    replica.join();
  }
  for (const auto& status : opened) {
    EXPECT_TRUE(status.isOk()) << status.message();
  }
  auto connection = connect();
  ASSERT_TRUE(connection.isOk());
  auto migrations = connection.value()->query("SELECT version FROM schema_migrations ORDER BY version", {});
  ASSERT_TRUE(migrations.isOk());
  EXPECT_EQ(migrations.value().rows.size(), std::size(kMigrations));
}

TEST_P(StoreTest, FeedbackIsForReturnedCardsAllOrNoneAndRetriesAreNotCountedTwice) {
  auto store = open();
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

TEST_P(StoreTest, ATokenIsAcceptedOnceAcrossReplicasUntilItExpires) {
  auto first = open();
  auto second = open();
  ASSERT_TRUE(first.isOk() && second.isOk());
  auto fresh = first.value()->rememberToken("https://ehr.example", "jti-1", 1000, 900);
  ASSERT_TRUE(fresh.isOk()) << fresh.status().message();
  EXPECT_TRUE(fresh.value());
  EXPECT_FALSE(second.value()->rememberToken("https://ehr.example", "jti-1", 1000, 901).value())
      << "the other replica sees the token as used";
  EXPECT_TRUE(second.value()->rememberToken("https://other.example", "jti-1", 1000, 901).value())
      << "a jti is per issuer";
  EXPECT_TRUE(first.value()->rememberToken("https://ehr.example", "jti-1", 2000, 1500).value())
      << "an expired entry does not block a new token that reuses the jti";
}

TEST_P(StoreTest, AStoreThatCannotBeOpenedSaysWhereAndWhy) {
  if (GetParam() == "sqlite") {
    auto store = openSqliteStore((dir_ / "no-such-dir" / "x.sqlite3").string());
    ASSERT_FALSE(store.isOk());
    EXPECT_NE(store.status().message().find("no-such-dir/x.sqlite3"), std::string::npos)
        << store.status().message();
    return;
  }
  const int port = testing::freeLoopbackPort();
  auto store = openPostgresStore("postgres://pumpcds:s3cret@127.0.0.1:" + std::to_string(port) + "/audit");
  ASSERT_FALSE(store.isOk());
  const std::string message = store.status().message();
  EXPECT_NE(message.find("postgres://pumpcds@127.0.0.1:" + std::to_string(port) + "/audit"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << "never the password: " << message;
  auto malformed = openPostgresStore("postgres://app:s3cret@[::1/audit");
  ASSERT_FALSE(malformed.isOk());
  EXPECT_NE(malformed.status().message().find("cannot read the PostgreSQL URL: end of string reached"),
            std::string::npos)
      << malformed.status().message();
  EXPECT_EQ(malformed.status().message().find("s3cret"), std::string::npos) << malformed.status().message();
}

TEST(PostgresStore, ALostDatabaseFailsWritesClearlyAndTheStoreReconnectsWhenItIsBack) {
  testing::PostgresServer server; // its own server: this test stops it
  ASSERT_EQ(server.error(), "");
  const std::string url = server.createDatabase("lost");
  auto store = openPostgresStore(url);
  ASSERT_TRUE(store.isOk()) << store.status().message();
  ASSERT_TRUE(store.value()->writeCalls({call("r1", "card-1")}).isOk());
  server.stop();
  const Status down = store.value()->writeCalls({call("r2", "card-2")});
  ASSERT_FALSE(down.isOk());
  EXPECT_NE(down.message().find("127.0.0.1:" + std::to_string(server.port())), std::string::npos)
      << down.message();
  ASSERT_TRUE(server.start()) << server.error();
  const Status back = store.value()->writeCalls({call("r3", "card-3")});
  EXPECT_TRUE(back.isOk()) << back.message();
  auto summary = store.value()->auditSummary();
  ASSERT_TRUE(summary.isOk()) << summary.status().message();
  EXPECT_EQ(summary.value()[0].rows[0][2], "2") << "r1 and r3; r2 was refused, not half-written";
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
  Result<bool> rememberToken(const std::string&, const std::string&, int64_t, int64_t) override {
    return true;
  }
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
