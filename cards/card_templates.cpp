#include "cards/card_templates.h"

#include <algorithm>

#include "policies/file_reader.h"

namespace pumpcds::cards {

using policy::FileReader;

const std::map<std::string, std::vector<std::string>, std::less<>>& CardTemplates::known() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kKnown = {
      // The order as cards name it.
      {"order.trial", {"code"}},
      {"order.permanent", {"code"}},
      {"order.maintenance", {"code"}},
      {"order.removal", {"code"}},
      {"path.by_origin", {"kind", "origin"}},
      {"path.origin_unknown", {"kind"}},
      {"path.kind_only", {"kind"}},
      // Summaries (cut to 139 characters).
      {"summary.pa_exempt", {"order", "pa_policy"}},
      {"summary.pa_not_required", {"order", "pa_policy"}},
      {"summary.pa_required", {"order", "pa_policy"}},
      {"summary.pa_unknown", {"order", "pa_policy"}},
      {"summary.to_record", {"count"}},
      {"summary.to_attest", {"count"}},
      {"summary.not_met_one", {"order", "policy", "needs"}},
      {"summary.not_met_many", {"order", "policy", "count", "needs"}},
      {"summary.needs", {"order", "policy", "needs"}},
      {"summary.complete", {"order", "policy"}},
      {"summary.not_checked", {"count"}},
      {"summary.pa_required_suffix", {}},
      {"summary.contraindication", {"order", "citations"}},
      {"summary.deceased", {"order"}},
      {"summary.no_policy", {"order"}},
      {"summary.fee", {"order", "policy", "total"}},
      {"summary.fee_unpriced", {"order", "policy"}},
      // Detail, in the order a card shows its parts.
      {"detail.header", {"policy_name", "path", "date"}},
      {"detail.prior_auth", {"status", "reason"}},
      {"detail.medical_not_checked", {"reason"}},
      {"detail.data_problems", {}},
      {"detail.not_met", {}},
      {"detail.not_checked", {"count", "list"}},
      {"detail.to_record", {}},
      {"detail.to_attest", {"count", "list"}},
      {"detail.to_attest_heading", {}},
      {"detail.met", {"count", "list"}},
      {"detail.met_heading", {}},
      {"detail.prior_auth_rules", {"list"}},
      {"detail.evidence", {"evidence"}},
      {"detail.list_more", {"count"}},
      {"detail.evidence_more", {"count"}},
      {"detail.contraindication", {"policy_name"}},
      {"detail.deceased", {"when"}},
      {"detail.deceased_on", {"date"}},
      {"detail.no_policy", {"date"}},
      {"detail.coverage_unread", {"date"}},
      {"detail.fee_intro", {"policy_name"}},
      {"detail.fee_line", {"drug", "amount", "unit", "price", "subtotal"}},
      {"detail.fee_compounding", {"compounding"}},
      {"detail.fee_total", {"total"}},
      {"detail.fee_unpriced", {"reason"}},
      {"detail.fee_disclaimer", {}},
  };
  return kKnown;
}

std::string CardTemplates::render(std::string_view id, Values values) const {
  const auto found = templates_.find(id);
  if (found == templates_.end()) {
    return {};
  }
  const std::string& text = found->second;
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
      continue;
    }
    const std::string_view name(text.data() + i + 1, close - i - 1);
    const auto* value =
        std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    if (value != values.end()) {
      out += value->second;
    }
    i = close;
  }
  return out;
}

void CardTemplates::load(const std::string& file, const fhir::JsonValue* text,
                         std::vector<std::string>& errors) {
  FileReader in(file, errors);
  if (text == nullptr || !text->IsObject()) {
    in.fail("/text", "expected an object of card text templates (id -> text)");
    return;
  }
  for (const auto& member : text->GetObject()) {
    const std::string id(member.name.GetString(), member.name.GetStringLength());
    const std::string at = "/text/" + id;
    const auto allowed = known().find(id);
    if (allowed == known().end()) {
      in.fail(at, "unknown card text '" + id + "'");
      continue;
    }
    if (!member.value.IsString() || member.value.GetStringLength() == 0) {
      in.fail(at, "expected non-empty text");
      continue;
    }
    const std::string value = member.value.GetString();
    for (size_t open = value.find('{'); open != std::string::npos; open = value.find('{', open + 1)) {
      const size_t close = value.find('}', open);
      if (close == std::string::npos) {
        in.fail(at, "a '{' without its '}'");
        break;
      }
      const std::string name = value.substr(open + 1, close - open - 1);
      if (std::find(allowed->second.begin(), allowed->second.end(), name) == allowed->second.end()) {
        std::string names;
        for (const auto& known_name : allowed->second) {
          names += (names.empty() ? "" : ", ") + ("{" + known_name + "}");
        }
        in.fail(at, "unknown value {" + name + "}; this text may use " + (names.empty() ? "none" : names));
      }
    }
    templates_[id] = value;
  }
  for (const auto& [id, values] : known()) {
    if (text->GetObject().FindMember(id.c_str()) == text->GetObject().MemberEnd()) {
      in.fail("/text", "missing card text '" + id + "'");
    }
  }
}

} // namespace pumpcds::cards
