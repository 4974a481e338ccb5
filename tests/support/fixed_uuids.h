// Predictable card uuids for tests.
#pragma once

#include <string>

#include "cards/uuid_source.h"

namespace pumpcds::testing {

class CountingUuidSource : public cards::UuidSource {
public:
  std::string next() override {
    const std::string digits = std::to_string(++count_);
    return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
  }

private:
  int count_ = 0;
};

} // namespace pumpcds::testing
