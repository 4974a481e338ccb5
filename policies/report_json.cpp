#include "policies/report_json.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace pumpcds::policy {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void writeStrings(Writer& out, const char* key, const std::vector<std::string>& values) {
  out.Key(key);
  out.StartArray();
  for (const auto& value : values) {
    out.String(value);
  }
  out.EndArray();
}

void writeOrder(Writer& out, const OrderDetermination& order) {
  out.StartObject();
  out.Key("order");
  out.String(order.order.reference);
  out.Key("code");
  out.String(order.order.code.code);
  out.Key("kind");
  out.String(std::string(toString(order.order.kind)));
  out.Key("origin");
  out.String(std::string(toString(order.origin)));
  writeStrings(out, "originEvidence", order.origin_evidence);
  out.Key("policy");
  if (order.policy != nullptr) {
    out.String(order.policy->id);
  } else {
    out.Null();
  }
  if (order.policy != nullptr) {
    out.Key("policyTitle");
    out.String(order.policy->title);
    out.Key("policyVersion");
    out.String(order.policy->version);
  }
  out.Key("priorAuth");
  out.String(std::string(toString(order.prior_auth)));
  out.Key("decision");
  out.String(std::string(toString(order.decision)));
  out.Key("asOf");
  out.String(order.as_of.toString());
  out.Key("criteria");
  out.StartArray();
  for (const auto& result : order.criteria) {
    out.StartObject();
    out.Key("id");
    out.String(result.criterion->id);
    out.Key("status");
    out.String(std::string(toString(result.status)));
    writeStrings(out, "evidence", result.evidence);
    out.Key("text");
    out.String(result.criterion->text);
    out.Key("note");
    out.String(result.note);
    if (result.status == CriterionStatus::Missing) {
      out.Key("document");
      out.String(result.criterion->document);
    }
    out.EndObject();
  }
  out.EndArray();
  if (order.policy == nullptr) {
    writeStrings(out, "coverageSeen", order.coverage_seen);
  }
  writeStrings(out, "recordIssues", order.record_issues);
  out.EndObject();
}

} // namespace

std::string toReportJson(const Determination& determination, const std::string& library_revision) {
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.SetIndent(' ', 2);
  out.StartObject();
  out.Key("orders");
  out.StartArray();
  for (const auto& order : determination.orders) {
    writeOrder(out, order);
  }
  out.EndArray();
  out.Key("libraryRevision");
  out.String(library_revision);
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

} // namespace pumpcds::policy
