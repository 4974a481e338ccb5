// Whatever bytes arrive, the service answers with cards or a named error: it never crashes. Run under
// the sanitizer build, this also checks no read goes out of bounds on truncated or retyped input.
#include <gtest/gtest.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "tests/support/test_data.h"

namespace pumpcds::hooks {
namespace {

void expectAnswered(const HookService& service, const std::string& body) {
  auto outcome = service.handle("pumpcds-order-sign", body);
  if (!outcome.isOk()) {
    EXPECT_NE(outcome.status().code(), StatusCode::Internal) << outcome.status().message();
    EXPECT_FALSE(outcome.status().message().empty());
  }
}

void mangle(const HookService& service, const std::string& body) {
  ASSERT_FALSE(body.empty());
  // Cut the request at many points.
  for (size_t cut = 0; cut < body.size(); cut += body.size() / 97 + 1) {
    expectAnswered(service, body.substr(0, cut));
  }
  // Replace values with the wrong JSON type, one at a time.
  for (const std::string_view needle : {"\"2025", "[{", "{\"", "\"active\"", "\"completed\"", "8,", "true"}) {
    for (const std::string_view replacement : {"null", "7", "[]", "{}", "\"x\""}) {
      std::string mangled = body;
      size_t at = 0;
      int replaced = 0;
      while ((at = mangled.find(needle, at)) != std::string::npos && replaced < 40) {
        std::string candidate = mangled;
        candidate.replace(at, needle.size(), std::string(replacement));
        expectAnswered(service, candidate);
        at += needle.size();
        ++replaced;
      }
    }
  }
}

TEST(MangledRequests, TruncatedAndRetypedBodiesAreAnsweredWithoutCrashing) {
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  const HookService service(library.value(), std::make_unique<cards::SequentialUuidSource>());
  for (const char* request : {"requests/permanent-nonmalignant-gaps.json", "requests/medicare-refill.json"}) {
    SCOPED_TRACE(request);
    mangle(service, testing::readTestFile(request));
  }
}

} // namespace
} // namespace pumpcds::hooks
