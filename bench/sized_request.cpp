#include "bench/sized_request.h"

#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pumpcds::bench {

std::string sizedRequest(const std::string& base_request_json, size_t resources) {
  rapidjson::Document document;
  document.Parse(base_request_json.c_str());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("prefetch")) {
    return {};
  }
  auto& allocator = document.GetAllocator();
  // The searchsets to resize (not Patient, a lone resource, nor Coverage, which routes), and their entries.
  std::vector<std::pair<rapidjson::Value*, rapidjson::Value>> bundles;
  size_t kept = 1; // the Patient
  for (auto& key : document["prefetch"].GetObject()) {
    rapidjson::Value& value = key.value;
    if (!value.IsObject() || !value.HasMember("entry") || !value["entry"].IsArray()) {
      continue;
    }
    if (std::string(key.name.GetString()) == "coverage") {
      kept += value["entry"].Size();
      continue;
    }
    rapidjson::Value entries(value["entry"], allocator);
    value["entry"].Clear();
    if (!entries.Empty()) {
      bundles.emplace_back(&value["entry"], std::move(entries));
    }
  }
  // Entries interleaved across the searchsets (the first of each, then the second...), so a cut keeps
  // every type's share; beyond the original count they are cloned with an id suffix per round.
  std::vector<std::pair<rapidjson::Value*, const rapidjson::Value*>> order;
  for (size_t i = 0, added = 1; added > 0; ++i) {
    added = 0;
    for (auto& [target, source] : bundles) {
      if (i < source.Size()) {
        order.emplace_back(target, &source[static_cast<rapidjson::SizeType>(i)]);
        ++added;
      }
    }
  }
  const size_t wanted = resources > kept ? resources - kept : 0;
  for (size_t k = 0; k < wanted && !order.empty(); ++k) {
    const auto& [target, source] = order[k % order.size()];
    rapidjson::Value entry(*source, allocator);
    if (const size_t round = k / order.size();
        round > 0 && entry.HasMember("resource") && entry["resource"].HasMember("id")) {
      const std::string id = std::string(entry["resource"]["id"].GetString()) + "-c" + std::to_string(round);
      entry["resource"]["id"].SetString(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), allocator);
    }
    target->PushBack(entry, allocator);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace pumpcds::bench
