// Where a hook's time goes, stage by stage, for requests of 50, 300 and 2,000 resources (on demand:
// `cmake --build build --target stage_benchmark && build/bench/stage_benchmark`). Each stage reports
// items/s = resources/s, so a per-resource cost that is flat from 50 to 2,000 shows as a flat rate. The
// RapidJSON floors (parse the request's bytes into a DOM; write the response's DOM back to bytes) are what
// no reader or writer of the same JSON can beat.
#include <string>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/text.h"
#include "bench/sized_request.h"
#include "cards/card_builder.h"
#include "cards/uuid_source.h"
#include "hooks/cds_request.h"
#include "hooks/hook_service.h"
#include "policies/order_decision.h"

namespace {

using pumpcds::policy::PolicyLibrary;

const PolicyLibrary& library() {
  static const PolicyLibrary::Ptr loaded = PolicyLibrary::loadBundled().value();
  return *loaded;
}

std::string request(size_t resources) {
  static const std::string base =
      pumpcds::base::readWholeFile(std::string(PUMPCDS_SOURCE_DIR) + "/bench/load/synthea-200.json")
          .value_or("");
  return pumpcds::bench::sizedRequest(base, resources);
}

void perResource(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void jsonParseFloor(benchmark::State& state) {
  const std::string body = request(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    rapidjson::Document document;
    document.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
    benchmark::DoNotOptimize(document);
  }
  perResource(state);
}

void parse(benchmark::State& state) {
  const std::string body = request(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto parsed = pumpcds::hooks::parseCdsRequest(body);
    benchmark::DoNotOptimize(parsed);
  }
  perResource(state);
}

void index(benchmark::State& state) {
  const auto parsed = pumpcds::hooks::parseCdsRequest(request(static_cast<size_t>(state.range(0)))).value();
  for (auto _ : state) {
    state.PauseTiming();
    auto record = parsed.record;
    state.ResumeTiming();
    record.resolveReferences();
    benchmark::DoNotOptimize(record);
  }
  perResource(state);
}

// A parsed, indexed request and its pump orders, for the stages after parsing.
struct Prepared {
  pumpcds::hooks::CdsRequest request;
  std::vector<pumpcds::policy::PumpOrder> orders;
  pumpcds::fhir::Date as_of = pumpcds::fhir::Date{2026, 6, 1};
};

Prepared prepare(size_t resources) {
  Prepared out{pumpcds::hooks::parseCdsRequest(request(resources)).value(), {}};
  out.request.record.resolveReferences();
  out.orders = pumpcds::hooks::pumpOrders(out.request, library().orders());
  return out;
}

pumpcds::policy::Determination evaluate(const Prepared& prepared) {
  pumpcds::policy::Determination determination;
  for (const auto& order : prepared.orders) {
    const pumpcds::policy::EvaluationInput input{prepared.request.record, prepared.request.draft_orders,
                                                 prepared.as_of};
    determination.orders.push_back(
        pumpcds::policy::decideOrder(library().route(input.record, input.as_of), order, input));
  }
  return determination;
}

void evaluateStage(benchmark::State& state) {
  const Prepared prepared = prepare(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto determination = evaluate(prepared);
    benchmark::DoNotOptimize(determination);
  }
  perResource(state);
}

pumpcds::cards::RenderedResponse render(const Prepared& prepared,
                                        const pumpcds::policy::Determination& determination,
                                        pumpcds::cards::UuidSource& uuids) {
  pumpcds::cards::ResponseContext context;
  context.order_json = &prepared.request.draft_order_json;
  context.hook = {prepared.request.patient_id, prepared.request.encounter_id, prepared.request.user_id};
  return pumpcds::cards::renderCdsResponse(determination, library().cardSettings(), uuids, context);
}

void renderAndSerialise(benchmark::State& state) {
  const Prepared prepared = prepare(static_cast<size_t>(state.range(0)));
  const auto determination = evaluate(prepared);
  pumpcds::cards::SequentialUuidSource uuids;
  for (auto _ : state) {
    auto rendered = render(prepared, determination, uuids);
    benchmark::DoNotOptimize(rendered);
  }
  perResource(state);
}

void jsonWriteFloor(benchmark::State& state) {
  const Prepared prepared = prepare(static_cast<size_t>(state.range(0)));
  pumpcds::cards::SequentialUuidSource uuids;
  const std::string response = render(prepared, evaluate(prepared), uuids).json;
  rapidjson::Document document;
  document.Parse(response.c_str());
  for (auto _ : state) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    benchmark::DoNotOptimize(buffer.GetString());
  }
  perResource(state);
}

void wholeHook(benchmark::State& state) {
  const std::string body = request(static_cast<size_t>(state.range(0)));
  const pumpcds::hooks::HookService service(PolicyLibrary::loadBundled().value(),
                                            std::make_unique<pumpcds::cards::SequentialUuidSource>(),
                                            pumpcds::fhir::Date{2026, 6, 1});
  for (auto _ : state) {
    auto outcome = service.handle("pumpcds-order-sign", body);
    benchmark::DoNotOptimize(outcome);
  }
  perResource(state);
}

#define SIZES Arg(50)->Arg(300)->Arg(2000)->Unit(benchmark::kMicrosecond)
BENCHMARK(jsonParseFloor)->SIZES;
BENCHMARK(parse)->SIZES;
BENCHMARK(index)->SIZES;
BENCHMARK(evaluateStage)->SIZES;
BENCHMARK(renderAndSerialise)->SIZES;
BENCHMARK(jsonWriteFloor)->SIZES;
BENCHMARK(wholeHook)->SIZES;

} // namespace

BENCHMARK_MAIN();
