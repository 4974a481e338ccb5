// Where `serve` finds the DTR app's files, and the link a card with items to attest carries to it.
#pragma once

#include <optional>
#include <string>

#include "cards/card_builder.h"
#include "cli/config.h"

namespace pumpcds::cli {

/// The app's directory: --app-dir, else share/pumpcds/app beside the installed binary, else the source
/// tree's app/ (a build that was never installed). "" when none holds site/index.html.
std::string findAppDir(const AppSettings& app);

/// The link cards carry: none with --app-link none, or when the app is neither served here (`app_dir` "")
/// nor placed elsewhere (--app-url). The URL is --app-url, else --public-url's /app/launch.html, else this
/// listener's (`port`, `tls`).
std::optional<cards::AppLink> appLink(const Config& config, const std::string& app_dir, int port, bool tls);

} // namespace pumpcds::cli
