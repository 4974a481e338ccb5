#include "tests/support/postgres_server.h"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/raw_http.h"

namespace pumpcds::testing {
namespace {

// Debian installs each major version's server under /usr/lib/postgresql/<major>/bin; the newest wins.
std::string serverBinDir() {
  std::string best;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    const auto bin = entry.path() / "bin";
    if (std::filesystem::exists(bin / "postgres") && std::filesystem::exists(bin / "initdb") &&
        bin.string() > best) {
      best = bin.string();
    }
  }
  return best;
}

int run(const std::vector<std::string>& command, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string redirect = log.empty() ? "/dev/null" : log;
    if (freopen(redirect.c_str(), "a", stdout) == nullptr ||
        freopen(redirect.c_str(), "a", stderr) == nullptr) {
      _exit(127);
    }
    std::vector<char*> argv;
    for (const auto& argument : command) {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

PostgresServer::PostgresServer() {
  bin_ = serverBinDir();
  if (bin_.empty()) {
    error_ = "PostgreSQL's server is not installed (.ci/install-deps --test installs Debian's postgresql)";
    return;
  }
  char pattern[] = "/tmp/pumpcds-postgres-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    error_ = "cannot make a temporary directory";
    return;
  }
  dir_ = pattern;
  if (geteuid() == 0 && chown(dir_.c_str(), 65534, 65534) != 0) { // nobody:nogroup
    error_ = "cannot give " + dir_ + " to nobody";
    return;
  }
  const std::string log = dir_ + "/server.log";
  if (run(asServerUser({bin_ + "/initdb", "-D", dir_ + "/data", "-A", "trust", "-U", "pumpcds", "-E", "UTF8",
                        "--locale=C", "--no-sync"}),
          log) != 0) {
    error_ = "initdb failed; see " + log;
    return;
  }
  port_ = freeLoopbackPort();
  start();
}

bool PostgresServer::start() {
  const std::string log = dir_ + "/server.log";
  server_ = std::make_unique<ChildProcess>(
      asServerUser({bin_ + "/postgres", "-D", dir_ + "/data", "-k", dir_, "-p", std::to_string(port_), "-c",
                    "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=100"}),
      log);
  const std::string ready = url("postgres");
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (PQping(ready.c_str()) == PQPING_OK) {
      error_.clear();
      return true;
    }
    if (!server_->running()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = "PostgreSQL did not start on port " + std::to_string(port_) + "; see " + log;
  return false;
}

PostgresServer::~PostgresServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void PostgresServer::stop() {
  if (server_ != nullptr && server_->running()) {
    run(asServerUser({bin_ + "/pg_ctl", "stop", "-D", dir_ + "/data", "-m", "fast", "-w"}), "");
  }
  server_.reset();
}

std::vector<std::string> PostgresServer::asServerUser(std::vector<std::string> command) const {
  if (geteuid() != 0) {
    return command;
  }
  std::vector<std::string> wrapped = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  wrapped.insert(wrapped.end(), command.begin(), command.end());
  return wrapped;
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgres://pumpcds@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::createDatabase(const std::string& wanted) {
  const std::string name = wanted + "_" + std::to_string(++databases_);
  PGconn* connection = PQconnectdb(url("postgres").c_str());
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  PGresult* created = PQexec(connection, ("CREATE DATABASE \"" + name + "\"").c_str());
  const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
  if (!ok) {
    ADD_FAILURE() << "CREATE DATABASE " << name << ": " << PQerrorMessage(connection);
  }
  PQclear(created);
  PQfinish(connection);
  return ok ? url(name) : "";
}

PostgresServer& sharedPostgres() {
  static PostgresServer server;
  return server;
}

} // namespace pumpcds::testing
