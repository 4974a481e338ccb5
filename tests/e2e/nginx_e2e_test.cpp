// The deployment an operator runs: nginx (Debian's) in front of `pumpcds serve`, configured with the
// repo's deploy/nginx files verbatim, and the attacks of issue 10 replayed through it: slow clients,
// bodies over the limit with and without a length, request smuggling, header floods and pipelining.
// Each is refused or survived, and the service keeps answering others throughout.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/e2e/server_process.h"
#include "tests/support/child_process.h"
#include "tests/support/raw_http.h"
#include "tests/support/request_builder.h"

namespace pumpcds::testing {
namespace {

using namespace std::chrono_literals;

const char* nginxBinary() {
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (access(path, X_OK) == 0) {
      return path;
    }
  }
  return nullptr;
}

class BehindNginx : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    const char* nginx = nginxBinary();
    ASSERT_NE(nginx, nullptr) << "nginx is not installed (.ci/install-deps --test installs it)";
    pumpcds_ = new ServerProcess();
    ASSERT_GT(pumpcds_->port(), 0);

    char pattern[] = "/tmp/pumpcds-nginx-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    chmod(dir_.c_str(), 0755); // nginx's workers (nobody, when started as root) reach their temp dirs
    port_ = freeLoopbackPort();
    const std::string deploy = std::string(PUMPCDS_SOURCE_DIR) + "/deploy/nginx/";
    std::ofstream(dir_ + "/nginx.conf")
        << "worker_processes 1;\n"
        << "pid " << dir_ << "/nginx.pid;\n"
        << "error_log " << dir_ << "/error.log warn;\n"
        << "events { worker_connections 4096; }\n"
        << "http {\n"
        << "  access_log off;\n"
        << "  client_body_temp_path " << dir_ << "/body;\n"
        << "  proxy_temp_path " << dir_ << "/proxy;\n"
        << "  fastcgi_temp_path " << dir_ << "/fastcgi;\n"
        << "  uwsgi_temp_path " << dir_ << "/uwsgi;\n"
        << "  scgi_temp_path " << dir_ << "/scgi;\n"
        << "  include " << deploy << "pumpcds-limits.conf;\n"
        << "  upstream pumpcds { server 127.0.0.1:" << pumpcds_->port() << "; keepalive 16; }\n"
        << "  server {\n"
        << "    listen 127.0.0.1:" << port_ << ";\n"
        << "    include " << deploy << "pumpcds-proxy.conf;\n"
        << "  }\n"
        << "}\n";
    nginx_ = new ChildProcess(
        {nginx, "-p", dir_, "-e", dir_ + "/error.log", "-c", dir_ + "/nginx.conf", "-g", "daemon off;"});
    for (int i = 0; i < 100; ++i) {
      if (auto result = client().Get("/healthz"); result && result->status == 200) {
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "nginx did not answer on port " << port_ << "; its log: " << dir_ << "/error.log";
  }

  static void TearDownTestSuite() {
    delete nginx_;
    delete pumpcds_;
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }

  static httplib::Client client() {
    httplib::Client http("127.0.0.1", port_);
    http.set_read_timeout(30, 0);
    return http;
  }

  // The service still answers a real hook call through the proxy, promptly.
  static void expectServiceAnswers() {
    RequestBuilder request;
    request.pumpOrder("62362");
    const auto started = std::chrono::steady_clock::now();
    auto result = client().Post("/cds-services/pumpcds-order-sign", request.json(), "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << result->body.substr(0, 300);
    EXPECT_NE(result->body.find("\"cards\""), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "a hook call waited behind the attack";
  }

  static inline ServerProcess* pumpcds_ = nullptr;
  static inline ChildProcess* nginx_ = nullptr;
  static inline std::string dir_;
  static inline int port_ = 0;
};

TEST_F(BehindNginx, HookCallsAndHealthChecksPassThroughWithARequestId) {
  expectServiceAnswers();
  auto health = client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_FALSE(health->get_header_value("X-Request-Id").empty()) << "nginx's $request_id reaches pumpcds";
  auto put = client().Put("/cds-services/pumpcds-order-sign", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 403) << "methods pumpcds never serves stop at the proxy";
}

TEST_F(BehindNginx, HundredsOfSlowClientsDoNotStarveOthers) {
  // 300 connections from another address, each trickling an unfinished request (headers for some, a body
  // for others): pumpcds alone has 32 workers; behind nginx none of them reaches it.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 300; ++i) {
    auto connection = std::make_unique<RawConnection>(port_, "127.0.0.2");
    ASSERT_TRUE(connection->connected());
    connection->send(i % 2 == 0 ? "POST /cds-services/pumpcds-order-sign HTTP/1.1\r\nHost: x\r\n"
                                : "POST /cds-services/pumpcds-order-sign HTTP/1.1\r\nHost: x\r\n"
                                  "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
    slow.push_back(std::move(connection));
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& connection : slow) {
      connection->send(round % 2 == 0 ? "X" : " ");
    }
    expectServiceAnswers();
    auto health = client().Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    std::this_thread::sleep_for(500ms);
  }
}

TEST_F(BehindNginx, BodiesOverTheLimitAreRefusedWithOrWithoutALength) {
  const std::string sign = "POST /cds-services/pumpcds-order-sign HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\n";
  // Declared too large: refused before a byte of the body is read.
  EXPECT_EQ(statusCodes(rawExchange(port_, sign + "Content-Length: 9437184\r\n\r\n{")),
            std::vector<int>({413}));
  // Chunked past the limit: refused once the limit is crossed, never passed on whole.
  RawConnection chunked(port_);
  ASSERT_TRUE(chunked.connected());
  chunked.send(sign + "Transfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(1 << 20, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 0; i < 9 && chunked.send(size_line + chunk + "\r\n"); ++i) {
  }
  const auto codes = statusCodes(chunked.receive(3000ms));
  ASSERT_FALSE(codes.empty()) << "no answer to a chunked body over the limit";
  EXPECT_EQ(codes[0], 413);
  // No length at all: no body, says HTTP/1.1; pumpcds answers 411 at once (it used to read until the
  // client closed), and the bytes that follow are no request at all.
  const auto started = std::chrono::steady_clock::now();
  const auto unframed = statusCodes(rawExchange(port_, sign + "\r\n" + std::string(1000, 'a'), 3000ms));
  ASSERT_FALSE(unframed.empty());
  EXPECT_EQ(unframed[0], 411);
  for (int code : unframed) {
    EXPECT_GE(code, 400);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
  expectServiceAnswers();
}

TEST_F(BehindNginx, AmbiguousFramingIsRefusedSoNothingIsSmuggled) {
  // Each would let the bytes after the body be read as a second request by a server that trusted the
  // other header; nginx refuses the request, answers once, and closes.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = "0\r\n\r\n" + smuggled;
  const std::string head = "POST /cds-services/pumpcds-order-sign HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\n";
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const std::string& framing :
       {length + "Transfer-Encoding: chunked\r\n", length + "Transfer-Encoding: identity, chunked\r\n",
        length + "Transfer-Encoding: xchunked\r\n", std::string("Transfer-Encoding: chunked, identity\r\n"),
        "Content-Length: 3\r\n" + length}) {
    const auto codes = statusCodes(rawExchange(port_, head + framing + "\r\n" + body));
    ASSERT_EQ(codes.size(), 1u) << "one answer, no smuggled second one, for: " << framing;
    EXPECT_TRUE(codes[0] == 400 || codes[0] == 501) << codes[0] << " for: " << framing;
  }
  expectServiceAnswers();
}

TEST_F(BehindNginx, HeaderFloodsAndHugeRequestLinesAreRefused) {
  std::string flood = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 20000; ++i) {
    flood += "X-Flood-" + std::to_string(i) + ": " + std::string(40, 'f') + "\r\n";
  }
  const auto flooded = statusCodes(rawExchange(port_, flood + "\r\n"));
  ASSERT_EQ(flooded.size(), 1u);
  EXPECT_EQ(flooded[0], 400);
  const auto long_line = statusCodes(
      rawExchange(port_, "GET /healthz?" + std::string(20000, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(long_line.size(), 1u);
  EXPECT_EQ(long_line[0], 414);
  expectServiceAnswers();
}

TEST_F(BehindNginx, PipelinedRequestsAreEachAnsweredInOrder) {
  std::string pipelined;
  for (int i = 0; i < 5; ++i) {
    pipelined += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  pipelined += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(statusCodes(rawExchange(port_, pipelined)), std::vector<int>(6, 200));
}

} // namespace
} // namespace pumpcds::testing
