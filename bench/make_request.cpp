// Writes an order-sign request of N resources (bench/sized_request.h) to stdout, for bench/load/run:
//   make_request BASE.json N > request.json
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/text.h"
#include "bench/sized_request.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_request BASE.json RESOURCES\n";
    return 2;
  }
  const auto base = pumpcds::base::readWholeFile(argv[1]);
  const std::string request =
      base ? pumpcds::bench::sizedRequest(*base, std::strtoul(argv[2], nullptr, 10)) : "";
  if (request.empty()) {
    std::cerr << "make_request: cannot read a hook request from " << argv[1] << "\n";
    return 1;
  }
  std::fwrite(request.data(), 1, request.size(), stdout);
  return 0;
}
