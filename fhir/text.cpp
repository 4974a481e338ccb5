#include "fhir/text.h"

#include <fstream>
#include <sstream>

#include <cctype>

namespace pumpcds::fhir {

std::string lowerCase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<double> milligramsPerUnit(std::string_view unit) {
  const std::string u = lowerCase(trimmed(unit));
  if (u == "mg") {
    return 1.0;
  }
  if (u == "ug" || u == "mcg") {
    return 0.001;
  }
  if (u == "g") {
    return 1000.0;
  }
  return std::nullopt;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<std::string> readWholeFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  if (stream.bad()) {
    return std::nullopt;
  }
  return text.str();
}

} // namespace pumpcds::fhir
