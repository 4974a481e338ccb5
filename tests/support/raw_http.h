// Raw TCP for tests that speak HTTP badly on purpose (slow clients, smuggling, floods, pipelining), where
// an HTTP client library would refuse or fix what is sent.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pumpcds::testing {

/// A connected TCP socket to 127.0.0.1:port, from `source` (another loopback address, e.g. 127.0.0.2, so a
/// proxy's per-address limits see a different client), or -1. Closed by the destructor.
class RawConnection {
public:
  explicit RawConnection(int port, const char* source = nullptr);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  [[nodiscard]] bool connected() const { return fd_ >= 0; }
  /// Sends all of `bytes`; false when the peer has closed or refused them.
  bool send(const std::string& bytes);
  /// Everything received until the peer closes or `timeout` passes with nothing new.
  std::string receive(std::chrono::milliseconds timeout);
  /// One whole HTTP response (headers and Content-Length bytes of body), or what came before `timeout`.
  std::string receiveResponse(std::chrono::milliseconds timeout);

private:
  enum class Read { Data, Quiet, Closed };
  /// Appends what arrives within `wait` to `out`.
  Read readSome(std::chrono::milliseconds wait, std::string& out);

  int fd_ = -1;
};

/// Sends `bytes` on a new connection and returns all that comes back (until close or `timeout` of quiet).
std::string rawExchange(int port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

/// The status codes of every HTTP response in `received`, in order ("HTTP/1.1 200 ..." lines).
std::vector<int> statusCodes(const std::string& received);

/// A free TCP port on 127.0.0.1 at the time of the call (for servers that cannot pick their own).
int freeLoopbackPort();

} // namespace pumpcds::testing
