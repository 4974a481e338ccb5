#include "auth/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>

#include "auth/base64url.h"
#include "fhir/json_read.h"

namespace pumpcds::auth {

namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcSignature = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

Bignum bignum(const std::string& bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> keyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
  const Params params(OSSL_PARAM_BLD_to_param(builder));
  const KeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return {key, EVP_PKEY_free};
}

std::shared_ptr<EVP_PKEY> rsaKey(const fhir::JsonValue& jwk) {
  const auto n = base64UrlDecode(fhir::stringAt(&jwk, "n"));
  const auto e = base64UrlDecode(fhir::stringAt(&jwk, "e"));
  if (!n || !e || n->empty() || e->empty()) {
    return nullptr;
  }
  const Bignum modulus = bignum(*n);
  const Bignum exponent = bignum(*e);
  const ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  return keyFromParams("RSA", builder.get());
}

// The size in bytes of one coordinate (and of R and S) on a JOSE curve; 0 for a curve not accepted.
size_t coordinateBytes(std::string_view curve) {
  return curve == "P-256" ? 32 : curve == "P-384" ? 48 : 0;
}

std::shared_ptr<EVP_PKEY> ecKey(const fhir::JsonValue& jwk, const std::string& curve) {
  const size_t size = coordinateBytes(curve);
  const auto x = base64UrlDecode(fhir::stringAt(&jwk, "x"));
  const auto y = base64UrlDecode(fhir::stringAt(&jwk, "y"));
  if (size == 0 || !x || !y || x->size() != size || y->size() != size) {
    return nullptr;
  }
  const std::string point = "\x04" + *x + *y; // uncompressed SEC1 point
  const ParamBuilder builder(OSSL_PARAM_BLD_new());
  const char* group = curve == "P-256" ? "prime256v1" : "secp384r1";
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) !=
          1) {
    return nullptr;
  }
  return keyFromParams("EC", builder.get());
}

// JOSE signs ECDSA as R||S; OpenSSL verifies DER.
std::string derFromJose(std::string_view signature) {
  const size_t half = signature.size() / 2;
  EcSignature ecdsa(ECDSA_SIG_new());
  BIGNUM* r =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data() + half),
                        static_cast<int>(half), nullptr);
  if (!ecdsa || r == nullptr || s == nullptr || ECDSA_SIG_set0(ecdsa.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(ecdsa.get(), &der);
  if (length <= 0) {
    return {};
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

} // namespace

Result<std::vector<PublicKey>> parseJwks(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return invalidArgument("the JWKS is not a JSON object");
  }
  std::vector<PublicKey> keys;
  for (const fhir::JsonValue* jwk : fhir::items(fhir::member(document, "keys"))) {
    PublicKey key;
    key.kid = fhir::stringAt(jwk, "kid");
    key.kty = fhir::stringAt(jwk, "kty");
    key.alg = fhir::stringAt(jwk, "alg");
    if (fhir::stringAt(jwk, "use") == "enc" || fhir::member(*jwk, "d") != nullptr) {
      continue; // an encryption key, or a private key published by mistake: never used to verify
    }
    if (key.kty == "RSA") {
      key.key = rsaKey(*jwk);
    } else if (key.kty == "EC") {
      key.curve = fhir::stringAt(jwk, "crv");
      key.key = ecKey(*jwk, key.curve);
    }
    if (key.key) {
      keys.push_back(std::move(key));
    }
  }
  if (keys.empty()) {
    return invalidArgument("the JWKS holds no usable RSA or EC (P-256, P-384) public key");
  }
  return keys;
}

bool verifySignature(std::string_view alg, const PublicKey& key, std::string_view signing_input,
                     std::string_view signature) {
  const EVP_MD* digest = nullptr;
  std::string der;
  if (alg == "RS256" || alg == "RS384") {
    if (key.kty != "RSA" || EVP_PKEY_get_bits(key.key.get()) < 2048) {
      return false;
    }
    digest = alg == "RS256" ? EVP_sha256() : EVP_sha384();
    der = std::string(signature);
  } else if (alg == "ES256" || alg == "ES384") {
    const std::string_view curve = alg == "ES256" ? "P-256" : "P-384";
    if (key.kty != "EC" || key.curve != curve || signature.size() != 2 * coordinateBytes(curve)) {
      return false;
    }
    digest = alg == "ES256" ? EVP_sha256() : EVP_sha384();
    der = derFromJose(signature);
  } else {
    return false; // none, HS*, PS* and anything else are never accepted
  }
  const DigestContext context(EVP_MD_CTX_new());
  return context && !der.empty() &&
         EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key.key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

} // namespace pumpcds::auth
