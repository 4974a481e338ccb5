#include "server/request_context.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>

#include <httplib.h>

namespace pumpcds::server {

RequestContext& RequestContexts::open(const httplib::Request& request, std::string request_id) {
  auto context = std::make_unique<RequestContext>();
  context->request_id = std::move(request_id);
  context->started = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  auto& slot = open_[&request];
  slot = std::move(context);
  return *slot;
}

RequestContext* RequestContexts::find(const httplib::Request& request) {
  const std::lock_guard lock(mutex_);
  const auto found = open_.find(&request);
  return found == open_.end() ? nullptr : found->second.get();
}

std::optional<RequestContext> RequestContexts::close(const httplib::Request& request) {
  const std::lock_guard lock(mutex_);
  const auto found = open_.find(&request);
  if (found == open_.end()) {
    return std::nullopt;
  }
  RequestContext context = std::move(*found->second);
  open_.erase(found);
  return context;
}

size_t RequestContexts::openCountForTest() const {
  const std::lock_guard lock(mutex_);
  return open_.size();
}

std::string requestIdFor(const httplib::Request& request) {
  static std::atomic<unsigned long long> next{0};
  std::string sent = request.get_header_value("X-Request-Id");
  const bool usable = !sent.empty() && sent.size() <= 64 && std::all_of(sent.begin(), sent.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
  if (usable) {
    return sent;
  }
  char made[32];
  std::snprintf(made, sizeof made, "pc-%llx-%llu",
                static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count()),
                ++next);
  return made;
}

} // namespace pumpcds::server
