// The JWT an EHR sends is accepted only when CDS Hooks 2.0 says it should be: real RSA and EC keys made
// here with OpenSSL, tokens signed with them, and every way a token can be wrong refused with the reason
// the operator's log needs.
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/base64url.h"
#include "auth/jwt_verifier.h"
#include "auth/trusted_issuers.h"
#include "tests/support/jwt_signer.h"

namespace pumpcds::auth {
namespace {

using testing::SigningKey;

constexpr int64_t kNow = 1796000000; // 2026-11-29
const std::string kIssuer = "https://ehr.example.org";
const std::string kJwksUrl = "https://ehr.example.org/.well-known/jwks.json";
const std::string kPath = "/cds-services/pumpcds-order-sign";
const std::string kAudience = "https://cds.example.org" + kPath;

std::string claims(const std::string& iss = kIssuer, const std::string& aud = kAudience,
                   int64_t exp = kNow + 300, int64_t iat = kNow, const std::string& jti = "jti-1") {
  return R"({"iss":")" + iss + R"(","aud":")" + aud + R"(","exp":)" + std::to_string(exp) + R"(,"iat":)" +
         std::to_string(iat) + R"(,"jti":")" + jti + R"(","sub":"client-1"})";
}

std::string header(const std::string& alg, const std::string& kid = "k1", const std::string& extra = "") {
  return R"({"alg":")" + alg + R"(","typ":"JWT","kid":")" + kid + "\"" + extra + "}";
}

struct Fixture {
  SigningKey rsa = SigningKey::rsa();
  SigningKey ec = SigningKey::ec("P-384");
  int fetches = 0;
  int64_t now = kNow;
  std::string published;
  std::string published_at_jku; ///< what https://keys.example.org/jwks.json serves

  Fixture() { published = testing::jwks({rsa.publicJwk("k1"), ec.publicJwk("k2")}); }

  /// Set to share the replay cache with other replicas (a database in production).
  std::function<Result<bool>(const std::string&, const std::string&, int64_t, int64_t)> shared_replay_check;

  JwtVerifier verifier(std::vector<std::string> jku_allowed = {}) {
    TrustedIssuer issuer;
    issuer.iss = kIssuer;
    issuer.jwks_url = kJwksUrl;
    issuer.algorithms = {"RS384", "ES384"};
    issuer.jku_allowed = std::move(jku_allowed);
    VerifierSettings settings;
    settings.issuers = {issuer};
    settings.public_url = "https://cds.example.org/";
    settings.shared_replay_check = shared_replay_check;
    return JwtVerifier(
        settings,
        [this](const std::string& url) -> Result<std::string> {
          ++fetches;
          if (url == "https://keys.example.org/jwks.json") {
            return published_at_jku;
          }
          if (url != kJwksUrl) {
            return Status(StatusCode::Unavailable, "unexpected URL " + url);
          }
          return published;
        },
        [this] { return now; });
  }
};

std::string refusal(JwtVerifier& verifier, const std::string& token) {
  auto result = verifier.verify("Bearer " + token, kPath);
  EXPECT_FALSE(result.isOk()) << "accepted a token that should have been refused";
  if (result.isOk()) {
    return {};
  }
  EXPECT_EQ(result.status().code(), StatusCode::Unauthenticated);
  EXPECT_EQ(result.status().message().find(token), std::string::npos) << "the token itself was logged";
  return result.status().message();
}

TEST(JwtVerifier, ValidRs384AndEs384TokensAreAcceptedAndSayWhoCalled) {
  Fixture keys;
  auto verifier = keys.verifier();
  auto rsa = verifier.verify("Bearer " + keys.rsa.sign("RS384", header("RS384", "k1"), claims()), kPath);
  ASSERT_TRUE(rsa.isOk()) << rsa.status().message();
  EXPECT_EQ(rsa.value().iss, kIssuer);
  EXPECT_EQ(rsa.value().sub, "client-1");
  auto ec = verifier.verify("Bearer " + keys.ec.sign("ES384", header("ES384", "k2"),
                                                     claims(kIssuer, kAudience, kNow + 300, kNow, "jti-2")),
                            kPath);
  ASSERT_TRUE(ec.isOk()) << ec.status().message();
  EXPECT_EQ(keys.fetches, 1) << "the JWKS is fetched once and cached";
}

TEST(JwtVerifier, EachWrongTokenIsRefusedWithItsReason) {
  Fixture keys;
  auto verifier = keys.verifier();
  const auto rs384 = [&](const std::string& payload) {
    return keys.rsa.sign("RS384", header("RS384"), payload);
  };
  const struct {
    std::string token;
    std::string reason;
  } cases[] = {
      {rs384(claims(kIssuer, kAudience, kNow - 3600)), "expired"},
      {rs384(claims(kIssuer, kAudience, kNow + 3600, kNow + 600)), "iat in the future"},
      {rs384(claims(kIssuer, "https://other.example.org" + kPath)), "aud is not " + kAudience},
      {rs384(claims("https://evil.example.org")), "issuer not trusted (iss 'https://evil.example.org'"},
      {keys.rsa.sign("RS384", header("RS384", "k9"), claims()), "no key 'k9'"},
      {keys.rsa.sign("RS256", header("RS256"), claims()), "algorithm 'RS256' not accepted"},
      {keys.rsa.sign("RS384", header("RS384", "k1", R"(,"jku":"https://evil.example.org/jwks")"), claims()),
       "jku 'https://evil.example.org/jwks' is not allowed"},
      {rs384(R"({"iss":")" + kIssuer + R"(","aud":")" + kAudience + R"(","exp":)" +
             std::to_string(kNow + 60) + R"(,"iat":)" + std::to_string(kNow) + "}"),
       "no jti"},
  };
  for (const auto& wrong : cases) {
    const std::string why = refusal(verifier, wrong.token);
    EXPECT_NE(why.find(wrong.reason), std::string::npos) << "expected '" << wrong.reason << "' in: " << why;
  }
}

TEST(JwtVerifier, UnsignedHmacAndTamperedTokensAreRefused) {
  Fixture keys;
  auto verifier = keys.verifier();
  const std::string payload = claims();
  // alg none: no signature at all.
  const std::string none =
      base64UrlEncode(R"({"alg":"none","kid":"k1"})") + "." + base64UrlEncode(payload) + ".";
  EXPECT_NE(refusal(verifier, none).find("algorithm 'none'"), std::string::npos);
  // HS256 keyed with the public key, the classic confusion attack.
  const std::string input = base64UrlEncode(header("HS256")) + "." + base64UrlEncode(payload);
  const std::string secret = keys.rsa.publicJwk("k1");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_length);
  const std::string hs256 =
      input + "." + base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_length));
  EXPECT_NE(refusal(verifier, hs256).find("algorithm 'HS256'"), std::string::npos);
  // A claim changed after signing; a signature changed.
  const std::string good = keys.rsa.sign("RS384", header("RS384"), payload);
  const size_t dot = good.find('.');
  const size_t last = good.rfind('.');
  const std::string tampered_claims =
      good.substr(0, dot + 1) + base64UrlEncode(claims(kIssuer, kAudience, kNow + 86400)) + good.substr(last);
  EXPECT_NE(refusal(verifier, tampered_claims).find("signature does not verify"), std::string::npos);
  std::string tampered_signature = good;
  tampered_signature[last + 5] = tampered_signature[last + 5] == 'A' ? 'B' : 'A';
  EXPECT_NE(refusal(verifier, tampered_signature).find("signature does not verify"), std::string::npos);
  // An EC signature made with another key of the same curve.
  const SigningKey stranger = SigningKey::ec("P-384");
  EXPECT_NE(refusal(verifier, stranger.sign("ES384", header("ES384", "k2"), payload)).find("signature"),
            std::string::npos);
}

TEST(JwtVerifier, AReplayedTokenIsRefusedAndGarbageNeverCrashes) {
  Fixture keys;
  auto verifier = keys.verifier();
  const std::string token = keys.rsa.sign("RS384", header("RS384"), claims());
  ASSERT_TRUE(verifier.verify("Bearer " + token, kPath).isOk());
  EXPECT_NE(refusal(verifier, token).find("jti already used"), std::string::npos);
  for (const std::string& header_value :
       {std::string(), std::string("Basic dXNlcjpwYXNz"), std::string("Bearer "), std::string("Bearer a.b"),
        std::string("Bearer a.b.c.d"), std::string("Bearer !!.??.**"), "Bearer " + std::string(20000, 'a')}) {
    auto result = verifier.verify(header_value, kPath);
    EXPECT_FALSE(result.isOk()) << header_value.substr(0, 40);
  }
}

TEST(JwtVerifier, ATokenAnotherReplicaSawOrThatCannotBeCheckedIsRefused) {
  Fixture keys;
  std::set<std::string> seen_elsewhere = {kIssuer + " used-at-replica-2"};
  bool database_up = true;
  keys.shared_replay_check = [&](const std::string& iss, const std::string& jti, int64_t expires,
                                 int64_t now) -> Result<bool> {
    EXPECT_EQ(expires, kNow + 300);
    EXPECT_EQ(now, kNow);
    if (!database_up) {
      return Status(StatusCode::Unavailable, "postgres://pumpcds@db:5432/pumpcds: connection refused");
    }
    return seen_elsewhere.insert(iss + " " + jti).second;
  };
  auto verifier = keys.verifier();
  EXPECT_TRUE(verifier.verify("Bearer " + keys.rsa.sign("RS384", header("RS384"), claims()), kPath).isOk());
  EXPECT_NE(
      refusal(verifier, keys.rsa.sign("RS384", header("RS384"),
                                      claims(kIssuer, kAudience, kNow + 300, kNow, "used-at-replica-2")))
          .find("jti already used at another replica"),
      std::string::npos);
  database_up = false;
  EXPECT_NE(
      refusal(verifier,
              keys.rsa.sign("RS384", header("RS384"), claims(kIssuer, kAudience, kNow + 300, kNow, "jti-3")))
          .find("the shared replay cache cannot be checked (postgres://pumpcds@db:5432/pumpcds: connection "
                "refused)"),
      std::string::npos)
      << "fails closed: a replay could not be ruled out";
}

TEST(JwtVerifier, AnUnknownKidFetchesTheJwksAgainButNotOnEveryCall) {
  Fixture keys;
  auto verifier = keys.verifier();
  ASSERT_TRUE(verifier.verify("Bearer " + keys.rsa.sign("RS384", header("RS384"), claims()), kPath).isOk());
  // The EHR rotates in a new key: the first token with its kid triggers one fetch.
  const SigningKey rotated = SigningKey::rsa();
  keys.published = testing::jwks({keys.rsa.publicJwk("k1"), rotated.publicJwk("k3")});
  // Within min_refresh of the last fetch, an unknown kid does not fetch again (an attacker cannot make
  // pumpcds hammer the EHR's key endpoint).
  refusal(verifier,
          rotated.sign("RS384", header("RS384", "k3"), claims(kIssuer, kAudience, kNow + 300, kNow, "j2")));
  EXPECT_EQ(keys.fetches, 1);
  // Past it, the new kid is looked up once and found.
  keys.now += 31;
  auto result = verifier.verify("Bearer " + rotated.sign("RS384", header("RS384", "k3"),
                                                         claims(kIssuer, kAudience, kNow + 300, kNow, "j3")),
                                kPath);
  EXPECT_TRUE(result.isOk()) << result.status().message();
  EXPECT_EQ(keys.fetches, 2);
}

TEST(JwtVerifier, AJkuOnTheIssuersListAddsKeysButNeverReplacesTheConfiguredOnes) {
  Fixture keys;
  const SigningKey elsewhere = SigningKey::rsa();
  keys.published_at_jku = testing::jwks({elsewhere.publicJwk("k7")});
  auto verifier = keys.verifier({"https://keys.example.org/jwks.json"});
  const std::string jku = R"(,"jku":"https://keys.example.org/jwks.json")";
  auto result =
      verifier.verify("Bearer " + elsewhere.sign("RS384", header("RS384", "k7", jku), claims()), kPath);
  EXPECT_TRUE(result.isOk()) << result.status().message();
  // A key of the issuer's own set is found there first, whatever the jku says.
  auto own = verifier.verify("Bearer " + keys.rsa.sign("RS384", header("RS384", "k1", jku),
                                                       claims(kIssuer, kAudience, kNow + 300, kNow, "j9")),
                             kPath);
  EXPECT_TRUE(own.isOk()) << own.status().message();
  // The issuer's own JWKS address in jku needs no listing.
  auto same = verifier.verify(
      "Bearer " + keys.rsa.sign("RS384", header("RS384", "k1", R"(,"jku":")" + kJwksUrl + "\""),
                                claims(kIssuer, kAudience, kNow + 300, kNow, "j10")),
      kPath);
  EXPECT_TRUE(same.isOk()) << same.status().message();
}

TEST(TrustedIssuers, TheFileIsReadStrictlyWithEveryMistakeNamed) {
  auto issuers = parseTrustedIssuers(
      R"({"issuers":[{"iss":"https://sandbox.cds-hooks.org","jwks_url":"https://sandbox.cds-hooks.org/.well-known/jwks.json"}]})",
      "issuers.json", ".");
  ASSERT_TRUE(issuers.isOk()) << issuers.status().message();
  EXPECT_EQ(issuers.value()[0].algorithms, (std::vector<std::string>{"RS384", "ES384"}));
  const struct {
    std::string json;
    std::string error;
  } wrong[] = {
      {R"({"issuers":[{"iss":"a","jwks_url":"http://keys.example.org/jwks"}]})", "must be https://"},
      {R"({"issuers":[{"iss":"a"}]})", "exactly one of jwks_url and jwks_file"},
      {R"({"issuers":[{"jwks_url":"https://k"}]})", "/issuers/0/iss: required"},
      {R"({"issuers":[{"iss":"a","jwks_url":"https://k","algorithms":["HS256"]}]})", "'HS256' is not one of"},
      {R"({"issuers":[{"iss":"a","jwks_url":"https://k","kid":"x"}]})", "unknown key 'kid'"},
      {R"({"issuers":[{"iss":"a","jwks_url":"https://k"},{"iss":"a","jwks_url":"https://k"}]})",
       "listed twice"},
      {R"({"issuers":[{"iss":"a","jwks_file":"missing.json"}]})", "cannot read './missing.json'"},
      {R"([])", "expected {\"issuers\""},
  };
  for (const auto& entry : wrong) {
    auto result = parseTrustedIssuers(entry.json, "issuers.json", ".");
    ASSERT_FALSE(result.isOk()) << entry.json;
    EXPECT_NE(result.status().message().find(entry.error), std::string::npos) << result.status().message();
  }
  EXPECT_TRUE(jwksUrlAllowed("http://127.0.0.1:8080/jwks.json"));
  EXPECT_FALSE(jwksUrlAllowed("http://127.0.0.1.evil.org/jwks.json"));
}

} // namespace
} // namespace pumpcds::auth
