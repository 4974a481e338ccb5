// JwtVerifier: checks the bearer JWT an EHR sends with each hook and feedback call, as CDS Hooks 2.0
// asks: signed (RS384/ES384, or RS256/ES256 where the issuer is configured for them; never "none" or an
// HMAC) by a key of a trusted issuer's JWKS (or of a "jku" that issuer allows), "aud" this service's
// endpoint, "exp" in the future and "iat" not, within a small skew, and a "jti" never seen before while
// the token lives. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwk.h"
#include "auth/trusted_issuers.h"
#include "base/result.h"

namespace pumpcds::auth {

struct VerifierSettings {
  std::vector<TrustedIssuer> issuers;
  /// This service as the EHR addresses it, e.g. "https://cds.example.org": "aud" must be it followed by
  /// the called path ("/cds-services/pumpcds-order-sign").
  std::string public_url;
  std::chrono::seconds skew{60};
  std::chrono::seconds min_refresh{30};  ///< a JWKS is fetched again for an unknown kid at most this often
  std::chrono::seconds cache_for{3600};  ///< a fetched JWKS is used this long before it is fetched again
  size_t max_remembered_tokens = 200000; ///< jti kept for replay checks; beyond it new tokens are refused
  /// When replicas share a database: records (iss, jti) there too, true when no replica saw it before. A
  /// failure refuses the token (a replay could not be ruled out).
  std::function<Result<bool>(const std::string& iss, const std::string& jti, int64_t expires, int64_t now)>
      shared_replay_check;
};

/// Who called, once the token is verified.
struct Caller {
  std::string iss;
  std::string sub;
  std::string jti;
  std::string kid;
};

/// The token of an Authorization header value ("Bearer <token>"), or nullopt when it is not a Bearer
/// token with something after the scheme.
std::optional<std::string_view> bearerToken(std::string_view authorization);

class JwtVerifier {
public:
  /// Fetches a JWKS document by URL (an HTTPS GET), or fails saying why.
  using Fetch = std::function<Result<std::string>(const std::string& url)>;
  /// Seconds since the epoch.
  using Clock = std::function<int64_t()>;

  JwtVerifier(VerifierSettings settings, Fetch fetch, Clock clock = systemClock);

  /// Checks `authorization` (the whole header value, "Bearer <JWT>") for a call to `path`. The error's
  /// message names the check that failed with the token's iss, kid and jti, for the server log only: the
  /// client gets a bare 401. Nothing of the token itself is ever put in a message.
  Result<Caller> verify(std::string_view authorization, std::string_view path);

  static int64_t systemClock();

private:
  struct KeySet {
    std::vector<PublicKey> keys;
    int64_t fetched_at = 0;
    int64_t tried_at = 0;
  };

  // The key `kid` of the JWKS at `url` (or the issuer's static JWKS when `url` is empty), fetching it when
  // absent, stale, or (at most every min_refresh) when the kid is unknown.
  const PublicKey* findKey(const TrustedIssuer& issuer, const std::string& url, const std::string& kid,
                           std::string& why);
  bool remember(const std::string& iss, const std::string& jti, int64_t expires);

  VerifierSettings settings_;
  Fetch fetch_;
  Clock clock_;
  std::mutex mutex_;
  std::map<std::string, KeySet> key_sets_;     ///< by JWKS URL, or "static:<iss>"
  std::map<std::string, int64_t> seen_tokens_; ///< "<iss> <jti>" -> exp
};

} // namespace pumpcds::auth
