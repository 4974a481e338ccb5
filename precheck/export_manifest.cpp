#include "precheck/export_manifest.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "base/text.h"
#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"

namespace pumpcds::precheck {

std::set<std::string> typesNotExported(const std::filesystem::path& dir) {
  const auto text = base::readWholeFile((dir / "manifest.json").string());
  if (!text) {
    return {};
  }
  rapidjson::Document manifest;
  manifest.Parse(text->data(), text->size());
  const std::string request = manifest.HasParseError() ? "" : fhir::stringAt(&manifest, "request");
  const size_t at = request.find("_type=");
  if (at == std::string::npos) {
    return {};
  }
  std::string types = request.substr(at + 6, request.find('&', at) - at - 6);
  // Percent-encoded commas ("%2C") as some servers write them.
  for (size_t comma = types.find("%2C"); comma != std::string::npos; comma = types.find("%2C")) {
    types.replace(comma, 3, ",");
  }
  std::set<std::string> exported;
  for (size_t start = 0; start <= types.size();) {
    const size_t end = std::min(types.find(',', start), types.size());
    exported.insert(types.substr(start, end - start));
    start = end + 1;
  }
  std::set<std::string> missing;
  for (const auto& prefetch : fhir::prefetchTemplates()) {
    if (prefetch.type != "Patient" && exported.count(prefetch.type) == 0) {
      missing.insert(prefetch.type);
    }
  }
  return missing;
}

} // namespace pumpcds::precheck
