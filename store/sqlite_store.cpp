// The SQLite store: one connection (serialized by a mutex; SQLite in WAL mode lets `pumpcds audit` read
// while the server writes), prepared statements per call.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "store/schema.h"
#include "store/store.h"

namespace pumpcds::store {
namespace {

std::string utcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// A prepared statement, finalized when it goes out of scope.
class Statement {
public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr); }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] bool ok() const { return statement_ != nullptr; }
  Statement& bind(int index, const std::string& text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, double value) {
    sqlite3_bind_double(statement_, index, value);
    return *this;
  }
  Statement& bind(int index, int value) {
    sqlite3_bind_int(statement_, index, value);
    return *this;
  }
  /// Runs a statement that returns no rows (again, after reset, for the next bound values).
  int run() {
    const int result = sqlite3_step(statement_);
    sqlite3_reset(statement_);
    return result;
  }
  bool next() { return sqlite3_step(statement_) == SQLITE_ROW; }
  void reset() { sqlite3_reset(statement_); }
  [[nodiscard]] std::string text(int column) const {
    const auto* value = sqlite3_column_text(statement_, column);
    return value != nullptr ? reinterpret_cast<const char*>(value) : "";
  }
  [[nodiscard]] int columns() const { return sqlite3_column_count(statement_); }
  [[nodiscard]] std::string columnName(int column) const { return sqlite3_column_name(statement_, column); }

private:
  sqlite3_stmt* statement_ = nullptr;
};

class SqliteStore : public Store {
public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close(db_); }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status migrate() {
    const std::lock_guard lock(mutex_);
    PUMPCDS_RETURN_IF_ERROR(exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                 "applied TEXT NOT NULL)"));
    int applied = 0;
    {
      Statement latest(db_, "SELECT coalesce(max(version), 0) FROM schema_migrations");
      if (latest.ok() && latest.next()) {
        applied = std::stoi(latest.text(0));
      }
    }
    for (const auto& migration : kMigrations) {
      if (migration.version <= applied) {
        continue;
      }
      PUMPCDS_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
      Status status = exec(std::string(migration.sql).c_str());
      if (status.isOk()) {
        status = exec(("INSERT INTO schema_migrations VALUES (" + std::to_string(migration.version) + ", '" +
                       utcNow() + "')")
                          .c_str());
      }
      if (!status.isOk()) {
        (void)exec("ROLLBACK");
        return status;
      }
      PUMPCDS_RETURN_IF_ERROR(exec("COMMIT"));
    }
    return {};
  }

  Status writeCalls(const std::vector<AuditRecord>& records) override {
    const std::lock_guard lock(mutex_);
    PUMPCDS_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
    Statement call(db_,
                   "INSERT INTO hook_call (time, request_id, service, hook, hook_instance, issuer, client, "
                   "fhir_server_host, patient_id, library_revision, http_status, total_ms, fhir_ms, "
                   "evaluation_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    Statement order(db_, "INSERT OR IGNORE INTO order_decision VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    Statement criterion(db_, "INSERT OR IGNORE INTO criterion_status VALUES (?1, ?2, ?3, ?4)");
    Statement card(db_, "INSERT OR IGNORE INTO card VALUES (?1, ?2, ?3)");
    bool ok = call.ok() && order.ok() && criterion.ok() && card.ok();
    for (const auto& record : records) {
      if (!ok) {
        break;
      }
      call.bind(1, record.time).bind(2, record.request_id).bind(3, record.service).bind(4, record.hook);
      call.bind(5, record.hook_instance).bind(6, record.issuer).bind(7, record.client);
      call.bind(8, record.fhir_server_host).bind(9, record.patient_id).bind(10, record.library_revision);
      call.bind(11, record.http_status).bind(12, record.total_ms).bind(13, record.fhir_ms);
      call.bind(14, record.evaluation_ms);
      ok = call.run() == SQLITE_DONE;
      const int id = static_cast<int>(sqlite3_last_insert_rowid(db_));
      for (const auto& decided : record.orders) {
        order.bind(1, id).bind(2, decided.order).bind(3, decided.code).bind(4, decided.policy);
        order.bind(5, decided.decision).bind(6, decided.prior_auth);
        ok = ok && order.run() == SQLITE_DONE;
        for (const auto& [criterion_id, status] : decided.criteria) {
          criterion.bind(1, id).bind(2, decided.order).bind(3, criterion_id).bind(4, status);
          ok = ok && criterion.run() == SQLITE_DONE;
        }
      }
      for (const auto& returned : record.cards) {
        card.bind(1, returned.uuid).bind(2, id).bind(3, returned.order);
        ok = ok && card.run() == SQLITE_DONE;
      }
    }
    if (!ok) {
      const std::string error = sqlite3_errmsg(db_);
      (void)exec("ROLLBACK");
      return Status(StatusCode::Unavailable, "cannot write the audit trail to " + describe() + ": " + error);
    }
    return exec("COMMIT");
  }

  Result<FeedbackResult> writeFeedback(const std::vector<FeedbackItem>& items) override {
    const std::lock_guard lock(mutex_);
    {
      Statement known(db_, "SELECT 1 FROM card WHERE uuid = ?1");
      for (size_t i = 0; i < items.size(); ++i) {
        known.bind(1, items[i].card);
        const bool found = known.next();
        known.reset();
        if (!found) {
          return invalidArgument("feedback[" + std::to_string(i) + "].card: no card '" + items[i].card +
                                 "' was returned by this service");
        }
      }
    }
    PUMPCDS_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
    Statement insert(db_, "INSERT OR IGNORE INTO feedback (card_uuid, outcome, outcome_timestamp, "
                          "override_system, override_code, override_comment, accepted_suggestions, received) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    FeedbackResult result;
    const std::string received = utcNow();
    for (const auto& item : items) {
      std::string suggestions;
      for (const auto& id : item.accepted_suggestions) {
        suggestions += (suggestions.empty() ? "" : " ") + id;
      }
      insert.bind(1, item.card).bind(2, item.outcome).bind(3, item.outcome_timestamp);
      insert.bind(4, item.override_system).bind(5, item.override_code).bind(6, item.override_comment);
      insert.bind(7, suggestions).bind(8, received);
      if (insert.run() != SQLITE_DONE) {
        const std::string error = sqlite3_errmsg(db_);
        (void)exec("ROLLBACK");
        return Status(StatusCode::Unavailable, "cannot store feedback in " + describe() + ": " + error);
      }
      (sqlite3_changes(db_) > 0 ? result.stored : result.duplicates) += 1;
    }
    PUMPCDS_RETURN_IF_ERROR(exec("COMMIT"));
    return result;
  }

  Result<std::vector<Table>> auditSummary() override {
    return tables({
        {"Calls per day and service",
         "SELECT substr(time, 1, 10) AS day, service, count(*) AS calls, "
         "sum(http_status = 200) AS answered, round(avg(total_ms), 1) AS mean_ms, "
         "round(max(total_ms), 1) AS max_ms FROM hook_call GROUP BY day, service ORDER BY day, service"},
        {"Decisions per policy",
         "SELECT coalesce(nullif(policy, ''), '(no policy)') AS policy, decision, count(*) AS orders "
         "FROM order_decision GROUP BY 1, 2 ORDER BY 1, 2"},
        {"Criteria most often missing",
         "SELECT d.policy AS policy, s.criterion AS criterion, count(*) AS missing FROM criterion_status s "
         "JOIN order_decision d ON d.call_id = s.call_id AND d.order_ref = s.order_ref "
         "WHERE s.status = 'missing' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20"},
    });
  }

  Result<std::vector<Table>> feedbackSummary() override {
    return tables({
        {"Cards accepted and overridden per policy",
         "SELECT coalesce(nullif(d.policy, ''), '(no policy)') AS policy, "
         "sum(f.outcome = 'accepted') AS accepted, sum(f.outcome = 'overridden') AS overridden "
         "FROM feedback f JOIN card c ON c.uuid = f.card_uuid "
         "LEFT JOIN order_decision d ON d.call_id = c.call_id AND d.order_ref = c.order_ref "
         "GROUP BY 1 ORDER BY 1"},
        {"Feedback on cards by the criterion they asked for",
         "SELECT d.policy AS policy, s.criterion AS criterion, sum(f.outcome = 'accepted') AS accepted, "
         "sum(f.outcome = 'overridden') AS overridden FROM feedback f JOIN card c ON c.uuid = f.card_uuid "
         "JOIN order_decision d ON d.call_id = c.call_id AND d.order_ref = c.order_ref "
         "JOIN criterion_status s ON s.call_id = c.call_id AND s.order_ref = c.order_ref "
         "AND s.status = 'missing' GROUP BY 1, 2 ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT 20"},
        {"Override reasons",
         "SELECT coalesce(nullif(override_code, ''), '(none given)') AS reason, count(*) AS cards "
         "FROM feedback WHERE outcome = 'overridden' GROUP BY 1 ORDER BY 2 DESC, 1"},
    });
  }

  [[nodiscard]] std::string describe() const override { return "sqlite:" + path_; }

private:
  Status exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      return Status(StatusCode::Unavailable, describe() + ": " + message);
    }
    return {};
  }

  Result<std::vector<Table>> tables(const std::vector<std::pair<std::string, std::string>>& queries) {
    const std::lock_guard lock(mutex_);
    std::vector<Table> out;
    for (const auto& [title, sql] : queries) {
      Statement query(db_, sql.c_str());
      if (!query.ok()) {
        return Status(StatusCode::Unavailable, describe() + ": " + sqlite3_errmsg(db_));
      }
      Table table{title, {}, {}};
      for (int column = 0; column < query.columns(); ++column) {
        table.columns.push_back(query.columnName(column));
      }
      while (query.next()) {
        std::vector<std::string> row;
        row.reserve(table.columns.size());
        for (int column = 0; column < query.columns(); ++column) {
          row.push_back(query.text(column));
        }
        table.rows.push_back(std::move(row));
      }
      out.push_back(std::move(table));
    }
    return out;
  }

  sqlite3* db_;
  std::string path_;
  std::mutex mutex_;
};

} // namespace

Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(StatusCode::Unavailable, "cannot open the store sqlite:" + path + ": " + error);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  // WAL: readers (pumpcds audit) never block the server's writes; NORMAL sync is durable across a process
  // crash (a power cut may lose the last transactions); wait rather than fail when another process writes.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                             "PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status(StatusCode::Unavailable,
                    "cannot use the store sqlite:" + path + ": " + sqlite3_errmsg(db) + " (" + pragma + ")");
    }
  }
  PUMPCDS_RETURN_IF_ERROR(store->migrate());
  return std::unique_ptr<Store>(std::move(store));
}

} // namespace pumpcds::store
