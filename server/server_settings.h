// What the HTTP server is told at start: where it listens, its limits, TLS, who may call and what
// discovery asks for. The command line (cli/) fills it from `pumpcds serve`'s options.
#pragma once

#include <cstddef>
#include <string>

namespace pumpcds::server {

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 8080; ///< 0: any free port
  /// One worker per open connection (cpp-httplib), so enough for an EHR's keep-alive connections.
  int threads = 32;
  /// Connections that may wait for a worker; beyond them a new connection is answered 503.
  int max_queued = 32;
  size_t max_body_bytes = 8u << 20;
  int admin_port = -1; ///< the operator's listener (0: any free port; -1: none, /metrics on the service port)
  std::string admin_host = "127.0.0.1";
  bool metrics = true;
  std::string allowed_origin = "*"; ///< CORS
  std::string tls_cert;             ///< PEM certificate (chain); "" serves plain HTTP
  std::string tls_key;
  std::string tls_client_ca; ///< require client certificates signed by these CAs
  bool allow_plain_http = false;
  bool allow_unauthenticated = false;
  bool protect_discovery = false;
  bool minimal_prefetch = false; ///< discovery asks for the minimal prefetch, not the full one
  bool shared_store = false;     ///< the store is shared by replicas (PostgreSQL)
  /// --fhir-server-allow names the FHIR servers a request may name: only then is an app's access token
  /// taken ($populate), since it is sent to the server the app names.
  bool fhir_servers_listed = false;
  /// The DTR app's files (app/: site/ and the npm libraries it uses), served under /app/; "" serves none.
  std::string app_dir;
};

} // namespace pumpcds::server
