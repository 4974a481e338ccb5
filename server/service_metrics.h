// Every metric family of `pumpcds serve`, listed once (the way Envoy lists a component's stats): each
// line below makes both the field the code counts with and the name /metrics shows, so a family cannot
// be declared or emitted twice. The observe* functions count from what was decided, never by scanning
// response text.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "hooks/hook_service.h"
#include "server/metrics_registry.h"
#include "store/audit_queue.h"
#include "store/audit_record.h"

namespace pumpcds::server {

// clang-format off
#define PUMPCDS_SERVICE_COUNTERS(COUNTER)                                                                  \
  COUNTER(http_requests_total, "HTTP requests served.")                                                    \
  COUNTER(http_client_errors_total, "Responses with a 4xx status.")                                        \
  COUNTER(http_server_errors_total, "Responses with a 5xx status.")                                        \
  COUNTER(hook_calls_total, "Hook requests received.")                                                     \
  COUNTER(unauthorized_total, "Hook and feedback calls refused for want of a valid JWT.")                  \
  COUNTER(cards_total, "Cards returned.")                                                                  \
  COUNTER(hook_seconds_micros_total, "Microseconds spent handling hooks.")                                 \
  COUNTER(fhir_requests_total, "Requests sent to EHR FHIR servers (searches, pages, reads).")              \
  COUNTER(fhir_read_micros_total, "Microseconds spent reading records from EHR FHIR servers.")

#define PUMPCDS_SERVICE_LABELLED_COUNTERS(COUNTER_BY)                                                      \
  COUNTER_BY(hook_responses_total, "Hook calls answered, by service and HTTP status.", "service", "status") \
  COUNTER_BY(orders_total, "Pump orders decided, by policy and decision.", "policy", "decision")          \
  COUNTER_BY(fhir_failures_total, "FHIR searches and reads that gave nothing usable, by cause.", "cause")  \
  COUNTER_BY(library_reloads_total, "Library reloads (SIGHUP, /admin/reload) by result.", "result")       \
  COUNTER_BY(feedback_total, "Card feedback received, by outcome.", "outcome")                            \
  COUNTER_BY(feedback_override_reasons_total, "Overridden cards, by the reason the clinician gave.",      \
             "reason")

#define PUMPCDS_SERVICE_HISTOGRAMS(HISTOGRAM)                                                              \
  HISTOGRAM(hook_duration_seconds, "Time to answer a hook call (CRD asks for 5 s).")                      \
  HISTOGRAM(fhir_fetch_duration_seconds,                                                                   \
            "Time a hook call spent reading the EHR's FHIR server (calls that read it).")
// clang-format on

/// What the families read when the page is rendered come from.
struct MetricSources {
  std::function<long long()> shed_total;               ///< connections answered 503 at capacity
  std::function<policy::PolicyLibrary::Ptr()> library; ///< the library being served
  const store::AuditQueue* audit = nullptr;            ///< none: no audit families
};

class ServiceMetrics {
  // First: the fields below are registered in it as they are initialised.
  MetricsRegistry registry_;

public:
  explicit ServiceMetrics(MetricSources sources);
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

#define PUMPCDS_COUNTER_FIELD(name, help) Counter& name;
#define PUMPCDS_LABELLED_FIELD(name, help, ...) LabelledCounter& name;
#define PUMPCDS_HISTOGRAM_FIELD(name, help) Histogram& name;
  PUMPCDS_SERVICE_COUNTERS(PUMPCDS_COUNTER_FIELD)
  PUMPCDS_SERVICE_LABELLED_COUNTERS(PUMPCDS_LABELLED_FIELD)
  PUMPCDS_SERVICE_HISTOGRAMS(PUMPCDS_HISTOGRAM_FIELD)
#undef PUMPCDS_COUNTER_FIELD
#undef PUMPCDS_LABELLED_FIELD
#undef PUMPCDS_HISTOGRAM_FIELD

  /// One response of any route: counted by status class.
  void observeResponse(int status);
  /// One hook call: its service, HTTP status, time taken, and (when answered) what it decided and read.
  void observeHook(const std::string& service, int status, double seconds, const hooks::HookOutcome* outcome);
  /// Checked feedback items; a reason code pumpcds did not offer is counted as "other".
  void observeFeedback(const std::vector<store::FeedbackItem>& items,
                       const std::vector<fhir::Coding>& offered);
  /// A reload: whether the library loaded, and how long it took when it did.
  void observeReload(bool loaded, double seconds);

  /// The page GET /metrics serves.
  [[nodiscard]] std::string text() const {
    return registry_.text();
  }

private:
  MetricSources sources_;
  std::atomic<long long> last_load_micros_{0};
};

} // namespace pumpcds::server
