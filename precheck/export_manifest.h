// A bulk export's manifest.json says which types were asked for (`request` ..._type=A,B). A type not
// exported was not read: its absence in the files proves nothing, so it is left out of prefetch.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace pumpcds::precheck {

/// Of the types the policies may read, those the export at `dir` did not include; empty when the
/// manifest is absent or names no _type (everything was exported).
std::set<std::string> typesNotExported(const std::filesystem::path& dir);

} // namespace pumpcds::precheck
