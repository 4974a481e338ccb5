// Reads files under tests/data.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace pumpcds::testing {

inline std::string readTestFile(const std::string& relative) {
  std::ifstream stream(std::string(PUMPCDS_TEST_DATA) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

} // namespace pumpcds::testing
