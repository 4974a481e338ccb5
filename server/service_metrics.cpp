#include "server/service_metrics.h"

#include <unistd.h>

#include <cstdio>

namespace pumpcds::server {

namespace {

// Resident memory from /proc/self/statm (pages).
double residentBytes() {
  long long pages_total = 0;
  long long pages_resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%lld %lld", &pages_total, &pages_resident) != 2) {
      pages_resident = 0;
    }
    std::fclose(statm);
  }
  return static_cast<double>(pages_resident * sysconf(_SC_PAGESIZE));
}

std::vector<Sample> one(double value) {
  return {Sample{{}, value}};
}

} // namespace

#define PUMPCDS_COUNTER_INIT(name, help) , name(registry_.counter("pumpcds_" #name, help))
#define PUMPCDS_LABELLED_INIT(name, help, ...)                                                               \
  , name(registry_.labelledCounter("pumpcds_" #name, help, {__VA_ARGS__}))
#define PUMPCDS_HISTOGRAM_INIT(name, help) , name(registry_.histogram("pumpcds_" #name, help))

ServiceMetrics::ServiceMetrics(MetricSources sources)
    : registry_() PUMPCDS_SERVICE_COUNTERS(PUMPCDS_COUNTER_INIT)
          PUMPCDS_SERVICE_LABELLED_COUNTERS(PUMPCDS_LABELLED_INIT)
              PUMPCDS_SERVICE_HISTOGRAMS(PUMPCDS_HISTOGRAM_INIT),
      sources_(std::move(sources)) {
  using Kind = MetricsRegistry::Kind;
  // Series a dashboard expects from the start, at 0.
  for (const char* outcome : {"accepted", "overridden"}) {
    feedback_total.declare({outcome});
  }
  for (const char* result : {"ok", "failed"}) {
    library_reloads_total.declare({result});
  }
  if (sources_.shed_total) {
    registry_.collected("pumpcds_http_shed_total", "Connections answered 503 because every worker was taken.",
                        Kind::Counter, [this] { return one(static_cast<double>(sources_.shed_total())); });
  }
  if (sources_.audit != nullptr) {
    const store::AuditQueue& audit = *sources_.audit;
    registry_.collected("pumpcds_audit_queue_depth", "Audit records waiting to be stored.", Kind::Gauge,
                        [&audit] { return one(static_cast<double>(audit.depth())); });
    registry_.collected("pumpcds_audit_records_total", "Audit records stored.", Kind::Counter,
                        [&audit] { return one(static_cast<double>(audit.written())); });
    registry_.collected("pumpcds_audit_dropped_total", "Audit records dropped because the queue was full.",
                        Kind::Counter, [&audit] { return one(static_cast<double>(audit.dropped())); });
    registry_.collected("pumpcds_audit_failed_total", "Audit records the store refused (see the log).",
                        Kind::Counter, [&audit] { return one(static_cast<double>(audit.failed())); });
  }
  if (sources_.library) {
    registry_.collected("pumpcds_library_info", "The policy library being served.", Kind::Gauge, [this] {
      const auto library = sources_.library();
      return std::vector<Sample>{Sample{
          {{"revision", library->revision()}, {"policies", std::to_string(library->policies().size())}}, 1}};
    });
  }
  registry_.collected("pumpcds_library_load_seconds",
                      "How long the last successful reload took to load the library.", Kind::Gauge,
                      [this] { return one(static_cast<double>(last_load_micros_.load()) / 1e6); });
  registry_.collected("process_resident_memory_bytes", "Resident memory of the server.", Kind::Gauge,
                      [] { return one(residentBytes()); });
}

#undef PUMPCDS_COUNTER_INIT
#undef PUMPCDS_LABELLED_INIT
#undef PUMPCDS_HISTOGRAM_INIT

void ServiceMetrics::observeResponse(int status) {
  http_requests_total.add();
  if (status >= 500) {
    http_server_errors_total.add();
  } else if (status >= 400) {
    http_client_errors_total.add();
  }
}

void ServiceMetrics::observeHook(const std::string& service, int status, double seconds,
                                 const hooks::HookOutcome* outcome) {
  hook_duration_seconds.observe(seconds);
  hook_seconds_micros_total.add(static_cast<long long>(seconds * 1e6));
  hook_responses_total.add({service, std::to_string(status)});
  if (outcome == nullptr) {
    return;
  }
  for (const auto& order : outcome->determination.orders) {
    orders_total.add(
        {order.policy != nullptr ? order.policy->id : "none", std::string(policy::toString(order.decision))});
  }
  fhir_requests_total.add(outcome->fetch.requests);
  fhir_read_micros_total.add(outcome->fetch_time.count());
  if (outcome->fetch.requests > 0) {
    fhir_fetch_duration_seconds.observe(static_cast<double>(outcome->fetch_time.count()) / 1e6);
    for (const auto& [cause, count] : outcome->fetch.failure_causes) {
      fhir_failures_total.add({cause}, count);
    }
  }
  // Counted as the cards were written: a draft order echoed back may hold any text.
  cards_total.add(static_cast<long long>(outcome->cards));
}

void ServiceMetrics::observeFeedback(const std::vector<store::FeedbackItem>& items,
                                     const std::vector<fhir::Coding>& offered) {
  for (const auto& item : items) {
    feedback_total.add({item.outcome});
    if (item.outcome == "overridden" && !item.override_code.empty()) {
      std::string reason = "other";
      for (const auto& known : offered) {
        reason = known.code == item.override_code ? item.override_code : reason;
      }
      feedback_override_reasons_total.add({reason});
    }
  }
}

void ServiceMetrics::observeReload(bool loaded, double seconds) {
  library_reloads_total.add({loaded ? "ok" : "failed"});
  if (loaded) {
    last_load_micros_ = static_cast<long long>(seconds * 1e6);
  }
}

} // namespace pumpcds::server
