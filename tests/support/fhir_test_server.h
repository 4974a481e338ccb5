// The real FHIR server the tests read from (tests/fhir_server: Medplum's FHIR router on Node.js), started
// on free loopback ports for HTTP and, with a certificate, HTTPS, and stopped when this object goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace pumpcds::testing {

/// A test CA and a server certificate it signed for 127.0.0.1 and localhost, made with openssl.
struct TestCertificates {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};
/// Writes them under `directory`; empty paths when openssl failed.
TestCertificates makeTestCertificates(const std::string& directory);

class FhirTestServer {
public:
  /// With `certificates`, also serves HTTPS. `error()` says why it did not start.
  explicit FhirTestServer(const TestCertificates* certificates = nullptr);

  [[nodiscard]] bool started() const { return port_ > 0; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int port() const { return port_; }

  /// The FHIR base URL: http://127.0.0.1:PORT[/modifiers]/fhir (see tests/fhir_server/server.mjs for
  /// the modifiers: tenant/NAME, delay/MS, fail/TYPE/CODE, token/VALUE, ...).
  [[nodiscard]] std::string base(const std::string& modifiers = "") const;
  [[nodiscard]] std::string tlsBase(const std::string& modifiers = "") const;

  /// Loads a Bundle (or JSON array of resources) into `tenant`, pointing resources that name no patient
  /// at Patient/`patient`. Returns how many were stored, or -1.
  int seed(const std::string& tenant, const std::string& json, const std::string& patient) const;
  /// "" when `resource_json` is a valid FHIR R4 resource (Medplum's validator), else what it found.
  [[nodiscard]] std::string validationProblems(const std::string& resource_json) const;
  /// The FHIR requests `tenant` has received, as "/Type?query" paths, in order.
  [[nodiscard]] std::vector<std::string> requests(const std::string& tenant) const;

private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  int tls_port_ = 0;
  std::string error_;
};

} // namespace pumpcds::testing
