// Fuzzes a whole hook call as the server receives it: the request body (JSON, context, draft orders,
// prefetch bundles and resources) through HookService::handle with the bundled library. No FHIR client,
// so nothing leaves the process; only prefetch is read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"

namespace {

const pumpcds::hooks::HookService& service() {
  static const auto* hook_service = [] {
    auto library = pumpcds::policy::PolicyLibrary::loadBundled();
    if (!library.isOk()) {
      __builtin_trap();
    }
    return new pumpcds::hooks::HookService(library.value(),
                                           std::make_unique<pumpcds::cards::SequentialUuidSource>(),
                                           pumpcds::fhir::Date::parse("2026-06-01"));
  }();
  return *hook_service;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // Both services: order-select and order-sign read the same request through different checks.
  (void)service().handle("pumpcds-order-sign", body);
  (void)service().handle("pumpcds-order-select", body);
  return 0;
}
