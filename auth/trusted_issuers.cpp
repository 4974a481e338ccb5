#include "auth/trusted_issuers.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "auth/jwk.h"
#include "base/text.h"
#include "fhir/fhir_client.h"
#include "fhir/json_read.h"

namespace pumpcds::auth {

namespace {
constexpr std::string_view kAlgorithms[] = {"RS256", "RS384", "ES256", "ES384"};
} // namespace

bool jwksUrlAllowed(const std::string& url) {
  return fhir::httpsOrLoopback(url);
}

Result<std::vector<TrustedIssuer>> parseTrustedIssuers(std::string_view json, const std::string& file,
                                                       const std::string& directory) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError()) {
    return invalidArgument(file + ": " + fhir::describeParseError(document, json));
  }
  const fhir::JsonValue* list = fhir::member(document, "issuers");
  if (!document.IsObject() || list == nullptr || !list->IsArray()) {
    return invalidArgument(file +
                           ": expected {\"issuers\": [{\"iss\", \"jwks_url\" or \"jwks_file\"}, ...]}");
  }
  std::vector<TrustedIssuer> issuers;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const fhir::JsonValue& entry = (*list)[i];
    const std::string at = file + ": /issuers/" + std::to_string(i);
    if (!entry.IsObject()) {
      return invalidArgument(at + ": expected an object");
    }
    for (const auto& member : entry.GetObject()) {
      const std::string_view key(member.name.GetString(), member.name.GetStringLength());
      if (key != "iss" && key != "jwks_url" && key != "jwks_file" && key != "jku_allowed" &&
          key != "algorithms") {
        return invalidArgument(at + ": unknown key '" + std::string(key) +
                               "' (known: iss, jwks_url, jwks_file, jku_allowed, algorithms)");
      }
    }
    TrustedIssuer issuer;
    issuer.iss = fhir::stringAt(&entry, "iss");
    issuer.jwks_url = fhir::stringAt(&entry, "jwks_url");
    const std::string jwks_file = fhir::stringAt(&entry, "jwks_file");
    if (issuer.iss.empty()) {
      return invalidArgument(at + "/iss: required, the issuer exactly as the EHR's tokens name it");
    }
    if (issuer.jwks_url.empty() == jwks_file.empty()) {
      return invalidArgument(at + ": give exactly one of jwks_url and jwks_file");
    }
    if (!issuer.jwks_url.empty() && !jwksUrlAllowed(issuer.jwks_url)) {
      return invalidArgument(at + "/jwks_url: must be https:// (plain http only to a loopback host)");
    }
    if (!jwks_file.empty()) {
      const std::string path = jwks_file.front() == '/' ? jwks_file : directory + "/" + jwks_file;
      const auto text = base::readWholeFile(path);
      if (!text) {
        return invalidArgument(at + "/jwks_file: cannot read '" + path + "'");
      }
      auto keys = parseJwks(*text);
      if (!keys.isOk()) {
        return invalidArgument(at + "/jwks_file: " + keys.status().message());
      }
      issuer.static_keys = std::move(keys).value();
    }
    for (const fhir::JsonValue* jku : fhir::items(fhir::member(entry, "jku_allowed"))) {
      if (!jku->IsString() || !jwksUrlAllowed(jku->GetString())) {
        return invalidArgument(at + "/jku_allowed: each must be an https:// URL");
      }
      issuer.jku_allowed.emplace_back(jku->GetString());
    }
    for (const fhir::JsonValue* alg : fhir::items(fhir::member(entry, "algorithms"))) {
      const std::string name = alg->IsString() ? alg->GetString() : "";
      if (std::find(std::begin(kAlgorithms), std::end(kAlgorithms), name) == std::end(kAlgorithms)) {
        return invalidArgument(at + "/algorithms: '" + name + "' is not one of RS256, RS384, ES256, ES384");
      }
      issuer.algorithms.push_back(name);
    }
    if (issuer.algorithms.empty()) {
      issuer.algorithms = {"RS384", "ES384"}; // what CDS Hooks 2.0 requires an EHR to support
    }
    if (std::any_of(issuers.begin(), issuers.end(),
                    [&](const TrustedIssuer& other) { return other.iss == issuer.iss; })) {
      return invalidArgument(at + "/iss: '" + issuer.iss + "' is listed twice");
    }
    issuers.push_back(std::move(issuer));
  }
  return issuers;
}

} // namespace pumpcds::auth
