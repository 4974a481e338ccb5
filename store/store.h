// Where audit records, feedback and the JWT replay cache are kept: SQLite in a file by default,
// PostgreSQL when replicas share them. One schema, applied (and migrated) when the store opens.
// Thread-safe: the audit writer and feedback calls share one store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/audit_record.h"
#include "store/sql_connection.h"

namespace pumpcds::store {

/// What `pumpcds audit` and `pumpcds feedback` print: rows of named columns.
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct FeedbackResult {
  int stored = 0;
  int duplicates = 0; ///< items already stored (an EHR's retry), accepted again and not counted twice
};

class Store {
public:
  virtual ~Store() = default;
  /// The records of many calls, in one transaction.
  virtual Status writeCalls(const std::vector<AuditRecord>& records) = 0;
  /// Checks every item's card against the audit trail, then stores them all or none. InvalidArgument naming
  /// the first card no call of this store returned.
  virtual Result<FeedbackResult> writeFeedback(const std::vector<FeedbackItem>& items) = 0;
  /// Records that the token `jti` of `issuer`, valid until `expires`, was used: true when no live token of
  /// that issuer and jti was recorded before (by this replica or any other sharing the database).
  virtual Result<bool> rememberToken(const std::string& issuer, const std::string& jti, int64_t expires,
                                     int64_t now) = 0;
  /// Calls per day and service, decisions per policy, the criteria most often missing.
  virtual Result<std::vector<Table>> auditSummary() = 0;
  /// Cards accepted and overridden per policy, per missing criterion, and the override reasons given.
  virtual Result<std::vector<Table>> feedbackSummary() = 0;
  /// Where the data lives, for messages ("sqlite:/var/lib/pumpcds/pumpcds.sqlite3").
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// The store on `connection`, with the schema's migrations applied.
Result<std::unique_ptr<Store>> openStore(std::unique_ptr<SqlConnection> connection);
/// Opens (creating when absent) the SQLite store `path`. The error names the file and what SQLite said.
Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path);
/// Opens the PostgreSQL store at `url` (postgres://...). The error names the server (never the password).
Result<std::unique_ptr<Store>> openPostgresStore(const std::string& url);

} // namespace pumpcds::store
