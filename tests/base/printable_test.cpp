// What comes from outside is echoed in errors and logs only in a form that cannot forge a log line or
// make a response invalid JSON.
#include <gtest/gtest.h>

#include "base/text.h"

namespace pumpcds::base {
namespace {

TEST(Printable, KeepsTextAndUtf8AndEscapesControlsAndInvalidBytes) {
  EXPECT_EQ(printable("order-sign"), "order-sign");
  EXPECT_EQ(printable("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(printable("/healthz\nGET /forged 200"), "/healthz\\x0aGET /forged 200");
  EXPECT_EQ(printable(std::string("order\0sign", 10)), "order\\x00sign");
  EXPECT_EQ(printable("\xFF\xC3"), "\\xff\\xc3");          // invalid, and a sequence cut short
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xed\\xa0\\x80"); // a UTF-16 surrogate is not UTF-8
  EXPECT_EQ(printable("\xC0\xAF"), "\\xc0\\xaf");          // overlong
  EXPECT_EQ(printable(std::string(5'000'000, 'x'), 64), std::string(64, 'x') + "...");
}

} // namespace
} // namespace pumpcds::base
