#include "policies/card_settings.h"

#include <set>

#include "policies/file_reader.h"

namespace pumpcds::policy {

void CardSettings::load(const std::string& file, const fhir::JsonValue& root,
                        std::vector<std::string>& errors) {
  FileReader in(file, errors);
  if (!in.checkObject(&root, "", {"description", "override_reasons"})) {
    return;
  }
  const auto reasons = fhir::items(fhir::member(root, "override_reasons"));
  if (reasons.empty()) {
    in.fail("/override_reasons", "expected a non-empty list of {code, display}");
    return;
  }
  std::set<std::string> codes;
  for (size_t i = 0; i < reasons.size(); ++i) {
    const std::string at = "/override_reasons/" + std::to_string(i);
    if (!in.checkObject(reasons[i], at, {"code", "display"})) {
      continue;
    }
    fhir::Coding reason{std::string(kOverrideReasonSystem), in.requiredString(*reasons[i], "code", at),
                        in.requiredString(*reasons[i], "display", at)};
    if (!reason.code.empty() && !codes.insert(reason.code).second) {
      in.fail(at + "/code", "code '" + reason.code + "' is used twice");
    }
    override_reasons.push_back(std::move(reason));
  }
}

} // namespace pumpcds::policy
