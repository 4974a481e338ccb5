// How long a hook takes, on demand: `cmake --build build --target hook_benchmark &&
// build/bench/hook_benchmark`. Measures the service path the server runs (parse, route, evaluate, render) on
// the hand-made MM-1369 request, and the request parse alone.
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>

#include "cards/uuid_source.h"
#include "hooks/cds_request.h"
#include "hooks/hook_service.h"

namespace {

std::string request() {
  std::ifstream stream(std::string(PUMPCDS_TEST_DATA) + "/requests/permanent-nonmalignant-gaps.json");
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

void handleHook(benchmark::State& state) {
  auto library = pumpcds::policy::PolicyLibrary::loadBundled();
  const pumpcds::hooks::HookService service(library.value(),
                                            std::make_unique<pumpcds::cards::RandomUuidSource>());
  const std::string body = request();
  for (auto _ : state) {
    auto outcome = service.handle("pumpcds-order-sign", body);
    benchmark::DoNotOptimize(outcome);
  }
}
BENCHMARK(handleHook)->Unit(benchmark::kMicrosecond);

void parseRequest(benchmark::State& state) {
  const std::string body = request();
  for (auto _ : state) {
    auto parsed = pumpcds::hooks::parseCdsRequest(body);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(parseRequest)->Unit(benchmark::kMicrosecond);

void loadLibrary(benchmark::State& state) {
  for (auto _ : state) {
    auto library = pumpcds::policy::PolicyLibrary::loadBundled();
    benchmark::DoNotOptimize(library);
  }
}
BENCHMARK(loadLibrary)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
