#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

namespace pumpcds::testing {
namespace {

sockaddr_in loopback(const char* address, int port) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address, &out.sin_addr);
  return out;
}

} // namespace

RawConnection::RawConnection(int port, const char* source) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    return;
  }
  if (source != nullptr) {
    const sockaddr_in from = loopback(source, 0);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
  }
  const sockaddr_in to = loopback("127.0.0.1", port);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool RawConnection::send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

RawConnection::Read RawConnection::readSome(std::chrono::milliseconds wait, std::string& out) {
  char buffer[16384];
  pollfd ready{fd_, POLLIN, 0};
  if (fd_ < 0 || wait.count() <= 0 || poll(&ready, 1, static_cast<int>(wait.count())) <= 0) {
    return Read::Quiet;
  }
  const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    return Read::Closed; // EOF or reset
  }
  out.append(buffer, static_cast<size_t>(n));
  return Read::Data;
}

std::string RawConnection::receive(std::chrono::milliseconds timeout) {
  std::string out;
  while (readSome(timeout, out) == Read::Data) {
  }
  return out;
}

std::string RawConnection::receiveResponse(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  for (;;) {
    if (const auto end = out.find("\r\n\r\n"); end != std::string::npos) {
      const auto length = out.find("Content-Length: ");
      const size_t body = length != std::string::npos && length < end
                              ? std::strtoul(out.c_str() + length + 16, nullptr, 10)
                              : 0;
      if (out.size() >= end + 4 + body) {
        return out;
      }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (readSome(left, out) != Read::Data) {
      return out;
    }
  }
}

std::string rawExchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  RawConnection connection(port);
  if (!connection.connected() || !connection.send(bytes)) {
    return {};
  }
  return connection.receive(timeout);
}

std::vector<int> statusCodes(const std::string& received) {
  // "HTTP/1.x NNN " wherever it occurs: a pipelined response follows the previous body directly.
  std::vector<int> codes;
  for (size_t at = received.find("HTTP/1."); at != std::string::npos; at = received.find("HTTP/1.", at + 7)) {
    if (at + 13 <= received.size() && received[at + 8] == ' ' && std::isdigit(received[at + 9]) != 0 &&
        std::isdigit(received[at + 10]) != 0 && std::isdigit(received[at + 11]) != 0 &&
        received[at + 12] == ' ') {
      codes.push_back(std::atoi(received.substr(at + 9, 3).c_str()));
    }
  }
  return codes;
}

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback("127.0.0.1", 0);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

} // namespace pumpcds::testing
