// The EHRs whose JWTs pumpcds accepts: each issuer (`iss`) with where its public keys are, the `jku`
// addresses it may point to, and the algorithms it may sign with. Read from a JSON file an operator
// writes (--issuers FILE); the format is in the README.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/jwk.h"
#include "base/result.h"

namespace pumpcds::auth {

struct TrustedIssuer {
  std::string iss;
  std::string jwks_url;                 ///< fetched over HTTPS (plain HTTP only on loopback), cached
  std::vector<PublicKey> static_keys;   ///< or the keys of a static JWKS, read from "jwks_file" at start
  std::vector<std::string> jku_allowed; ///< a token's "jku" header is followed only to these
  std::vector<std::string> algorithms;  ///< default RS384 and ES384; RS256/ES256 only when listed
};

/// Parses {"issuers": [{"iss", "jwks_url" | "jwks_file", "jku_allowed": [...], "algorithms": [...]}]}.
/// `jwks_file` is read relative to `directory`. Errors name the file, the entry and what is wrong.
Result<std::vector<TrustedIssuer>> parseTrustedIssuers(std::string_view json, const std::string& file,
                                                       const std::string& directory);

/// Whether a JWKS may be fetched from `url`: https, or http to a loopback host (local sandboxes, tests).
bool jwksUrlAllowed(const std::string& url);

} // namespace pumpcds::auth
