// Where card uuids come from: random (RFC 4122 version 4) in production, predictable in tests.
#pragma once

#include <atomic>
#include <memory>
#include <string>

namespace pumpcds::cards {

/// One source serves every request of a HookService, so `next()` is called from all server worker
/// threads at once: every implementation must be thread-safe.
class UuidSource {
public:
  virtual ~UuidSource() = default;
  virtual std::string next() = 0;
};
using UuidSourcePtr = std::unique_ptr<UuidSource>;

/// Version-4 uuids from OpenSSL's CSPRNG (RAND_bytes is thread-safe since OpenSSL 1.1.0).
class RandomUuidSource : public UuidSource {
public:
  std::string next() override;
};

/// 00000000-0000-4000-8000-000000000001, …002, …: predictable cards for policy cases and tests.
class SequentialUuidSource : public UuidSource {
public:
  std::string next() override;

private:
  std::atomic<unsigned long long> count_{0};
};

/// Formats 16 bytes as a version-4 uuid (sets the version and variant bits).
std::string formatUuidV4(unsigned char bytes[16]);

} // namespace pumpcds::cards
