// One connection to the store's database, as the store uses it: SQL with numbered parameters ($1, $2, ...)
// bound as text or numbers, every value read back as text. SQLite and PostgreSQL implement it, so the
// schema, the writes and the summaries above it are written once (sql_store.cpp). Not thread-safe: the
// store serializes its calls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace pumpcds::store {

using SqlValue = std::variant<std::string, int64_t, double>;

struct SqlRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

class SqlConnection {
public:
  virtual ~SqlConnection() = default;
  /// Runs statements without parameters (several, separated by semicolons).
  virtual Status exec(std::string_view sql) = 0;
  /// Runs one statement (prepared once per connection and reused) with `params` as $1, $2, ...
  virtual Result<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  /// Opens a transaction that writes. `exclusive`: no other connection to the same database runs one at the
  /// same time (two replicas migrating at once).
  virtual Status begin(bool exclusive) = 0;
  /// The migration text in this database's words: {{id}}, {{bigint}}, {{double}} and {{without_rowid}}.
  [[nodiscard]] virtual std::string dialect(std::string_view migration) const = 0;
  /// Where the data lives, without any password ("sqlite:/var/lib/pumpcds/pumpcds.sqlite3").
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// Opens (creating when absent) the SQLite file `path` in WAL mode.
Result<std::unique_ptr<SqlConnection>> openSqliteConnection(const std::string& path);
/// Connects to PostgreSQL at `url` (postgres://user:password@host:port/database?options, as libpq reads it).
/// The error names the server without the password, and what libpq said.
Result<std::unique_ptr<SqlConnection>> openPostgresConnection(const std::string& url);

/// Replaces each {{name}} in `text` by its value in `words` (pairs of name and value).
std::string substitute(std::string_view text,
                       const std::vector<std::pair<std::string_view, std::string_view>>& words);

} // namespace pumpcds::store
