// Reloading the policy library while EHRs keep calling: through the admin port and SIGHUP, a changed library
// is served from the next call on, a broken one is refused with its errors and the old one kept, and no
// call in flight fails.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/e2e/server_process.h"
#include "tests/support/request_builder.h"

namespace pumpcds::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSign = "/cds-services/pumpcds-order-sign";

std::string revisionAt(httplib::Client& client) {
  const auto health = client.Get("/healthz");
  if (!health || health->status != 200) {
    return "";
  }
  rapidjson::Document document;
  document.Parse(health->body.c_str());
  return document.HasParseError() ? "" : document["libraryRevision"].GetString();
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replaceIn(const fs::path& path, const std::string& from, const std::string& to) {
  std::string text = read(path);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " in " << path;
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

TEST(Reload, ALibraryChangedUnderLoadIsServedNextABrokenOneIsRefusedAndNoCallFails) {
  const fs::path library = fs::temp_directory_path() / ("pumpcds-reload-" + std::to_string(::getpid()));
  fs::remove_all(library);
  fs::copy(fs::path(PUMPCDS_SOURCE_DIR) / "policies" / "library", library, fs::copy_options::recursive);
  ServerProcess server({"--policies", library.string(), "--admin-port", "0"});
  ASSERT_GT(server.port(), 0);
  ASSERT_GT(server.adminPort(), 0) << "the start line names the admin listener";
  httplib::Client service("127.0.0.1", server.port());
  httplib::Client admin("127.0.0.1", server.adminPort());
  const std::string first = revisionAt(service);
  ASSERT_FALSE(first.empty());

  // EHRs keep calling throughout.
  RequestBuilder gaps;
  gaps.pumpOrder("62362");
  const std::string body = gaps.json();
  std::atomic<bool> done{false};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_read_timeout(30, 0);
      while (!done) {
        const auto response = client.Post(kSign, body, "application/json");
        (response && response->status == 200 ? answered : failed) += 1;
      }
    });
  }

  // 1. A changed card text, reloaded through the admin port, is what the next card says.
  replaceIn(library / "cards.json", R"("{order}: {policy} needs {needs}")",
            R"("{order}: {policy} still needs {needs}")");
  const auto reloaded = admin.Post("/admin/reload", "", "application/json");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->status, 200) << reloaded->body;
  const std::string second = revisionAt(service);
  EXPECT_NE(second, first);
  EXPECT_NE(reloaded->body.find(second), std::string::npos) << reloaded->body;
  const auto after = service.Post(kSign, body, "application/json");
  ASSERT_TRUE(after);
  EXPECT_NE(after->body.find("still needs"), std::string::npos) << after->body.substr(0, 400);

  // 2. A broken library is refused, its error named, and the one in service kept.
  const std::string routing = read(library / "routing.json");
  std::ofstream(library / "routing.json") << "{\"routes\": [";
  const auto refused = admin.Post("/admin/reload", "", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  EXPECT_NE(refused->body.find("routing.json"), std::string::npos) << refused->body;
  EXPECT_EQ(revisionAt(service), second);

  // 3. Mended, and reloaded by SIGHUP as systemd's ExecReload does.
  std::ofstream(library / "routing.json") << routing;
  replaceIn(library / "cards.json", "still needs", "needs");
  server.signal(SIGHUP);
  std::string third;
  for (int i = 0; i < 100 && (third = revisionAt(service)) == second; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(third, first) << "the same files give the same revision";

  done = true;
  for (auto& caller : callers) {
    caller.join();
  }
  EXPECT_GT(answered.load(), 3);
  EXPECT_EQ(failed.load(), 0) << "no call failed while the library was replaced";

  // Metrics on the admin port only; reload not reachable from the service port.
  const auto metrics = admin.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pumpcds_library_reloads_total{result=\"ok\"} 2\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("pumpcds_library_reloads_total{result=\"failed\"} 1\n"), std::string::npos);
  EXPECT_EQ(service.Get("/metrics")->status, 404);
  EXPECT_EQ(service.Post("/admin/reload", "", "application/json")->status, 404);
  fs::remove_all(library);
}

TEST(Reload, MetricsCanBeTurnedOffAndABundledLibraryReloadsToItself) {
  ServerProcess server({"--no-metrics", "--admin-port", "0"});
  httplib::Client service("127.0.0.1", server.port());
  httplib::Client admin("127.0.0.1", server.adminPort());
  EXPECT_EQ(service.Get("/metrics")->status, 404);
  EXPECT_EQ(admin.Get("/metrics")->status, 404);
  const std::string before = revisionAt(admin);
  const auto reloaded = admin.Post("/admin/reload", "", "application/json");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->status, 200);
  EXPECT_EQ(revisionAt(admin), before);
}

} // namespace
} // namespace pumpcds::testing
