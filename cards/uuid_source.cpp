#include "cards/uuid_source.h"

#include <chrono>
#include <cstring>

#include <openssl/rand.h>

namespace pumpcds::cards {

std::string formatUuidV4(unsigned char bytes[16]) {
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0F];
  }
  return out;
}

std::string RandomUuidSource::next() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // The CSPRNG failing is a broken host; a time-derived id still keeps cards apart.
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(bytes, &now, sizeof now < sizeof bytes ? sizeof now : sizeof bytes);
  }
  return formatUuidV4(bytes);
}

} // namespace pumpcds::cards

namespace pumpcds::cards {

std::string SequentialUuidSource::next() {
  const std::string digits = std::to_string(count_.fetch_add(1, std::memory_order_relaxed) + 1);
  return "00000000-0000-4000-8000-" + std::string(digits.size() < 12 ? 12 - digits.size() : 0, '0') + digits;
}

} // namespace pumpcds::cards
