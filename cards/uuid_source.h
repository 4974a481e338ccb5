// Where card uuids come from: random (RFC 4122 version 4) in production, predictable in tests.
#pragma once

#include <memory>
#include <string>

namespace pumpcds::cards {

class UuidSource {
public:
  virtual ~UuidSource() = default;
  virtual std::string next() = 0;
};
using UuidSourcePtr = std::unique_ptr<UuidSource>;

/// Version-4 uuids from OpenSSL's CSPRNG.
class RandomUuidSource : public UuidSource {
public:
  std::string next() override;
};

/// Formats 16 bytes as a version-4 uuid (sets the version and variant bits).
std::string formatUuidV4(unsigned char bytes[16]);

} // namespace pumpcds::cards
