#include "auth/jwt_verifier.h"

#include <algorithm>
#include <cmath>

#include <rapidjson/document.h>

#include "auth/base64url.h"
#include "fhir/json_read.h"

namespace pumpcds::auth {

namespace {

constexpr size_t kMaxTokenBytes = size_t{16} * 1024; // a JWT is a few hundred bytes; far more is an attack

std::optional<rapidjson::Document> jsonPart(std::string_view encoded) {
  const auto decoded = base64UrlDecode(encoded);
  if (!decoded) {
    return std::nullopt;
  }
  rapidjson::Document document;
  document.Parse(decoded->data(), decoded->size());
  if (document.HasParseError() || !document.IsObject()) {
    return std::nullopt;
  }
  return document;
}

std::optional<int64_t> numericDate(const fhir::JsonValue& claims, const char* name) {
  const fhir::JsonValue* value = fhir::member(claims, name);
  if (value == nullptr || !value->IsNumber()) {
    return std::nullopt;
  }
  const double seconds = value->GetDouble();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11) {
    return std::nullopt;
  }
  return static_cast<int64_t>(seconds);
}

bool audienceIs(const fhir::JsonValue& claims, const std::string& expected) {
  const fhir::JsonValue* aud = fhir::member(claims, "aud");
  if (aud != nullptr && aud->IsString()) {
    return expected == aud->GetString();
  }
  for (const fhir::JsonValue* entry : fhir::items(aud)) {
    if (entry->IsString() && expected == entry->GetString()) {
      return true;
    }
  }
  return false;
}

} // namespace

int64_t JwtVerifier::systemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JwtVerifier::JwtVerifier(VerifierSettings settings, Fetch fetch, Clock clock)
    : settings_(std::move(settings)), fetch_(std::move(fetch)), clock_(std::move(clock)) {
  while (!settings_.public_url.empty() && settings_.public_url.back() == '/') {
    settings_.public_url.pop_back();
  }
  for (const auto& issuer : settings_.issuers) {
    if (!issuer.static_keys.empty()) {
      key_sets_["static:" + issuer.iss] = {issuer.static_keys, 0, 0};
    }
  }
}

const PublicKey* JwtVerifier::findKey(const TrustedIssuer& issuer, const std::string& url,
                                      const std::string& kid, std::string& why) {
  const auto match = [&](const KeySet& set) -> const PublicKey* {
    for (const auto& key : set.keys) {
      if (key.kid == kid || (kid.empty() && set.keys.size() == 1)) {
        return &key;
      }
    }
    return nullptr;
  };
  if (url.empty()) {
    const auto found = key_sets_.find("static:" + issuer.iss);
    const PublicKey* key = found == key_sets_.end() ? nullptr : match(found->second);
    why = key == nullptr ? "no key '" + kid + "' in the issuer's JWKS file" : "";
    return key;
  }
  const int64_t now = clock_();
  KeySet& set = key_sets_[url];
  const PublicKey* key = match(set);
  const bool stale = now - set.fetched_at >= settings_.cache_for.count();
  const bool may_try = now - set.tried_at >= settings_.min_refresh.count();
  if ((key == nullptr || stale) && (may_try || set.tried_at == 0)) {
    set.tried_at = now;
    auto fetched = fetch_(url);
    if (!fetched.isOk()) {
      why = "the JWKS at " + url + " could not be read: " + fetched.status().message();
      return stale ? nullptr : key;
    }
    auto keys = parseJwks(fetched.value());
    if (!keys.isOk()) {
      why = "the JWKS at " + url + ": " + keys.status().message();
      return stale ? nullptr : key;
    }
    set.keys = std::move(keys).value();
    set.fetched_at = now;
    key = match(set);
  }
  if (key == nullptr && why.empty()) {
    why = "no key '" + kid + "' in the JWKS at " + url;
  }
  return key;
}

bool JwtVerifier::remember(const std::string& iss, const std::string& jti, int64_t expires) {
  const int64_t now = clock_();
  if (seen_tokens_.size() >= settings_.max_remembered_tokens) {
    for (auto it = seen_tokens_.begin(); it != seen_tokens_.end();) {
      it = it->second + settings_.skew.count() < now ? seen_tokens_.erase(it) : std::next(it);
    }
    if (seen_tokens_.size() >= settings_.max_remembered_tokens) {
      return false; // fail closed: a replay could not be ruled out
    }
  }
  return seen_tokens_.emplace(iss + " " + jti, expires).second;
}

std::optional<std::string_view> bearerToken(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.substr(0, kBearer.size()) != kBearer) {
    return std::nullopt;
  }
  return authorization.substr(kBearer.size());
}

Result<Caller> JwtVerifier::verify(std::string_view authorization, std::string_view path) {
  if (authorization.empty()) {
    return unauthenticated("no Authorization header");
  }
  const auto bearer = bearerToken(authorization);
  if (!bearer) {
    return unauthenticated("the Authorization header is not a Bearer token");
  }
  const std::string_view token = *bearer;
  if (token.size() > kMaxTokenBytes) {
    return unauthenticated("the bearer token is larger than " + std::to_string(kMaxTokenBytes) + " bytes");
  }
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return unauthenticated("the bearer token is not a JWS in compact form (three dot-separated parts)");
  }
  const auto header = jsonPart(token.substr(0, first));
  const auto claims = jsonPart(token.substr(first + 1, second - first - 1));
  const auto signature = base64UrlDecode(token.substr(second + 1));
  if (!header || !claims || !signature) {
    return unauthenticated("the JWT's header, claims or signature is not base64url JSON");
  }
  Caller caller;
  caller.iss = fhir::stringAt(&*claims, "iss");
  caller.sub = fhir::stringAt(&*claims, "sub");
  caller.jti = fhir::stringAt(&*claims, "jti");
  caller.kid = fhir::stringAt(&*header, "kid");
  const std::string who = " (iss '" + caller.iss + "', kid '" + caller.kid + "', jti '" + caller.jti + "')";
  const auto issuer = std::find_if(settings_.issuers.begin(), settings_.issuers.end(),
                                   [&](const TrustedIssuer& trusted) { return trusted.iss == caller.iss; });
  if (issuer == settings_.issuers.end()) {
    return unauthenticated("issuer not trusted" + who);
  }
  const std::string alg = fhir::stringAt(&*header, "alg");
  if (std::find(issuer->algorithms.begin(), issuer->algorithms.end(), alg) == issuer->algorithms.end()) {
    return unauthenticated("algorithm '" + alg + "' not accepted for this issuer" + who);
  }
  // A jku header may only name the issuer's own key set or one it allows; the keys the issuer is configured
  // with are tried first, so a jku can add keys but never replace trusted ones.
  const std::string jku = fhir::stringAt(&*header, "jku");
  if (!jku.empty() && jku != issuer->jwks_url &&
      std::find(issuer->jku_allowed.begin(), issuer->jku_allowed.end(), jku) == issuer->jku_allowed.end()) {
    return unauthenticated("jku '" + jku + "' is not allowed for this issuer" + who);
  }
  // The key is copied out under the lock (a refresh may replace its key set) and used outside it: the
  // signature check is the costly step and must not serialize every worker.
  PublicKey key;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    const PublicKey* found = findKey(*issuer, issuer->jwks_url, caller.kid, why);
    if (found == nullptr && !jku.empty() && jku != issuer->jwks_url) {
      found = findKey(*issuer, jku, caller.kid, why);
    }
    if (found == nullptr) {
      return unauthenticated(why + who);
    }
    key = *found;
  }
  if (!verifySignature(alg, key, token.substr(0, second), *signature)) {
    return unauthenticated("signature does not verify" + who);
  }
  const std::string expected_aud = settings_.public_url + std::string(path);
  if (!audienceIs(*claims, expected_aud)) {
    return unauthenticated("aud is not " + expected_aud + who);
  }
  const int64_t now = clock_();
  const auto expires = numericDate(*claims, "exp");
  const auto issued = numericDate(*claims, "iat");
  if (!expires || *expires + settings_.skew.count() < now) {
    return unauthenticated("expired or no exp" + who);
  }
  if (!issued || *issued - settings_.skew.count() > now) {
    return unauthenticated("iat in the future or no iat" + who);
  }
  if (caller.jti.empty()) {
    return unauthenticated("no jti" + who);
  }
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!remember(caller.iss, caller.jti, *expires)) {
      return unauthenticated("jti already used (a replayed token)" + who);
    }
  }
  if (settings_.shared_replay_check) {
    const auto fresh = settings_.shared_replay_check(caller.iss, caller.jti, *expires, now);
    if (!fresh.isOk()) {
      return unauthenticated("the shared replay cache cannot be checked (" + fresh.status().message() + ")" +
                             who);
    }
    if (!fresh.value()) {
      return unauthenticated("jti already used at another replica (a replayed token)" + who);
    }
  }
  return caller;
}

} // namespace pumpcds::auth
