// FhirClient: the HTTP transport to an EHR's FHIR server. Many GETs at once over reused keep-alive
// connections and TLS sessions (libcurl's multi interface), all inside one deadline, with TLS verified
// against the system trust store or a configured CA file. Knows HTTP and URLs, not Bundles or policies.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pumpcds::fhir {

struct FhirClientSettings {
  std::chrono::milliseconds deadline{3000};        ///< the whole FHIR read of one hook call
  std::chrono::milliseconds connect_timeout{1500}; ///< one TCP + TLS connect
  int max_pages = 20;                              ///< pages followed per search; beyond it the search is cut
  size_t max_resources = 5000;                     ///< resources read per search; beyond it the search is cut
  size_t max_response_bytes = 32u << 20;
  int max_connections_per_host = 16;      ///< enough for every search of one hook at once
  std::string ca_file;                    ///< PEM bundle to verify the server with; "" = system trust store
  bool allow_insecure = false;            ///< accept http:// servers (loopback tests, local sandboxes)
  std::vector<std::string> allowed_hosts; ///< when not empty, the only hosts a fhirServer may name
};

struct HttpGet {
  std::string url;
  size_t tag = 0; ///< the caller's, handed back with the answer
};

struct HttpAnswer {
  long status = 0; ///< HTTP status; 0 when no answer arrived
  std::string body;
  std::string error; ///< why no answer arrived: "timed out", "connection refused", a TLS failure, ...
  bool timed_out = false;
};

class FhirClient {
public:
  explicit FhirClient(FhirClientSettings settings);
  ~FhirClient();
  FhirClient(const FhirClient&) = delete;
  FhirClient& operator=(const FhirClient&) = delete;

  [[nodiscard]] const FhirClientSettings& settings() const { return settings_; }

  /// Whether a fhirServer base URL may be read: http(s) only, https unless allow_insecure, its host in
  /// allowed_hosts when that is set. The error says which rule refused it.
  [[nodiscard]] Status checkServer(const std::string& base_url) const;

  /// Called on the fetching thread for each finished GET; may append follow-up GETs (next pages) to
  /// `more`, which run in the same call under the same deadline.
  using OnAnswer = std::function<void(const HttpGet& get, HttpAnswer&& answer, std::vector<HttpGet>& more)>;

  /// Runs `gets` concurrently until all (and their follow-ups) are answered or `deadline` passes; each
  /// GET still running then is answered with timed_out. Sends `Accept: application/fhir+json` and, when
  /// `bearer_token` is not empty, `Authorization: Bearer`. Redirects are not followed. Thread-safe: TLS
  /// sessions are shared between calls on any thread, and idle keep-alive connections are kept between
  /// calls in a pool of transfer handles, each used by one call at a time.
  void fetch(const std::vector<HttpGet>& gets, const std::string& bearer_token,
             std::chrono::steady_clock::time_point deadline, const OnAnswer& on_answer) const;

private:
  struct Shared;
  FhirClientSettings settings_;
  std::unique_ptr<Shared> shared_;
};

using FhirClientPtr = std::shared_ptr<const FhirClient>;

/// `path` ("Patient/p1", "Condition?patient=p1") under a FHIR base URL, whether or not the base ends in '/'.
std::string joinUrl(const std::string& base, const std::string& path);

/// "scheme://host:port" of an absolute URL, lower-cased; "" when it is not one.
std::string urlOrigin(const std::string& url);

/// "host" of an absolute URL, lower-cased, with ":port" when it is not the scheme's default; "" when it is
/// not one.
std::string urlHost(const std::string& url);

/// Whether `host` names this machine: localhost, an IPv4 address in 127.0.0.0/8, or ::1 (brackets allowed).
bool isLoopbackHost(std::string_view host);

/// Whether `url` is an https:// URL, or an http:// one to a loopback host (local sandboxes and tests).
bool httpsOrLoopback(const std::string& url);

} // namespace pumpcds::fhir
