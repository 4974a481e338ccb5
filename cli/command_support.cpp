#include "cli/command_support.h"

#include <algorithm>
#include <chrono>
#include <fstream>

namespace pumpcds::cli {

Result<policy::PolicyLibrary::Ptr> loadLibrary(const Config& config) {
  return config.policies.empty() ? policy::PolicyLibrary::loadBundled()
                                 : policy::PolicyLibrary::loadDirectory(config.policies);
}

fhir::FhirClientPtr makeFhirClient(const Config& config) {
  fhir::FhirClientSettings settings;
  settings.deadline = std::chrono::milliseconds(config.fhir.deadline_ms);
  settings.connect_timeout = std::min(settings.deadline, std::chrono::milliseconds(1500));
  settings.max_pages = config.fhir.max_pages;
  settings.max_resources = static_cast<size_t>(config.fhir.max_resources);
  settings.ca_file = config.fhir.ca_file;
  settings.allow_insecure = config.fhir.allow_insecure;
  settings.allowed_hosts = config.fhir.server_allow;
  return std::make_shared<const fhir::FhirClient>(std::move(settings));
}

Result<std::string> readTokenFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::string token;
  if (!stream || !std::getline(stream, token)) {
    token.clear();
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) {
    return invalidArgument("--token-file '" + path + "': cannot read a token from its first line");
  }
  return token;
}

Result<std::string> fetchText(const fhir::FhirClient& client, const std::string& url,
                              const std::string& token) {
  Result<std::string> result = Status(StatusCode::Unavailable, "no answer");
  client.fetch({{url, 0}}, token, std::chrono::steady_clock::now() + std::chrono::seconds(5),
               [&result](const fhir::HttpGet&, fhir::HttpAnswer&& answer, std::vector<fhir::HttpGet>&) {
                 if (answer.status == 200) {
                   result = std::move(answer.body);
                 } else {
                   result =
                       Status(StatusCode::Unavailable,
                              answer.error.empty() ? "HTTP " + std::to_string(answer.status) : answer.error);
                 }
               });
  return result;
}

Result<std::string> readFromFhirServer(const fhir::FhirClient& client, const std::string& base,
                                       const std::string& path, const std::string& token) {
  PUMPCDS_RETURN_IF_ERROR(client.checkServer(base));
  return fetchText(client, fhir::joinUrl(base, path), token);
}

} // namespace pumpcds::cli
