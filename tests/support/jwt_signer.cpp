#include "tests/support/jwt_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "auth/base64url.h"

namespace pumpcds::testing {

namespace {

std::string bignumParam(const EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &number) != 1) {
    throw std::runtime_error(std::string("no key parameter ") + name);
  }
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(number);
  std::string bytes(static_cast<size_t>(size), '\0');
  BN_bn2binpad(number, reinterpret_cast<unsigned char*>(bytes.data()), size);
  BN_free(number);
  return bytes;
}

} // namespace

SigningKey SigningKey::rsa(int bits) {
  SigningKey key;
  key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), EVP_PKEY_free);
  return key;
}

SigningKey SigningKey::ec(const std::string& curve) {
  SigningKey key;
  key.curve_ = curve;
  key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve == "P-256" ? "prime256v1" : "secp384r1"),
                 EVP_PKEY_free);
  return key;
}

std::string SigningKey::publicJwk(const std::string& kid) const {
  if (curve_.empty()) {
    return R"({"kty":"RSA","kid":")" + kid + R"(","use":"sig","n":")" +
           auth::base64UrlEncode(bignumParam(key_.get(), OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
           auth::base64UrlEncode(bignumParam(key_.get(), OSSL_PKEY_PARAM_RSA_E)) + R"("})";
  }
  const int size = curve_ == "P-256" ? 32 : 48;
  return R"({"kty":"EC","kid":")" + kid + R"(","crv":")" + curve_ + R"(","x":")" +
         auth::base64UrlEncode(bignumParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, size)) + R"(","y":")" +
         auth::base64UrlEncode(bignumParam(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size)) + R"("})";
}

std::string SigningKey::sign(const std::string& alg, const std::string& header_json,
                             const std::string& claims_json) const {
  const std::string input = auth::base64UrlEncode(header_json) + "." + auth::base64UrlEncode(claims_json);
  const EVP_MD* digest = alg.find("256") != std::string::npos ? EVP_sha256() : EVP_sha384();
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  size_t length = 0;
  EVP_DigestSignInit(context, nullptr, digest, nullptr, key_.get());
  EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(context);
  signature.resize(length);
  if (!curve_.empty()) { // DER to JOSE's R||S
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
    const int size = curve_ == "P-256" ? 32 : 48;
    std::string jose(static_cast<size_t>(2 * size), '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(jose.data()), size);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(jose.data()) + size, size);
    ECDSA_SIG_free(ecdsa);
    signature = jose;
  }
  return input + "." + auth::base64UrlEncode(signature);
}

std::string jwks(std::initializer_list<std::string> keys) {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (const auto& key : keys) {
    out += (first ? "" : ",") + key;
    first = false;
  }
  return out + "]}";
}

} // namespace pumpcds::testing
