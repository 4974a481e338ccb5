#include "tests/e2e/server_process.h"

#include <algorithm>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pumpcds::testing {
namespace {

std::vector<char*> argv(std::vector<std::string>& arguments) {
  std::vector<char*> out;
  for (auto& argument : arguments) {
    out.push_back(argument.data());
  }
  out.push_back(nullptr);
  return out;
}

std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(fd, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<size_t>(got));
  }
  return text;
}

} // namespace

CommandResult runPumpcds(const std::vector<std::string>& arguments) {
  std::vector<std::string> all = {PUMPCDS_BINARY};
  all.insert(all.end(), arguments.begin(), arguments.end());
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  pid_t pid = -1;
  auto args = argv(all);
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = std::strerror(spawned);
    return result;
  }
  // Read stderr on a thread so that neither pipe can fill and block the child.
  std::thread err_reader([&] { result.err = drain(err_pipe[0]); });
  result.out = drain(out_pipe[0]);
  err_reader.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

namespace {

std::string makeDataDir() {
  char pattern[] = "/tmp/pumpcds-data-XXXXXX";
  return mkdtemp(pattern) != nullptr ? pattern : "";
}

std::vector<std::string> serveArguments(std::vector<std::string> extra_arguments,
                                        const std::string& data_dir) {
  std::vector<std::string> all = {PUMPCDS_BINARY, "serve", "--host", "127.0.0.1", "--port", "0"};
  // Each server keeps its audit trail in a directory of its own, removed with it.
  const bool store_given =
      std::find_if(extra_arguments.begin(), extra_arguments.end(), [](const std::string& argument) {
        return argument == "--data-dir" || argument == "--database";
      }) != extra_arguments.end();
  if (!store_given) {
    all.insert(all.end(), {"--data-dir", data_dir});
  }
  // Tests of what a call does run without tokens; tests of who may call give --issuers (or "--no-auth-
  // default" to see the refusal of an unconfigured server).
  const bool auth_under_test =
      std::find_if(extra_arguments.begin(), extra_arguments.end(), [](const std::string& argument) {
        return argument == "--issuers" || argument == kNoAuthDefault;
      }) != extra_arguments.end();
  if (!auth_under_test) {
    all.emplace_back("--allow-unauthenticated");
  }
  for (auto& argument : extra_arguments) {
    if (argument != kNoAuthDefault) {
      all.push_back(std::move(argument));
    }
  }
  return all;
}

} // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_arguments, const std::string& log_path)
    : data_dir_(makeDataDir()), log_path_(log_path.empty() ? data_dir_ + "/server.log" : log_path),
      process_(serveArguments(std::move(extra_arguments), data_dir_), log_path_) {
  // The first line says where it listens: "pumpcds listening on http://127.0.0.1:PORT (...)".
  const std::string line = process_.readLine(std::chrono::seconds(60));
  const auto colon = line.rfind(':', line.find(" ("));
  if (colon != std::string::npos) {
    port_ = std::atoi(line.c_str() + colon + 1);
  }
  // With --admin-port: "..., admin on http://127.0.0.1:PORT)".
  const std::string admin = ", admin on http://";
  if (const auto at = line.find(admin); at != std::string::npos) {
    const auto admin_colon = line.find(':', at + admin.size());
    if (admin_colon != std::string::npos) {
      admin_port_ = std::atoi(line.c_str() + admin_colon + 1);
    }
  }
}

ServerProcess::~ServerProcess() {
  const int status = process_.stop();
  if (::testing::Test::HasFailure()) {
    std::ifstream log(log_path_);
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    constexpr size_t kTail = 6000;
    if (text.size() > kTail) {
      text = "..." + text.substr(text.size() - kTail);
    }
    std::cerr << "--- the server's log (exit status " << status << ") ---\n"
              << text << "--- end of log ---\n";
  }
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

} // namespace pumpcds::testing
