#include "cards/card_text.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace pumpcds::cards {

using policy::CriterionResult;
using policy::CriterionStatus;
using policy::OrderDetermination;

namespace {

constexpr size_t kSummaryLimit = 139; // CDS Hooks: "less than 140 characters"
constexpr size_t kNoteLimit = 160;    // a whole note on a card; the report has all of it
constexpr size_t kFindingLimit = 100; // one line of why per item
constexpr size_t kMetShown = 3;       // met criteria named on the card; the rest are counted
constexpr size_t kEvidenceShown = 3;  // evidence per item; ids stay in the report, never in card text

bool isContinuationByte(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The requirements (not prior-authorization rules) with a status.
std::vector<const CriterionResult*> withStatus(const OrderDetermination& order, CriterionStatus status,
                                               bool contraindications_only = false) {
  std::vector<const CriterionResult*> out;
  for (const auto& result : order.criteria) {
    if (result.criterion->role != policy::CriterionRole::Requirement) {
      continue;
    }
    if (result.status == status && (!contraindications_only || result.criterion->contraindication)) {
      out.push_back(&result);
    }
  }
  return out;
}

std::string joinList(const std::vector<std::string>& items, const char* separator = "; ") {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

// At most three pieces of evidence as a person reads them ("oxycodone 5 MG Oral Tablet, 2025-02-03"), then
// "+N more".
std::string evidenceText(const CardTemplates& text, const CriterionResult& result) {
  const size_t shown = std::min(result.evidence_labels.size(), kEvidenceShown);
  std::string out = joinList(
      std::vector<std::string>(result.evidence_labels.begin(), result.evidence_labels.begin() + shown));
  if (result.evidence_labels.size() > shown) {
    out += " " + text.render("detail.evidence_more",
                             {{"count", std::to_string(result.evidence_labels.size() - shown)}});
  }
  return out;
}

// The first finding of a note ("only 85 days ... of therapy"), without the alternatives a combined rule
// appends ("; needs a clinician's attestation ..."): one line of why.
std::string firstFinding(const std::string& note) {
  return fitCharacters(note.substr(0, note.find("; ")), kFindingLimit);
}

// " (IV.D.2)" after an item's name, where the source prints its sections' numbers.
std::string section(const policy::Criterion& criterion) {
  return criterion.label_printed ? " (" + criterion.label + ")" : "";
}

// How much an item line says: its name only, the first finding, or the whole note.
enum class ItemDetail { Name, FirstFinding, WholeNote };

// One line per item: its short name and section, why, evidence. The card's first line names the policy, so
// an item cites its section alone ("IV.D.2").
void appendItem(const CardTemplates& text, std::string& out, const CriterionResult& result,
                ItemDetail detail) {
  out += "- **" + result.criterion->short_name + "**" + section(*result.criterion);
  if (detail != ItemDetail::Name && !result.note.empty()) {
    out += ": " + (detail == ItemDetail::FirstFinding ? firstFinding(result.note)
                                                      : fitCharacters(result.note, kNoteLimit));
  }
  if (detail != ItemDetail::Name && !result.evidence_labels.empty()) {
    out += ". " + text.render("detail.evidence", {{"evidence", evidenceText(text, result)}});
  }
  out += "\n";
}

// "life expectancy (I.B); ... and 4 more": the first `shown` by short name and section.
std::string shortList(const CardTemplates& text, const std::vector<const CriterionResult*>& results,
                      size_t shown) {
  std::vector<std::string> items;
  for (size_t i = 0; i < results.size() && i < shown; ++i) {
    items.push_back(results[i]->criterion->short_name + section(*results[i]->criterion));
  }
  std::string out = joinList(items);
  if (results.size() > shown) {
    out += " " + text.render("detail.list_more", {{"count", std::to_string(results.size() - shown)}});
  }
  return out;
}

// "Centene Corporation CP.MP.173"; a citation that already names its publisher stands alone.
std::string policyName(const policy::Policy& policy) {
  return policy.citation.find(policy.publisher) == std::string::npos
             ? policy.publisher + " " + policy.citation
             : policy.citation;
}

std::string pathText(const CardTemplates& text, const OrderDetermination& order) {
  const std::string kind(policy::toString(order.order.kind));
  if (order.order.kind == policy::OrderKind::Maintenance || order.order.kind == policy::OrderKind::Removal) {
    return text.render("path.kind_only",
                       {{"kind", kind}}); // the paths by origin are for trials and placements
  }
  if (order.origin == policy::Origin::Unknown) {
    return text.render("path.origin_unknown", {{"kind", kind}});
  }
  return text.render("path.by_origin", {{"kind", kind}, {"origin", policy::toString(order.origin)}});
}

// A heading or sentence of its own, then a blank line.
std::string paragraph(const std::string& line) {
  return line + "\n\n";
}

// Whether prior authorization is needed is said on every card, "unknown" with its reason.
std::string priorAuthLine(const CardTemplates& text, const OrderDetermination& order) {
  if (order.prior_auth_reason.empty()) {
    return {};
  }
  return paragraph(text.render("detail.prior_auth", {{"status", policy::toString(order.prior_auth)},
                                                     {"reason", order.prior_auth_reason}}));
}

std::string priorAuthOnlySummary(const CardTemplates& text, const OrderDetermination& order) {
  const char* id = "summary.pa_unknown";
  switch (order.prior_auth) {
  case policy::PriorAuth::Exempt:
    id = "summary.pa_exempt";
    break;
  case policy::PriorAuth::NotRequired:
    id = "summary.pa_not_required";
    break;
  case policy::PriorAuth::Required:
    id = "summary.pa_required";
    break;
  case policy::PriorAuth::Unknown:
    break;
  }
  return text.render(id,
                     {{"order", orderLabel(text, order)}, {"pa_policy", order.prior_auth_policy->citation}});
}

} // namespace

size_t characterCount(const std::string& utf8) {
  size_t count = 0;
  for (const char c : utf8) {
    count += isContinuationByte(static_cast<unsigned char>(c)) ? 0 : 1;
  }
  return count;
}

std::string fitCharacters(const std::string& utf8, size_t max_characters) {
  if (characterCount(utf8) <= max_characters) {
    return utf8;
  }
  const size_t keep = max_characters > 3 ? max_characters - 3 : 0;
  size_t characters = 0;
  size_t bytes = 0;
  while (bytes < utf8.size()) {
    if (!isContinuationByte(static_cast<unsigned char>(utf8[bytes]))) {
      if (characters == keep) {
        break;
      }
      ++characters;
    }
    ++bytes;
  }
  return utf8.substr(0, bytes) + "...";
}

std::string orderLabel(const CardTemplates& text, const OrderDetermination& order) {
  const char* id = "order.trial";
  switch (order.order.kind) {
  case policy::OrderKind::Trial:
    break;
  case policy::OrderKind::Permanent:
    id = "order.permanent";
    break;
  case policy::OrderKind::Maintenance:
    id = "order.maintenance";
    break;
  case policy::OrderKind::Removal:
    id = "order.removal";
    break;
  }
  return text.render(id, {{"code", order.order.code.code}});
}

std::string documentationSummary(const CardTemplates& text, const OrderDetermination& order) {
  if (order.policy == nullptr) {
    return fitCharacters(priorAuthOnlySummary(text, order), kSummaryLimit); // only PA rules apply
  }
  const std::string head = orderLabel(text, order);
  const std::string& cite = order.policy->citation;
  const auto unmet = withStatus(order, CriterionStatus::Unmet);
  const auto missing = withStatus(order, CriterionStatus::Missing);
  // Counts by what closes the gap, never a list of labels (a label with a comma reads as two items).
  size_t to_attest = 0;
  size_t unchecked = 0;
  for (const auto* result : missing) {
    unchecked += result->unchecked ? 1 : 0;
    to_attest += !result->unchecked && result->criterion->attestation_only ? 1 : 0;
  }
  const size_t to_record = missing.size() - to_attest - unchecked;
  std::vector<std::string> needs;
  if (to_record > 0) {
    needs.push_back(text.render("summary.to_record", {{"count", std::to_string(to_record)}}));
  }
  if (to_attest > 0) {
    needs.push_back(text.render("summary.to_attest", {{"count", std::to_string(to_attest)}}));
  }
  const std::string needed = joinList(needs, ", ");
  std::vector<std::string> parts;
  if (!unmet.empty()) {
    const std::string needs_tail = needed.empty() ? "" : "; " + needed;
    parts.push_back(
        unmet.size() == 1
            ? text.render("summary.not_met_one", {{"order", head}, {"policy", cite}, {"needs", needs_tail}})
            : text.render("summary.not_met_many", {{"order", head},
                                                   {"policy", cite},
                                                   {"count", std::to_string(unmet.size())},
                                                   {"needs", needs_tail}}));
  } else if (!needed.empty()) {
    parts.push_back(text.render("summary.needs", {{"order", head}, {"policy", cite}, {"needs", needed}}));
  } else if (unchecked == 0) {
    parts.push_back(text.render("summary.complete", {{"order", head}, {"policy", cite}}));
  } else {
    parts.push_back(head + ": " + cite);
  }
  if (unchecked > 0) {
    parts.push_back(text.render("summary.not_checked", {{"count", std::to_string(unchecked)}}));
  }
  if (order.prior_auth == policy::PriorAuth::Required) {
    parts.push_back(text.render("summary.pa_required_suffix"));
  }
  return fitCharacters(joinList(parts), kSummaryLimit);
}

std::string documentationDetail(const CardTemplates& text, const OrderDetermination& order,
                                int detail_level) {
  const policy::Policy& policy = order.policy != nullptr ? *order.policy : *order.prior_auth_policy;
  const bool brief = detail_level <= 1;
  const bool full = detail_level >= 3;
  std::string out = paragraph(text.render("detail.header", {{"policy_name", policyName(policy)},
                                                            {"path", pathText(text, order)},
                                                            {"date", order.as_of.toString()}}));
  out += priorAuthLine(text, order);
  if (order.policy == nullptr && !order.no_policy_reason.empty()) {
    out += paragraph(text.render("detail.medical_not_checked", {{"reason", order.no_policy_reason}}));
  }
  // Most actionable first: what may make the rest wrong, what contradicts the policy, what to order or
  // record, what to attest, and what is already met. The full text of each criterion is in the report.
  if (!order.record_issues.empty()) {
    out += paragraph(text.render("detail.data_problems"));
    for (const auto& issue : order.record_issues) {
      out += "- " + fitCharacters(issue, kNoteLimit) + "\n";
    }
    out += "\n";
  }
  const auto unmet = withStatus(order, CriterionStatus::Unmet);
  if (!unmet.empty()) {
    out += paragraph(text.render("detail.not_met"));
    for (const auto* result : unmet) {
      appendItem(text, out, *result, brief ? ItemDetail::Name : ItemDetail::WholeNote);
    }
    out += "\n";
  }
  std::vector<const CriterionResult*> unchecked;
  std::vector<const CriterionResult*> to_record;
  std::vector<const CriterionResult*> to_attest;
  for (const auto* result : withStatus(order, CriterionStatus::Missing)) {
    if (result->unchecked) {
      unchecked.push_back(result); // the record may hold it: what to do is fix the data problem above
    } else {
      (result->criterion->attestation_only ? to_attest : to_record).push_back(result);
    }
  }
  if (!unchecked.empty()) {
    out += paragraph(
        text.render("detail.not_checked", {{"count", std::to_string(unchecked.size())},
                                           {"list", shortList(text, unchecked, unchecked.size())}}));
  }
  if (!to_record.empty()) {
    out += paragraph(text.render("detail.to_record"));
    for (const auto* result : to_record) {
      appendItem(text, out, *result,
                 brief ? ItemDetail::Name : (full ? ItemDetail::WholeNote : ItemDetail::FirstFinding));
    }
    out += "\n";
  }
  if (!to_attest.empty() && full) {
    out += paragraph(text.render("detail.to_attest_heading"));
    for (const auto* result : to_attest) {
      appendItem(text, out, *result, ItemDetail::WholeNote);
    }
    out += "\n";
  } else if (!to_attest.empty()) {
    out +=
        paragraph(text.render("detail.to_attest", {{"count", std::to_string(to_attest.size())},
                                                   {"list", shortList(text, to_attest, to_attest.size())}}));
  }
  const auto met = withStatus(order, CriterionStatus::Met);
  if (!met.empty() && full) {
    out += paragraph(text.render("detail.met_heading"));
    for (const auto* result : met) {
      appendItem(text, out, *result, ItemDetail::WholeNote);
    }
    out += "\n";
  } else if (!met.empty() && !brief) {
    out += paragraph(text.render(
        "detail.met", {{"count", std::to_string(met.size())}, {"list", shortList(text, met, kMetShown)}}));
  }
  std::vector<std::string> prior_auth;
  for (const auto& result : order.criteria) {
    if (result.criterion->role == policy::CriterionRole::PriorAuth) {
      prior_auth.push_back(result.criterion->short_name + " (" + result.criterion->citation + ") " +
                           std::string(policy::toString(result.status)));
    }
  }
  if (!prior_auth.empty() && !brief) {
    out += text.render("detail.prior_auth_rules", {{"list", joinList(prior_auth)}}) + "\n";
  }
  return out;
}

std::string contraindicationSummary(const CardTemplates& text, const OrderDetermination& order) {
  std::vector<std::string> citations;
  for (const auto* result : withStatus(order, CriterionStatus::Unmet, true)) {
    citations.push_back(result->criterion->citation);
  }
  return fitCharacters(text.render("summary.contraindication", {{"order", orderLabel(text, order)},
                                                                {"citations", joinList(citations, ", ")}}),
                       kSummaryLimit);
}

std::string contraindicationDetail(const CardTemplates& text, const OrderDetermination& order) {
  std::string out =
      text.render("detail.contraindication", {{"policy_name", policyName(*order.policy)}}) + "\n\n";
  for (const auto* result : withStatus(order, CriterionStatus::Unmet, true)) {
    appendItem(text, out, *result, ItemDetail::WholeNote);
  }
  return out;
}

std::string deceasedSummary(const CardTemplates& text, const OrderDetermination& order) {
  return fitCharacters(text.render("summary.deceased", {{"order", orderLabel(text, order)}}), kSummaryLimit);
}

std::string deceasedDetail(const CardTemplates& text, const OrderDetermination& order) {
  const std::string when =
      order.deceased_date ? text.render("detail.deceased_on", {{"date", order.deceased_date->toString()}})
                          : "";
  return text.render("detail.deceased", {{"when", when}});
}

std::string noPolicySummary(const CardTemplates& text, const OrderDetermination& order) {
  return fitCharacters(text.render("summary.no_policy", {{"order", orderLabel(text, order)}}), kSummaryLimit);
}

std::string noPolicyDetail(const CardTemplates& text, const OrderDetermination& order) {
  // Only reached when no policy at all applies: what coverage was seen says why.
  // A failed read of the coverage is not an uninsured patient: say which it is first.
  std::string out =
      paragraph(text.render(order.coverage_unread ? "detail.coverage_unread" : "detail.no_policy",
                            {{"date", order.as_of.toString()}}));
  for (const auto& line : order.coverage_seen) {
    out += "- " + line + "\n";
  }
  return out;
}

namespace {
std::string money(double amount) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.2f", amount);
  return text;
}
std::string quantity(double amount) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", amount);
  return text;
}
} // namespace

std::string feeSummary(const CardTemplates& text, const OrderDetermination& order) {
  const auto& fees = *order.fee_estimate;
  const std::string head = orderLabel(text, order);
  if (fees.lines.empty()) {
    return fitCharacters(
        text.render("summary.fee_unpriced", {{"order", head}, {"policy", order.policy->citation}}),
        kSummaryLimit);
  }
  return fitCharacters(
      text.render("summary.fee",
                  {{"order", head}, {"policy", order.policy->citation}, {"total", money(fees.total)}}),
      kSummaryLimit);
}

std::string feeDetail(const CardTemplates& text, const OrderDetermination& order) {
  const auto& fees = *order.fee_estimate;
  std::string out = paragraph(text.render("detail.fee_intro", {{"policy_name", policyName(*order.policy)}}));
  for (const auto& line : fees.lines) {
    out += "- " +
           text.render("detail.fee_line", {{"drug", line.drug},
                                           {"amount", quantity(line.amount)},
                                           {"unit", line.unit},
                                           {"price", money(line.unit_price)},
                                           {"subtotal", money(line.subtotal)}}) +
           "\n";
  }
  if (!fees.lines.empty()) {
    out += "- " + text.render("detail.fee_compounding", {{"compounding", money(fees.compounding_fee)}}) +
           "\n\n" + text.render("detail.fee_total", {{"total", money(fees.total)}}) + "\n";
  }
  for (const auto& reason : fees.unpriced) {
    out += "\n" + text.render("detail.fee_unpriced", {{"reason", reason}});
  }
  out += "\n\n" + text.render("detail.fee_disclaimer");
  return out;
}

} // namespace pumpcds::cards
