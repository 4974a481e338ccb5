// A test suite that shares one `pumpcds serve` (started once for the suite: starting it takes a while under
// sanitizers) and talks to it with cpp-httplib.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/e2e/server_process.h"

namespace pumpcds::testing {

class SharedServerTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_GT(server_->port(), 0) << "the server did not report its port";
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static httplib::Client client() {
    httplib::Client http("127.0.0.1", server_->port());
    http.set_read_timeout(60, 0);
    return http;
  }

  static inline ServerProcess* server_ = nullptr;
};

} // namespace pumpcds::testing
