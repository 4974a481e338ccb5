// A payer edits the card's words in cards.json, and the card a clinician sees says them.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "cards/uuid_source.h"
#include "hooks/hook_service.h"
#include "tests/support/test_data.h"

namespace pumpcds::cards {
namespace {

std::vector<policy::LibraryFile> withCardsText(const std::string& from, const std::string& to) {
  auto files = policy::bundledLibraryFiles();
  for (auto& file : files) {
    if (file.path == "cards.json") {
      file.text.replace(file.text.find(from), from.size(), to);
    }
  }
  return files;
}

TEST(CardTemplates, AnEditedTemplateIsWhatTheCardSays) {
  auto library = policy::PolicyLibrary::load(withCardsText(
      R"("{order}: {policy} needs {needs}")", R"("{policy}: still needed for {order}: {needs}")"));
  ASSERT_TRUE(library.isOk()) << library.status().message();
  auto edited =
      policy::PolicyLibrary::load(withCardsText("**To order or record**", "**Still needed in the chart**"));
  ASSERT_TRUE(edited.isOk());
  const std::string request = testing::readTestFile("requests/permanent-nonmalignant-gaps.json");
  const hooks::HookService summary_service(library.value(), std::make_unique<SequentialUuidSource>());
  const hooks::HookService detail_service(edited.value(), std::make_unique<SequentialUuidSource>());
  rapidjson::Document summary_response;
  summary_response.Parse(summary_service.handle("pumpcds-order-sign", request).value().response_json.c_str());
  EXPECT_STREQ(summary_response["cards"][0]["summary"].GetString(),
               "MM-1369: still needed for Pain pump 62362: 2 to order or record");
  rapidjson::Document detail_response;
  detail_response.Parse(detail_service.handle("pumpcds-order-sign", request).value().response_json.c_str());
  const std::string detail = detail_response["cards"][0]["detail"].GetString();
  EXPECT_NE(detail.find("**Still needed in the chart**\n\n- **negative drug test"), std::string::npos)
      << detail;
  EXPECT_EQ(detail.find("To order or record"), std::string::npos) << detail;
}

} // namespace
} // namespace pumpcds::cards
