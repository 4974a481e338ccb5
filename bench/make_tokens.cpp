// An EHR for the load test: a fresh RSA key, its JWKS and issuers file, and COUNT signed RS384 tokens (one
// per line, each with its own jti, valid for 10 minutes) for order-sign calls to PUBLIC_URL.
//   make_tokens DIR COUNT PUBLIC_URL   writes DIR/jwks.json, DIR/issuers.json, DIR/tokens.txt
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/support/jwt_signer.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_tokens DIR COUNT PUBLIC_URL\n";
    return 2;
  }
  const std::string dir = argv[1];
  const long count = std::strtol(argv[2], nullptr, 10);
  const std::string audience = std::string(argv[3]) + "/cds-services/pumpcds-order-sign";
  const std::string issuer = "https://load-test-ehr.example";
  const auto key = pumpcds::testing::SigningKey::rsa(2048);
  std::ofstream(dir + "/jwks.json") << pumpcds::testing::jwks({key.publicJwk("load")});
  std::ofstream(dir + "/issuers.json")
      << R"({"issuers":[{"iss":")" << issuer << R"(","jwks_file":"jwks.json"}]})";
  const long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::ofstream tokens(dir + "/tokens.txt");
  for (long i = 0; i < count; ++i) {
    tokens << key.sign("RS384", R"({"alg":"RS384","typ":"JWT","kid":"load"})",
                       R"({"iss":")" + issuer + R"(","aud":")" + audience + R"(","exp":)" +
                           std::to_string(now + 600) + R"(,"iat":)" + std::to_string(now) +
                           R"(,"jti":"load-)" + std::to_string(i) + R"("})")
           << "\n";
  }
  return tokens ? 0 : 1;
}
