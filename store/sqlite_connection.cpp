// SqlConnection on SQLite: one file, WAL mode (`pumpcds audit` reads while the server writes), statements
// prepared once and kept for the connection's life.
#include <sqlite3.h>

#include <map>

#include "store/sql_connection.h"

namespace pumpcds::store {
namespace {

class SqliteConnection : public SqlConnection {
public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) {
      sqlite3_finalize(statement);
    }
    sqlite3_close(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status exec(std::string_view sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      return Status(StatusCode::Unavailable, describe() + ": " + message);
    }
    return {};
  }

  Result<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* statement = prepared(sql);
    if (statement == nullptr) {
      return failure();
    }
    for (size_t i = 0; i < params.size(); ++i) {
      // By name: SQLite numbers "$N" parameters in order of appearance, not by N.
      const int index = sqlite3_bind_parameter_index(statement, ("$" + std::to_string(i + 1)).c_str());
      if (const auto* text = std::get_if<std::string>(&params[i])) {
        sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()), SQLITE_TRANSIENT);
      } else if (const auto* integer = std::get_if<int64_t>(&params[i])) {
        sqlite3_bind_int64(statement, index, *integer);
      } else {
        sqlite3_bind_double(statement, index, std::get<double>(params[i]));
      }
    }
    SqlRows out;
    const int columns = sqlite3_column_count(statement);
    for (int column = 0; column < columns; ++column) {
      out.columns.emplace_back(sqlite3_column_name(statement, column));
    }
    int step = 0;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
      std::vector<std::string> row;
      row.reserve(columns);
      for (int column = 0; column < columns; ++column) {
        const auto* value = sqlite3_column_text(statement, column);
        row.emplace_back(value != nullptr ? reinterpret_cast<const char*>(value) : "");
      }
      out.rows.push_back(std::move(row));
    }
    if (step != SQLITE_DONE) {
      Status status = failure();
      sqlite3_reset(statement);
      return status;
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return out;
  }

  Status begin(bool /*exclusive*/) override {
    // IMMEDIATE takes the write lock at once: two writers never both read and then fail to upgrade.
    return exec("BEGIN IMMEDIATE");
  }

  [[nodiscard]] std::string dialect(std::string_view migration) const override {
    return substitute(migration, {{"id", "INTEGER PRIMARY KEY"},
                                  {"bigint", "INTEGER"},
                                  {"double", "REAL"},
                                  {"without_rowid", " WITHOUT ROWID"}});
  }

  [[nodiscard]] std::string describe() const override { return "sqlite:" + path_; }

private:
  sqlite3_stmt* prepared(const std::string& sql) {
    if (const auto found = statements_.find(sql); found != statements_.end()) {
      return found->second;
    }
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    statements_.emplace(sql, statement);
    return statement;
  }
  [[nodiscard]] Status failure() const {
    return Status(StatusCode::Unavailable, describe() + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

} // namespace

std::string substitute(std::string_view text,
                       const std::vector<std::pair<std::string_view, std::string_view>>& words) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    const size_t close = open == std::string_view::npos ? open : text.find("}}", open);
    if (close == std::string_view::npos) {
      break;
    }
    out.append(text.substr(at, open - at));
    const std::string_view name = text.substr(open + 2, close - open - 2);
    bool known = false;
    for (const auto& [word, value] : words) {
      if (word == name) {
        out.append(value);
        known = true;
      }
    }
    if (!known) {
      out.append(text.substr(open, close + 2 - open));
    }
    at = close + 2;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

Result<std::unique_ptr<SqlConnection>> openSqliteConnection(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(StatusCode::Unavailable, "cannot open the store sqlite:" + path + ": " + error);
  }
  auto connection = std::make_unique<SqliteConnection>(db, path);
  // Wait rather than fail when another process writes: first, since switching to WAL takes a lock too.
  // WAL: readers (pumpcds audit) never block the server's writes; NORMAL sync is durable across a process
  // crash (a power cut may lose the last transactions).
  for (const char* pragma : {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                             "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status(StatusCode::Unavailable,
                    "cannot use the store sqlite:" + path + ": " + sqlite3_errmsg(db) + " (" + pragma + ")");
    }
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

} // namespace pumpcds::store
