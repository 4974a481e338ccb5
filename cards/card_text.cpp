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

// At most three pieces of evidence as a person reads them ("oxycodone 5 MG Oral Tablet, 2025-02-03"), then
// "+N more": ids stay in the report and the coverage information, never in card text.
constexpr size_t kEvidenceShown = 3;

std::string evidenceText(const CriterionResult& result) {
  std::string out;
  const size_t shown = std::min(result.evidence_labels.size(), kEvidenceShown);
  for (size_t i = 0; i < shown; ++i) {
    out += (out.empty() ? "" : "; ") + result.evidence_labels[i];
  }
  if (result.evidence_labels.size() > shown) {
    out += " +" + std::to_string(result.evidence_labels.size() - shown) + " more";
  }
  return out;
}

constexpr size_t kNoteLimit = 160;    // a whole note on a card; the report has all of it
constexpr size_t kFindingLimit = 100; // one line of why per item
constexpr size_t kMetShown = 3;       // met criteria named on the card; the rest are counted

// The first finding of a note ("only 85 days ... of therapy"), without the alternatives a combined rule
// appends ("; needs a clinician's attestation ..."): one line of why.
std::string firstFinding(const std::string& note) {
  return fitCharacters(note.substr(0, note.find("; ")), kFindingLimit);
}

// How much an item line says: its name only, the first finding, or the whole note.
enum class ItemDetail { Name, FirstFinding, WholeNote };

// One line per item: its short name and citation, why, evidence.
void appendItem(std::string& out, const CriterionResult& result, ItemDetail detail) {
  // The card's first line names the policy: an item cites its section alone ("IV.D.2").
  out += "- **" + result.criterion->short_name + "** (" + result.criterion->label + ")";
  if (detail != ItemDetail::Name && !result.note.empty()) {
    out += ": " + (detail == ItemDetail::FirstFinding ? firstFinding(result.note)
                                                      : fitCharacters(result.note, kNoteLimit));
  }
  if (detail != ItemDetail::Name && !result.evidence_labels.empty()) {
    out += ". Evidence: " + evidenceText(result);
  }
  out += "\n";
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : "; ") + item;
  }
  return out;
}

// "life expectancy (I.B); ... and 4 more": the first `shown` by short name and section.
std::string shortList(const std::vector<const CriterionResult*>& results, size_t shown) {
  std::vector<std::string> items;
  for (size_t i = 0; i < results.size() && i < shown; ++i) {
    items.push_back(results[i]->criterion->short_name + " (" + results[i]->criterion->label + ")");
  }
  std::string out = joinList(items);
  if (results.size() > shown) {
    out += " and " + std::to_string(results.size() - shown) + " more";
  }
  return out;
}

// "Centene Corporation CP.MP.173"; a citation that already names its publisher stands alone.
std::string policyName(const policy::Policy& policy) {
  return policy.citation.find(policy.publisher) == std::string::npos
             ? policy.publisher + " " + policy.citation
             : policy.citation;
}

std::string pathText(const OrderDetermination& order) {
  const std::string kind(policy::toString(order.order.kind));
  if (order.order.kind == policy::OrderKind::Maintenance || order.order.kind == policy::OrderKind::Removal) {
    return kind + " order"; // the paths by origin are for trials and placements
  }
  std::string origin(policy::toString(order.origin));
  if (order.origin == policy::Origin::Unknown) {
    origin = "origin unknown (conditions not read), non-malignant";
  }
  return kind + ", " + origin + " path";
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

std::string orderLabel(const OrderDetermination& order) {
  std::string kind;
  switch (order.order.kind) {
  case policy::OrderKind::Trial:
    kind = "Pump trial";
    break;
  case policy::OrderKind::Permanent:
    kind = "Pain pump";
    break;
  case policy::OrderKind::Maintenance:
    kind = "Pump refill/maintenance";
    break;
  case policy::OrderKind::Removal:
    kind = "Pump removal";
    break;
  }
  return kind + " " + order.order.code.code;
}

// Whether prior authorization is needed is said on every card, "unknown" with its reason.
std::string priorAuthLine(const OrderDetermination& order) {
  if (order.prior_auth_reason.empty()) {
    return {};
  }
  return "**Prior authorization: " + std::string(policy::toString(order.prior_auth)) + "** (" +
         order.prior_auth_reason + ").\n\n";
}

std::string documentationSummary(const OrderDetermination& order) {
  const std::string head = orderLabel(order);
  if (order.policy == nullptr) {
    // Only a prior-authorization policy applies.
    const std::string& who = order.prior_auth_policy->citation;
    switch (order.prior_auth) {
    case policy::PriorAuth::Exempt:
      return fitCharacters(head + ": exempt from prior authorization (" + who + ")", kSummaryLimit);
    case policy::PriorAuth::NotRequired:
      return fitCharacters(head + ": no prior authorization needed (" + who + ")", kSummaryLimit);
    case policy::PriorAuth::Required:
      return fitCharacters(
          head + ": prior authorization required (" + who + "); medical criteria not checked", kSummaryLimit);
    case policy::PriorAuth::Unknown:
      return fitCharacters(head + ": prior authorization likely required (" + who + "); exemptions unchecked",
                           kSummaryLimit);
    }
  }
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
  std::string needs;
  if (to_record > 0) {
    needs += (needs.empty() ? "" : ", ") + std::to_string(to_record) + " to order or record";
  }
  if (to_attest > 0) {
    needs += (needs.empty() ? "" : ", ") + std::to_string(to_attest) + " to attest";
  }
  std::string summary = head + ": ";
  if (!unmet.empty()) {
    summary += std::to_string(unmet.size()) + " " + cite + (unmet.size() == 1 ? " criterion" : " criteria") +
               " not met" + (needs.empty() ? "" : "; " + needs);
  } else if (!needs.empty()) {
    summary += cite + " needs " + needs;
  } else if (unchecked == 0) {
    summary += "record meets all " + cite + " criteria";
  } else {
    summary += cite + ": ";
  }
  if (unchecked > 0) {
    summary += (unmet.empty() && needs.empty() ? "" : "; ") + std::to_string(unchecked) +
               " not checked (records not read)";
  }
  if (order.prior_auth == policy::PriorAuth::Required) {
    summary += "; prior auth required";
  }
  return fitCharacters(summary, kSummaryLimit);
}

std::string documentationDetail(const OrderDetermination& order, int detail_level) {
  const policy::Policy& policy = order.policy != nullptr ? *order.policy : *order.prior_auth_policy;
  const bool brief = detail_level <= 1;
  const bool full = detail_level >= 3;
  std::string out =
      "**" + policyName(policy) + "** (" + pathText(order) + ", as of " + order.as_of.toString() + ")\n\n";
  out += priorAuthLine(order);
  if (order.policy == nullptr && !order.no_policy_reason.empty()) {
    out +=
        "Medical necessity: " + order.no_policy_reason + ", so its documentation could not be checked.\n\n";
  }
  // Most actionable first: what may make the rest wrong, what contradicts the policy, what to order or
  // record, what to attest, and what is already met. The full text of each criterion is in the report.
  if (!order.record_issues.empty()) {
    out += "**Check the data first**\n\n";
    for (const auto& issue : order.record_issues) {
      out += "- " + fitCharacters(issue, kNoteLimit) + "\n";
    }
    out += "\n";
  }
  const auto unmet = withStatus(order, CriterionStatus::Unmet);
  if (!unmet.empty()) {
    out += "**Not met: the record shows the opposite**\n\n";
    for (const auto* result : unmet) {
      appendItem(out, *result, brief ? ItemDetail::Name : ItemDetail::WholeNote);
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
    out += "**Not checked: records not read** (" + std::to_string(unchecked.size()) +
           "): " + shortList(unchecked, unchecked.size()) + ".\n\n";
  }
  if (!to_record.empty()) {
    out += "**To order or record**\n\n";
    for (const auto* result : to_record) {
      appendItem(out, *result,
                 brief ? ItemDetail::Name : (full ? ItemDetail::WholeNote : ItemDetail::FirstFinding));
    }
    out += "\n";
  }
  if (!to_attest.empty() && full) {
    out += "**To attest**\n\n";
    for (const auto* result : to_attest) {
      appendItem(out, *result, ItemDetail::WholeNote);
    }
    out += "\n";
  } else if (!to_attest.empty()) {
    out += "**To attest** (" + std::to_string(to_attest.size()) +
           "): " + shortList(to_attest, to_attest.size()) + ".\n\n";
  }
  const auto met = withStatus(order, CriterionStatus::Met);
  if (!met.empty() && full) {
    out += "**Met**\n\n";
    for (const auto* result : met) {
      appendItem(out, *result, ItemDetail::WholeNote);
    }
    out += "\n";
  } else if (!met.empty() && !brief) {
    out += "**Met** (" + std::to_string(met.size()) + "): " + shortList(met, kMetShown) + ".\n\n";
  }
  std::vector<std::string> prior_auth;
  for (const auto& result : order.criteria) {
    if (result.criterion->role == policy::CriterionRole::PriorAuth) {
      prior_auth.push_back(result.criterion->short_name + " (" + result.criterion->citation + ") " +
                           std::string(policy::toString(result.status)));
    }
  }
  if (!prior_auth.empty() && !brief) {
    out += "**Prior-authorization rules** (met: applies to this order): " + joinList(prior_auth) + ".\n";
  }
  return out;
}

std::string contraindicationSummary(const OrderDetermination& order) {
  const auto unmet = withStatus(order, CriterionStatus::Unmet, true);
  std::string summary = "Contraindication on record for " + orderLabel(order) + ": ";
  std::string names;
  for (const auto* result : unmet) {
    names += (names.empty() ? "" : ", ") + result->criterion->citation;
  }
  return fitCharacters(summary + names, kSummaryLimit);
}

std::string contraindicationDetail(const OrderDetermination& order) {
  std::string out = "The record shows a contraindication under " + policyName(*order.policy) + ":\n\n";
  for (const auto* result : withStatus(order, CriterionStatus::Unmet, true)) {
    appendItem(out, *result, ItemDetail::WholeNote);
  }
  return out;
}

std::string deceasedSummary(const OrderDetermination& order) {
  return fitCharacters(
      orderLabel(order) + ": the record shows this patient as deceased; nothing is requested", kSummaryLimit);
}

std::string deceasedDetail(const OrderDetermination& order) {
  const std::string when = order.deceased_date ? " on " + order.deceased_date->toString() : "";
  return "The patient's record says the patient died" + when +
         ". No prior-authorization documentation is requested for this order. If the record is wrong, "
         "correct it in the chart and sign again.";
}

std::string noPolicySummary(const OrderDetermination& order) {
  return fitCharacters(orderLabel(order) + ": plan not identified, coverage requirements unknown",
                       kSummaryLimit);
}

std::string noPolicyDetail(const OrderDetermination& order) {
  // Only reached when no policy at all applies, so the reason would repeat the sentence: what coverage was
  // seen says why.
  std::string out = "No payer policy on file applies to this patient's coverage on " +
                    order.as_of.toString() +
                    ", so the documentation needed for prior authorization could not be checked. Coverage "
                    "seen:\n\n";
  for (const auto& line : order.coverage_seen) {
    out += "- " + line + "\n";
  }
  return out;
}

} // namespace pumpcds::cards

namespace pumpcds::cards {

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

std::string feeSummary(const OrderDetermination& order) {
  const auto& fees = *order.fee_estimate;
  if (fees.lines.empty()) {
    return fitCharacters(orderLabel(order) + ": refill drug could not be priced from the " +
                             order.policy->citation + " fee table",
                         kSummaryLimit);
  }
  return fitCharacters(orderLabel(order) + ": estimated allowable " + money(fees.total) + " (" +
                           order.policy->citation + " fee table)",
                       kSummaryLimit);
}

std::string feeDetail(const OrderDetermination& order) {
  const auto& fees = *order.fee_estimate;
  std::string out = "Estimated allowable for the drugs of this refill if compounded, from the " +
                    policyName(*order.policy) +
                    " fee table (amount x unit price, "
                    "plus the compounding fee once per refill):\n\n";
  for (const auto& line : fees.lines) {
    out += "- " + line.drug + ": " + quantity(line.amount) + " " + line.unit + " x " +
           money(line.unit_price) + " per " + line.unit + " = " + money(line.subtotal) + "\n";
  }
  if (!fees.lines.empty()) {
    out += "- Compounding fee: " + money(fees.compounding_fee) + "\n\n**Total: " + money(fees.total) + "**\n";
  }
  for (const auto& reason : fees.unpriced) {
    out += "\n_Not priced: " + reason + "._";
  }
  out += "\n\nAn estimate, not a payment determination: drugs given in a hospital outpatient department "
         "under OPPS "
         "are not paid separately.";
  return out;
}

} // namespace pumpcds::cards
