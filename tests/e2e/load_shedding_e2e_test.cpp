// The server alone under more connections than it has workers: a bounded wait, then a prompt 503 with
// Retry-After (not a queue without end), the health check still answered, and service back when the
// crowd leaves.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/server_process.h"
#include "tests/support/raw_http.h"

namespace pumpcds::testing {
namespace {

using namespace std::chrono_literals;

TEST(LoadShedding, BeyondTheWorkersAndTheQueueANewCallGets503AndHealthStillAnswers) {
  ServerProcess server({"--threads", "2", "--max-queued", "1"});
  ASSERT_GT(server.port(), 0);
  // cpp-httplib gives a worker the whole connection: three idle ones take both workers and the one place
  // in the queue.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  std::this_thread::sleep_for(300ms);

  const auto started = std::chrono::steady_clock::now();
  RawConnection shed(server.port());
  ASSERT_TRUE(shed.connected());
  shed.send("GET /cds-services HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string refused = shed.receiveResponse(3000ms);
  EXPECT_EQ(statusCodes(refused), std::vector<int>({503})) << refused.substr(0, 300);
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos);
  EXPECT_NE(refused.find("at capacity"), std::string::npos) << "the body says why";
  EXPECT_NE(refused.find("Connection: close"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "refused at once, not after a wait";

  const std::string health =
      rawExchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(statusCodes(health), std::vector<int>({200})) << "a busy server is not a dead one";

  idle.clear();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    const auto codes = statusCodes(
        rawExchange(server.port(), "GET /cds-services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    status = codes.empty() ? 0 : codes[0];
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200) << "service is back once the idle connections are gone";
  const std::string metrics =
      rawExchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto at = metrics.find("\npumpcds_http_shed_total ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::atoi(metrics.c_str() + at + 25), 2) << "both shed connections counted";
}

} // namespace
} // namespace pumpcds::testing
