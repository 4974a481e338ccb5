#include "server/library_reloader.h"

#include <chrono>
#include <cstdio>

namespace pumpcds::server {

Result<std::string> LibraryReloader::reload() {
  const std::lock_guard lock(mutex_);
  if (!load_) {
    return Status(StatusCode::FailedPrecondition, "this server cannot reload its library");
  }
  const auto started = std::chrono::steady_clock::now();
  auto loaded = load_();
  if (!loaded.isOk()) {
    metrics_.observeReload(/*loaded=*/false, 0);
    std::fprintf(stderr, "reload: the policy library is invalid; still serving %s:\n%s\n",
                 service_.library()->revision().substr(0, 12).c_str(), loaded.status().message().c_str());
    return invalidArgument("the policy library is invalid; the one in service is kept: " +
                           loaded.status().message());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string revision = loaded.value()->revision();
  const size_t policies = loaded.value()->policies().size();
  service_.replaceLibrary(std::move(loaded).value());
  metrics_.observeReload(/*loaded=*/true, seconds);
  std::fprintf(stderr, "reload: serving library %s (%zu policies, loaded in %.1f ms)\n",
               revision.substr(0, 12).c_str(), policies, seconds * 1000.0);
  return revision;
}

} // namespace pumpcds::server
