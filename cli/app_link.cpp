#include "cli/app_link.h"

#include <filesystem>

#include <unistd.h>

namespace pumpcds::cli {
namespace {

bool holdsApp(const std::filesystem::path& dir) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(dir / "site" / "index.html", ignored);
}

std::filesystem::path executableDir() {
  std::error_code ignored;
  return std::filesystem::read_symlink("/proc/self/exe", ignored).parent_path();
}

} // namespace

std::string findAppDir(const AppSettings& app) {
  if (!app.dir.empty()) {
    return holdsApp(app.dir) ? app.dir : std::string();
  }
  for (const std::filesystem::path& candidate : {executableDir() / ".." / "share" / "pumpcds" / "app",
                                                 std::filesystem::path(PUMPCDS_SOURCE_APP_DIR)}) {
    if (holdsApp(candidate)) {
      return candidate.lexically_normal().string();
    }
  }
  return {};
}

std::optional<cards::AppLink> appLink(const Config& config, const std::string& app_dir, int port, bool tls) {
  if (config.app.link == "none" || (app_dir.empty() && config.app.url.empty())) {
    return std::nullopt;
  }
  cards::AppLink link;
  link.smart = config.app.link == "smart";
  if (!config.app.url.empty()) {
    link.url = config.app.url;
  } else if (!config.trust.public_url.empty()) {
    link.url = config.trust.public_url + "/app/launch.html";
  } else {
    const std::string& host = config.server.host;
    const bool any = host == "0.0.0.0" || host == "::" || host.empty();
    const std::string shown = any                                   ? "127.0.0.1"
                              : host.find(':') != std::string::npos ? "[" + host + "]"
                                                                    : host;
    link.url =
        std::string(tls ? "https://" : "http://") + shown + ":" + std::to_string(port) + "/app/launch.html";
  }
  return link;
}

} // namespace pumpcds::cli
