// JSON Web Keys (RFC 7517) as OpenSSL public keys, and JWS signature checks (RFC 7515/7518) for the
// algorithms CDS Hooks names: RS384 and ES384, and RS256/ES256 where an issuer is configured for them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct evp_pkey_st;

namespace pumpcds::auth {

struct PublicKey {
  std::string kid;
  std::string kty;   ///< RSA or EC
  std::string curve; ///< EC: P-256 or P-384
  std::string alg;   ///< the JWK's "alg", when it names one
  std::shared_ptr<evp_pkey_st> key;
};

/// The keys of a JWKS document ({"keys": [...]}). Keys of other types or curves, private keys and keys
/// for encryption ("use": "enc") are skipped; a JWKS with no usable key is an error.
Result<std::vector<PublicKey>> parseJwks(std::string_view json);

/// Whether `signature` is `key`'s signature of `signing_input` under `alg` (RS256, RS384, ES256, ES384).
/// The key must suit the algorithm (RSA of 2048 bits or more; EC on the algorithm's curve).
bool verifySignature(std::string_view alg, const PublicKey& key, std::string_view signing_input,
                     std::string_view signature);

} // namespace pumpcds::auth
