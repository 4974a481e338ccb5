#include "tests/support/fhir_test_server.h"

#include <cstdlib>
#include <filesystem>

#include <httplib.h>
#include <rapidjson/document.h>

namespace pumpcds::testing {

TestCertificates makeTestCertificates(const std::string& directory) {
  std::filesystem::create_directories(directory);
  const std::string d = directory + "/";
  const std::string script =
      "cd '" + d +
      "' && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "
      "/CN=pumpcds-test-ca && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost && "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 "
      "-extfile san.ext";
  if (std::system(("(" + script + ") >/dev/null 2>&1").c_str()) != 0) {
    return {};
  }
  return {d + "ca.crt", d + "server.crt", d + "server.key"};
}

FhirTestServer::FhirTestServer(const TestCertificates* certificates) {
  const std::string dir = PUMPCDS_FHIR_SERVER_DIR;
  const std::string node = dir + "/node_modules/.bin/node";
  if (!std::filesystem::exists(node)) {
    error_ = "the test FHIR server is not installed: run tests/fhir_server/install (npm ci)";
    return;
  }
  std::vector<std::string> arguments = {node, dir + "/server.mjs", "--port", "0"};
  if (certificates != nullptr) {
    arguments.insert(arguments.end(),
                     {"--tls-cert", certificates->cert_file, "--tls-key", certificates->key_file});
  }
  const std::string log = std::filesystem::temp_directory_path() / "pumpcds-fhir-server.log";
  process_ = std::make_unique<ChildProcess>(arguments, log);
  // Loading the FHIR definitions takes a second or two; much longer under a loaded CI machine.
  const std::string line = process_->readLine(std::chrono::seconds(120));
  rapidjson::Document document;
  document.Parse(line.c_str());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("port")) {
    error_ = "the test FHIR server did not start (its log: " + log + "); first line: '" + line + "'";
    return;
  }
  port_ = document["port"].GetInt();
  if (document.HasMember("tlsPort") && document["tlsPort"].IsInt()) {
    tls_port_ = document["tlsPort"].GetInt();
  }
}

std::string FhirTestServer::base(const std::string& modifiers) const {
  return "http://127.0.0.1:" + std::to_string(port_) + modifiers + "/fhir";
}

std::string FhirTestServer::tlsBase(const std::string& modifiers) const {
  return "https://127.0.0.1:" + std::to_string(tls_port_) + modifiers + "/fhir";
}

int FhirTestServer::seed(const std::string& tenant, const std::string& json,
                         const std::string& patient) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(60, 0);
  const auto answer = client.Post(("/tenant/" + tenant + "/fhir/$seed?patient=" + patient).c_str(), json,
                                  "application/fhir+json");
  if (!answer || answer->status != 200) {
    return -1;
  }
  rapidjson::Document document;
  document.Parse(answer->body.c_str());
  return document.IsObject() && document.HasMember("count") ? document["count"].GetInt() : -1;
}

std::string FhirTestServer::validationProblems(const std::string& resource_json) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(60, 0);
  const auto answer = client.Post("/fhir/$validate", resource_json, "application/fhir+json");
  if (!answer) {
    return "the validator did not answer";
  }
  return answer->status == 200 ? "" : answer->body;
}

std::vector<std::string> FhirTestServer::requests(const std::string& tenant) const {
  httplib::Client client("127.0.0.1", port_);
  const auto answer = client.Get(("/tenant/" + tenant + "/fhir/$requests").c_str());
  std::vector<std::string> out;
  if (!answer || answer->status != 200) {
    return out;
  }
  rapidjson::Document document;
  document.Parse(answer->body.c_str());
  if (document.IsArray()) {
    for (const auto& request : document.GetArray()) {
      out.emplace_back(request["url"].GetString());
    }
  }
  return out;
}

} // namespace pumpcds::testing
