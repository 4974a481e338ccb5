// The store over any SqlConnection: migrations, the audit writes, feedback, the replay cache and the
// summaries, in SQL both SQLite and PostgreSQL run (upserts with ON CONFLICT, RETURNING, aggregate FILTER).
// One connection, serialized by a mutex.
#include <mutex>

#include "fhir/date.h"
#include "store/schema.h"
#include "store/store.h"

namespace pumpcds::store {
namespace {

class SqlStore : public Store {
public:
  explicit SqlStore(std::unique_ptr<SqlConnection> connection) : db_(std::move(connection)) {}

  Status migrate() {
    const std::lock_guard lock(mutex_);
    Status created = transaction(true, [&] {
      return db_->exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "applied TEXT NOT NULL)");
    });
    if (!created.isOk()) {
      return created;
    }
    for (const auto& migration : kMigrations) {
      // Checked again inside the exclusive transaction: another replica may have applied it meanwhile.
      Status migrated = transaction(true, [&]() -> Status {
        auto applied = db_->query("SELECT count(*) FROM schema_migrations WHERE version = $1",
                                  {int64_t{migration.version}});
        PUMPCDS_RETURN_IF_ERROR(applied.status());
        if (applied.value().rows.at(0).at(0) != "0") {
          return {};
        }
        PUMPCDS_RETURN_IF_ERROR(db_->exec(db_->dialect(migration.sql)));
        return db_
            ->query("INSERT INTO schema_migrations VALUES ($1, $2)",
                    {int64_t{migration.version}, fhir::currentInstant()})
            .status();
      });
      if (!migrated.isOk()) {
        return migrated;
      }
    }
    return {};
  }

  Status writeCalls(const std::vector<AuditRecord>& records) override {
    const std::lock_guard lock(mutex_);
    Status status = transaction(false, [&]() -> Status {
      for (const auto& record : records) {
        auto inserted = db_->query(
            "INSERT INTO hook_call (time, request_id, service, hook, hook_instance, issuer, client, "
            "fhir_server_host, patient_id, library_revision, http_status, total_ms, fhir_ms, evaluation_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            {record.time, record.request_id, record.service, record.hook, record.hook_instance, record.issuer,
             record.client, record.fhir_server_host, record.patient_id, record.library_revision,
             int64_t{record.http_status}, record.total_ms, record.fhir_ms, record.evaluation_ms});
        PUMPCDS_RETURN_IF_ERROR(inserted.status());
        const int64_t id = std::stoll(inserted.value().rows.at(0).at(0));
        for (const auto& decided : record.orders) {
          PUMPCDS_RETURN_IF_ERROR(db_->query("INSERT INTO order_decision VALUES ($1, $2, $3, $4, $5, $6) "
                                             "ON CONFLICT DO NOTHING",
                                             {id, decided.order, decided.code, decided.policy,
                                              decided.decision, decided.prior_auth})
                                      .status());
          for (const auto& [criterion, finding] : decided.criteria) {
            PUMPCDS_RETURN_IF_ERROR(
                db_->query("INSERT INTO criterion_status VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                           {id, decided.order, criterion, finding})
                    .status());
          }
        }
        for (const auto& returned : record.cards) {
          PUMPCDS_RETURN_IF_ERROR(db_->query("INSERT INTO card VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                             {returned.uuid, id, returned.order})
                                      .status());
        }
      }
      return {};
    });
    if (!status.isOk()) {
      return Status(StatusCode::Unavailable, "cannot write the audit trail: " + status.message());
    }
    return status;
  }

  Result<FeedbackResult> writeFeedback(const std::vector<FeedbackItem>& items) override {
    const std::lock_guard lock(mutex_);
    for (size_t i = 0; i < items.size(); ++i) {
      auto known = db_->query("SELECT count(*) FROM card WHERE uuid = $1", {items[i].card});
      PUMPCDS_RETURN_IF_ERROR(known.status());
      if (known.value().rows.at(0).at(0) == "0") {
        return invalidArgument("feedback[" + std::to_string(i) + "].card: no card '" + items[i].card +
                               "' was returned by this service");
      }
    }
    FeedbackResult result;
    const std::string received = fhir::currentInstant();
    Status status = transaction(false, [&]() -> Status {
      for (const auto& item : items) {
        std::string suggestions;
        for (const auto& id : item.accepted_suggestions) {
          suggestions += (suggestions.empty() ? "" : " ") + id;
        }
        auto inserted = db_->query(
            "INSERT INTO feedback (card_uuid, outcome, outcome_timestamp, override_system, override_code, "
            "override_comment, accepted_suggestions, received) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT DO NOTHING RETURNING id",
            {item.card, item.outcome, item.outcome_timestamp, item.override_system, item.override_code,
             item.override_comment, suggestions, received});
        PUMPCDS_RETURN_IF_ERROR(inserted.status());
        (inserted.value().rows.empty() ? result.duplicates : result.stored) += 1;
      }
      return {};
    });
    if (!status.isOk()) {
      return Status(StatusCode::Unavailable, "cannot store feedback: " + status.message());
    }
    return result;
  }

  Result<bool> rememberToken(const std::string& issuer, const std::string& jti, int64_t expires,
                             int64_t now) override {
    const std::lock_guard lock(mutex_);
    // An entry whose token has expired is taken over; a live one means the token was seen.
    auto fresh = db_->query("INSERT INTO token_seen VALUES ($1, $2, $3) ON CONFLICT (issuer, jti) DO UPDATE "
                            "SET expires = excluded.expires WHERE token_seen.expires < $4 RETURNING expires",
                            {issuer, jti, expires, now});
    PUMPCDS_RETURN_IF_ERROR(fresh.status());
    if (++tokens_since_purge_ >= 1000) {
      tokens_since_purge_ = 0;
      (void)db_->query("DELETE FROM token_seen WHERE expires < $1", {now});
    }
    return !fresh.value().rows.empty();
  }

  Result<std::vector<Table>> auditSummary() override {
    return tables({
        {"Calls per day and service", "SELECT substr(time, 1, 10) AS day, service, count(*) AS calls, "
                                      "count(*) FILTER (WHERE http_status = 200) AS answered, "
                                      "round(CAST(avg(total_ms) AS NUMERIC), 1) AS mean_ms, "
                                      "round(CAST(max(total_ms) AS NUMERIC), 1) AS max_ms "
                                      "FROM hook_call GROUP BY 1, 2 ORDER BY 1, 2"},
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
         "count(*) FILTER (WHERE f.outcome = 'accepted') AS accepted, "
         "count(*) FILTER (WHERE f.outcome = 'overridden') AS overridden "
         "FROM feedback f JOIN card c ON c.uuid = f.card_uuid "
         "LEFT JOIN order_decision d ON d.call_id = c.call_id AND d.order_ref = c.order_ref "
         "GROUP BY 1 ORDER BY 1"},
        {"Feedback on cards by the criterion they asked for",
         "SELECT d.policy AS policy, s.criterion AS criterion, "
         "count(*) FILTER (WHERE f.outcome = 'accepted') AS accepted, "
         "count(*) FILTER (WHERE f.outcome = 'overridden') AS overridden FROM feedback f "
         "JOIN card c ON c.uuid = f.card_uuid "
         "JOIN order_decision d ON d.call_id = c.call_id AND d.order_ref = c.order_ref "
         "JOIN criterion_status s ON s.call_id = c.call_id AND s.order_ref = c.order_ref "
         "AND s.status = 'missing' GROUP BY 1, 2 ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT 20"},
        {"Override reasons",
         "SELECT coalesce(nullif(override_code, ''), '(none given)') AS reason, count(*) AS cards "
         "FROM feedback WHERE outcome = 'overridden' GROUP BY 1 ORDER BY 2 DESC, 1"},
    });
  }

  [[nodiscard]] std::string describe() const override { return db_->describe(); }

private:
  // Runs `body` in a transaction: committed when it succeeds, rolled back when it fails.
  template <typename Body> Status transaction(bool exclusive, Body body) {
    PUMPCDS_RETURN_IF_ERROR(db_->begin(exclusive));
    Status status = body();
    if (status.isOk()) {
      status = db_->exec("COMMIT");
    }
    if (!status.isOk()) {
      (void)db_->exec("ROLLBACK");
    }
    return status;
  }

  Result<std::vector<Table>> tables(const std::vector<std::pair<std::string, std::string>>& queries) {
    const std::lock_guard lock(mutex_);
    std::vector<Table> out;
    for (const auto& [title, sql] : queries) {
      auto rows = db_->query(sql, {});
      PUMPCDS_RETURN_IF_ERROR(rows.status());
      out.push_back(Table{title, std::move(rows.value().columns), std::move(rows.value().rows)});
    }
    return out;
  }

  std::unique_ptr<SqlConnection> db_;
  std::mutex mutex_;
  int tokens_since_purge_ = 0;
};

} // namespace

Result<std::unique_ptr<Store>> openStore(std::unique_ptr<SqlConnection> connection) {
  auto store = std::make_unique<SqlStore>(std::move(connection));
  PUMPCDS_RETURN_IF_ERROR(store->migrate());
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path) {
  auto connection = openSqliteConnection(path);
  PUMPCDS_RETURN_IF_ERROR(connection.status());
  return openStore(std::move(connection).value());
}

Result<std::unique_ptr<Store>> openPostgresStore(const std::string& url) {
  auto connection = openPostgresConnection(url);
  PUMPCDS_RETURN_IF_ERROR(connection.status());
  return openStore(std::move(connection).value());
}

} // namespace pumpcds::store
