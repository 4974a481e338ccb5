// Keys and JWTs made in the test with OpenSSL, as an EHR makes them: an RSA or EC key pair, its public
// JWK, and compact JWS tokens signed with it (or deliberately not).
#pragma once

#include <memory>
#include <string>

struct evp_pkey_st;

namespace pumpcds::testing {

class SigningKey {
public:
  static SigningKey rsa(int bits = 2048);
  static SigningKey ec(const std::string& curve = "P-384"); ///< P-256 or P-384

  /// The public key as a JWK object with `kid`.
  [[nodiscard]] std::string publicJwk(const std::string& kid) const;
  /// "<header>.<claims>.<signature>", signed with `alg` (RS256/RS384/ES256/ES384).
  [[nodiscard]] std::string sign(const std::string& alg, const std::string& header_json,
                                 const std::string& claims_json) const;

private:
  std::shared_ptr<evp_pkey_st> key_;
  std::string curve_;
};

/// {"keys": [jwk, ...]}.
std::string jwks(std::initializer_list<std::string> jwks);

} // namespace pumpcds::testing
