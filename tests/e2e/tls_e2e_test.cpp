// HTTPS serving end to end: certificates from a test CA made with openssl, `pumpcds serve` with them, and
// clients that verify (or fail to present) what they must.
#include <csignal>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/e2e/server_process.h"
#include "tests/support/fhir_test_server.h"

namespace pumpcds::testing {
namespace {

namespace fs = std::filesystem;

class TlsTest : public ::testing::Test {
protected:
  void SetUp() override {
    // A client whose certificate the server refuses sees its connection closed under a TLS write.
    std::signal(SIGPIPE, SIG_IGN);
    directory_ = (fs::temp_directory_path() / ("pumpcds-tls-" + std::to_string(::getpid()))).string();
    certificates_ = makeTestCertificates(directory_);
    ASSERT_FALSE(certificates_.cert_file.empty()) << "openssl could not make test certificates";
  }
  void TearDown() override { fs::remove_all(directory_); }

  [[nodiscard]] std::unique_ptr<httplib::SSLClient> verifyingClient(int port) const {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    client->set_ca_cert_path(certificates_.ca_file.c_str());
    client->enable_server_certificate_verification(true);
    client->set_read_timeout(30, 0);
    return client;
  }

  std::string directory_;
  TestCertificates certificates_;
};

TEST_F(TlsTest, ServesHttpsThatAClientVerifiesAgainstTheCaAndRefusesPlainHttp) {
  ServerProcess server({"--tls-cert", certificates_.cert_file, "--tls-key", certificates_.key_file});
  ASSERT_GT(server.port(), 0);
  auto client = verifyingClient(server.port());
  const auto health = client->Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  httplib::Client plain("127.0.0.1", server.port());
  plain.set_read_timeout(5, 0);
  const auto refused = plain.Get("/healthz");
  EXPECT_TRUE(!refused || refused->status != 200) << "plain HTTP was answered on the HTTPS port";
}

TEST_F(TlsTest, WithAClientCaOnlyClientsWithACertificateItSignedGetIn) {
  ServerProcess server({"--tls-cert", certificates_.cert_file, "--tls-key", certificates_.key_file,
                        "--tls-client-ca", certificates_.ca_file});
  ASSERT_GT(server.port(), 0);
  auto anonymous = verifyingClient(server.port());
  EXPECT_FALSE(anonymous->Get("/healthz")) << "a client without a certificate got in";
  // The server's certificate, signed by the same CA, serves as a client certificate here.
  httplib::SSLClient known("127.0.0.1", server.port(), certificates_.cert_file, certificates_.key_file);
  known.set_ca_cert_path(certificates_.ca_file.c_str());
  known.enable_server_certificate_verification(true);
  const auto health = known.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
}

TEST_F(TlsTest, ABadCertificateOrPlainHttpBeyondLoopbackStopsTheServerFromStarting) {
  const auto mismatched = runPumpcds(
      {"serve", "--port", "0", "--tls-cert", certificates_.cert_file, "--tls-key", directory_ + "/ca.key"});
  EXPECT_EQ(mismatched.exit_code, 2);
  EXPECT_NE(mismatched.err.find("the key does not match the certificate"), std::string::npos)
      << mismatched.err;
  const auto half = runPumpcds({"serve", "--port", "0", "--tls-cert", certificates_.cert_file});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.err.find("--tls-cert and --tls-key go together"), std::string::npos) << half.err;
  const auto exposed = runPumpcds({"serve", "--port", "0", "--host", "0.0.0.0", "--allow-unauthenticated"});
  EXPECT_EQ(exposed.exit_code, 2);
  EXPECT_NE(exposed.err.find("listening on 0.0.0.0 without TLS"), std::string::npos) << exposed.err;
}

} // namespace
} // namespace pumpcds::testing
