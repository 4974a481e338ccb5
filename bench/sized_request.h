// Order-sign requests of a chosen size for the benchmarks and the load test: the Synthea request of
// bench/load/synthea-200.json with its clinical resources cut or cloned (new ids) to `resources` in all.
#pragma once

#include <cstddef>
#include <string>

namespace pumpcds::bench {

/// The request with `resources` prefetched resources (Patient and Coverage always kept), or "" when the
/// base request cannot be read.
std::string sizedRequest(const std::string& base_request_json, size_t resources);

} // namespace pumpcds::bench
