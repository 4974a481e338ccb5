// Fuzzes the JWT path of every hook call: the Authorization header through the verifier (header and
// claims decoding, key lookup, signature check, claim checks) with a static key set, and the JWKS parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/base64url.h"
#include "auth/jwk.h"
#include "auth/jwt_verifier.h"

namespace {

// Public keys only (fuzz/seeds/jwt_fuzzer/ holds tokens they sign; the private halves were thrown away);
// the clock is fixed at the tokens' iat.
constexpr const char* kJwks = R"({"keys":[
{"kty":"EC","crv":"P-384","kid":"fuzz-ec","x":"NARYVOhq4ykB59TcAFBpslfyFhTPQ_efpAvJ6rm_qPSJLhfjy76qvET6nMYIWnDf","y":"FRNdE1T4Fj8MVdW8ACHg3W_pd0oWtagwoMYebeLvzXRKW5qXOYJv78FTy3OulSFE"},
{"kty":"RSA","kid":"fuzz-rsa","n":"4edk5tmm7PQsQcV-RxGwOUPE9hJ27Xwc6M1n5NRwGonnj7XdfCBU9vDWXQ53oeMySuz7p9sBOfVf7sht5ta1BY3oeKyBPZ_wDRy5-T6J9HikPKVkwjHpeM1MyfGhJjeU-UXC7EEY9d0PT2lnUCk6wsc6tQzLR8s0l5csdjWt3RhS3CHpEO5ZoJIzVp170wE8Us4Q6wuE3xBiKIqfJq7C7sHWvEuYQJEz-WQB7uVr9Yox7krecgZdrOjk2f-QtsKfaXm46SorwC3Py6PWQf5xJy5ZfyzWZPnYiV6d34XsWbngsWmxo81NvvbwctwHtRdRWPnTksmMkhiM8dhPGITopQ","e":"AQAB"}
]})";

pumpcds::auth::JwtVerifier makeVerifier() {
  static const auto keys = [] {
    auto parsed = pumpcds::auth::parseJwks(kJwks);
    if (!parsed.isOk()) {
      __builtin_trap();
    }
    return parsed.value();
  }();
  pumpcds::auth::VerifierSettings settings;
  pumpcds::auth::TrustedIssuer issuer;
  issuer.iss = "https://ehr.fuzz.example";
  issuer.static_keys = keys;
  issuer.jku_allowed = {"https://ehr.fuzz.example/jwks"};
  settings.issuers.push_back(issuer);
  settings.public_url = "https://cds.fuzz.example";
  settings.max_remembered_tokens = 1000;
  return pumpcds::auth::JwtVerifier(
      settings, [](const std::string&) -> pumpcds::Result<std::string> { return std::string(kJwks); },
      [] { return int64_t{1790000000}; });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto verifier = makeVerifier();
  (void)verifier.verify("Bearer " + std::string(text), "/cds-services/pumpcds-order-sign");
  (void)verifier.verify(text, "/cds-services/pumpcds-order-sign");
  (void)pumpcds::auth::parseJwks(text);
  (void)pumpcds::auth::base64UrlDecode(text);
  return 0;
}
