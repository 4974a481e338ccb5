// Fuzzes the policy library loader: the bundled library with one of its files replaced by the input (the
// first byte picks which), as an analyst's edited file would reach `--policies DIR`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "policies/policy_library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<pumpcds::policy::LibraryFile> bundled = pumpcds::policy::bundledLibraryFiles();
  if (size == 0 || bundled.empty()) {
    return 0;
  }
  std::vector<pumpcds::policy::LibraryFile> files = bundled;
  files[data[0] % files.size()].text.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)pumpcds::policy::PolicyLibrary::load(files);
  return 0;
}
