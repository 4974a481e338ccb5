// What several subcommands set up the same way: the policy library and the FHIR client.
#pragma once

#include "base/result.h"
#include "cli/config.h"
#include "fhir/fhir_client.h"
#include "library/policy_library.h"

namespace pumpcds::cli {

/// --policies DIR, else the bundled library.
Result<policy::PolicyLibrary::Ptr> loadLibrary(const Config& config);

/// One client per process: its connection and TLS-session caches serve every hook call.
fhir::FhirClientPtr makeFhirClient(const Config& config);

/// --token-file: the bearer token on the file's first line. Error names the file.
Result<std::string> readTokenFile(const std::string& path);

/// GET `url` with `client` (bearer `token` when not empty), within 5 seconds: the body of a 200, else an
/// Unavailable error saying what came back.
Result<std::string> fetchText(const fhir::FhirClient& client, const std::string& url,
                              const std::string& token);

/// GET `path` ("Patient/p1") on the FHIR server at `base`, as fetchText does, once the client's rules
/// allow that server (https unless --allow-insecure-fhir, a host of --fhir-server-allow): the same rules
/// the hook's own reads follow, so no token goes where they would not send it.
Result<std::string> readFromFhirServer(const fhir::FhirClient& client, const std::string& base,
                                       const std::string& path, const std::string& token);

} // namespace pumpcds::cli
