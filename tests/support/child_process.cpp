#include "tests/support/child_process.h"

#include <csignal>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pumpcds::testing {

ChildProcess::ChildProcess(std::vector<std::string> arguments, const std::string& stderr_path) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) {
    return;
  }
  std::vector<char*> argv;
  for (auto& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.empty() ? "/dev/null" : stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  stdout_fd_ = out_pipe[0];
}

std::string ChildProcess::readLine(std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{stdout_fd_, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) {
      continue;
    }
    char c = 0;
    if (read(stdout_fd_, &c, 1) != 1) {
      break;
    }
    if (c == '\n') {
      return line;
    }
    line += c;
  }
  return {};
}

bool ChildProcess::running() const {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

void ChildProcess::signal(int signal) const {
  if (pid_ > 0) {
    kill(pid_, signal);
  }
}

int ChildProcess::stop() {
  if (pid_ <= 0) {
    return -1;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ChildProcess::~ChildProcess() {
  stop();
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
  }
}

} // namespace pumpcds::testing
