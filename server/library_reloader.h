// Reloading the policy library (SIGHUP, POST /admin/reload): the new library serves from the next call
// on, calls in flight finish on the one they started with, and a library that does not load is refused
// with its errors while the one in service is kept.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "hooks/hook_service.h"
#include "server/service_metrics.h"

namespace pumpcds::server {

class LibraryReloader {
public:
  /// Where the policy library comes from again.
  using Loader = std::function<Result<policy::PolicyLibrary::Ptr>()>;

  LibraryReloader(hooks::HookService& service, ServiceMetrics& metrics)
      : service_(service), metrics_(metrics) {}
  void setLoader(Loader loader) { load_ = std::move(loader); }

  /// Loads the library again and serves it; returns the revision now served. InvalidArgument (with the
  /// loader's errors) when it does not load; FailedPrecondition when there is no loader.
  Result<std::string> reload();

private:
  hooks::HookService& service_;
  ServiceMetrics& metrics_;
  Loader load_;
  std::mutex mutex_; ///< one reload at a time
};

} // namespace pumpcds::server
