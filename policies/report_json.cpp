#include "policies/report_json.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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

void writeFees(Writer& out, const FeeEstimate& fees) {
  out.Key("feeEstimate");
  out.StartObject();
  out.Key("lines");
  out.StartArray();
  for (const auto& line : fees.lines) {
    out.StartObject();
    out.Key("drug");
    out.String(line.drug);
    out.Key("amount");
    out.Double(line.amount);
    out.Key("unit");
    out.String(line.unit);
    out.Key("unitPrice");
    out.Double(line.unit_price);
    out.Key("subtotal");
    out.Double(line.subtotal);
    out.Key("order");
    out.String(line.order);
    out.EndObject();
  }
  out.EndArray();
  out.Key("compoundingFee");
  out.Double(fees.compounding_fee);
  out.Key("total");
  out.Double(fees.total);
  writeStrings(out, "unpriced", fees.unpriced);
  out.EndObject();
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
  // The policy that decided the order: the medical policy, else the prior-authorization one.
  const Policy* policy = order.policy != nullptr ? order.policy : order.prior_auth_policy;
  out.Key("policy");
  if (policy != nullptr) {
    out.String(policy->id);
    out.Key("policyTitle");
    out.String(policy->title);
    out.Key("policyVersion");
    out.String(policy->version);
    if (!policy->url.empty()) {
      out.Key("policyUrl");
      out.String(policy->url);
    }
  } else {
    out.Null();
  }
  out.Key("priorAuth");
  out.String(std::string(toString(order.prior_auth)));
  if (order.prior_auth_policy != nullptr) {
    out.Key("priorAuthPolicy");
    out.String(order.prior_auth_policy->id);
  }
  if (!order.prior_auth_reason.empty()) {
    out.Key("priorAuthReason");
    out.String(order.prior_auth_reason);
  }
  if (!order.no_policy_reason.empty()) {
    out.Key("noPolicyReason");
    out.String(order.no_policy_reason);
  }
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
    out.Key("shortName");
    out.String(result.criterion->short_name);
    out.Key("citation");
    out.String(result.criterion->citation);
    out.Key("text");
    out.String(result.criterion->text);
    out.Key("note");
    out.String(result.note);
    if (result.status == CriterionStatus::Missing) {
      out.Key("document");
      out.String(result.criterion->document);
      if (result.criterion->attestable) {
        out.Key("attestable"); // a question of the order's questionnaire
        out.Bool(true);
      }
    }
    out.EndObject();
  }
  out.EndArray();
  if (itemsToAttest(order) > 0 && order.policy != nullptr) {
    out.Key("questionnaire"); // the DTR questionnaire a clinician completes it in
    out.String(questionnaireCanonical(*order.policy, order.order.kind));
  }
  if (order.fee_estimate) {
    writeFees(out, *order.fee_estimate);
  }
  if (order.policy == nullptr) {
    writeStrings(out, "coverageSeen", order.coverage_seen);
  }
  writeStrings(out, "recordIssues", order.record_issues);
  if (order.patient_deceased) {
    out.Key("patientDeceased");
    out.Bool(true);
    if (order.deceased_date) {
      out.Key("deceasedDate");
      out.String(order.deceased_date->toString());
    }
  }
  out.EndObject();
}

} // namespace

std::string toReportJson(const Determination& determination, const std::string& library_revision,
                         bool pretty) {
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
  if (pretty) {
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
  }
  // One line, for a batch: the same document without the indentation.
  rapidjson::Document document;
  document.Parse(buffer.GetString(), buffer.GetSize());
  rapidjson::StringBuffer compact;
  rapidjson::Writer<rapidjson::StringBuffer> line(compact);
  document.Accept(line);
  return std::string(compact.GetString(), compact.GetSize());
}

} // namespace pumpcds::policy
