// How long a hook takes when the record comes from a FHIR server, on demand:
// `tests/fhir_server/install && cmake --build build --target fhir_fetch_benchmark &&
// build/bench/fhir_fetch_benchmark`. Starts the test FHIR server (tests/fhir_server) on loopback, loads the
// MM-1369 example patient, and times the whole hook (gather, evaluate, render) with the server answering at
// once, and with every answer delayed (the argument, in ms): parallel queries should cost about one delay.
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "fhir/json_read.h"
#include "hooks/hook_service.h"
#include "tests/support/fhir_test_server.h"

namespace {

using pumpcds::testing::FhirTestServer;

// The example request's resources loaded into the server once; the request keeps only `keep` prefetch keys.
struct Fixture {
  FhirTestServer server;
  rapidjson::Document request;

  Fixture() {
    std::ifstream stream(std::string(PUMPCDS_TEST_DATA) + "/requests/permanent-nonmalignant-gaps.json");
    std::ostringstream text;
    text << stream.rdbuf();
    request.Parse(text.str().c_str());
    rapidjson::Document resources(rapidjson::kArrayType);
    for (auto& key : request["prefetch"].GetObject()) {
      if (key.value.IsObject() && key.value.HasMember("entry")) {
        for (auto& entry : key.value["entry"].GetArray()) {
          resources.PushBack(rapidjson::Value(entry["resource"], resources.GetAllocator()),
                             resources.GetAllocator());
        }
      } else if (key.value.IsObject()) {
        resources.PushBack(rapidjson::Value(key.value, resources.GetAllocator()), resources.GetAllocator());
      }
    }
    server.seed("bench", pumpcds::fhir::jsonText(resources), request["context"]["patientId"].GetString());
  }

  std::string hook(const std::string& modifiers, bool prefetch_routing) {
    rapidjson::Document copy;
    copy.CopyFrom(request, copy.GetAllocator());
    auto& prefetch = copy["prefetch"];
    for (auto it = prefetch.MemberBegin(); it != prefetch.MemberEnd();) {
      const std::string key = it->name.GetString();
      it = prefetch_routing && (key == "patient" || key == "coverage") ? it + 1 : prefetch.EraseMember(it);
    }
    const std::string base = server.base("/tenant/bench" + modifiers);
    copy.RemoveMember("fhirServer");
    copy.AddMember("fhirServer", rapidjson::Value(base.c_str(), copy.GetAllocator()), copy.GetAllocator());
    return pumpcds::fhir::jsonText(copy);
  }
};

Fixture& fixture() {
  static Fixture kFixture;
  return kFixture;
}

pumpcds::hooks::HookService service() {
  pumpcds::fhir::FhirClientSettings settings;
  settings.allow_insecure = true;
  settings.deadline = std::chrono::milliseconds(10000);
  return {pumpcds::policy::PolicyLibrary::loadBundled().value(),
          std::make_unique<pumpcds::cards::RandomUuidSource>(), std::nullopt,
          std::make_shared<const pumpcds::fhir::FhirClient>(std::move(settings))};
}

// Everything from the server: Patient and Coverage, then what the policy reads (two rounds).
void hookFromServerAlone(benchmark::State& state) {
  const auto hook_service = service();
  const std::string body = fixture().hook("", false);
  for (auto _ : state) {
    auto outcome = hook_service.handle("pumpcds-order-sign", body);
    benchmark::DoNotOptimize(outcome);
  }
}
BENCHMARK(hookFromServerAlone)->Unit(benchmark::kMillisecond)->UseRealTime();

// CRD's lean prefetch (Patient and Coverage), every other answer delayed state.range(0) ms.
void hookWithDelayedServer(benchmark::State& state) {
  const auto hook_service = service();
  const std::string body = fixture().hook("/delay/" + std::to_string(state.range(0)), true);
  int requests = 0;
  for (auto _ : state) {
    auto outcome = hook_service.handle("pumpcds-order-sign", body);
    requests = outcome.isOk() ? outcome.value().fetch.requests : -1;
  }
  state.counters["fhir_requests"] = requests;
}
BENCHMARK(hookWithDelayedServer)->Arg(50)->Arg(200)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
