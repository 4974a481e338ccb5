#include "precheck/population_report.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <rapidjson/document.h>

#include "base/text.h"
#include "fhir/json_read.h"
#include "precheck/precheck_run.h"

namespace pumpcds::precheck {
namespace {

using base::htmlEscaped;

const std::array<std::string, 5> kDecisions = {"complete", "missing-documentation", "not-covered",
                                               "contraindicated", "no-policy"};

size_t decisionRank(const std::string& decision) {
  const auto found = std::find(kDecisions.begin(), kDecisions.end(), decision);
  return static_cast<size_t>(found - kDecisions.begin());
}

struct CriterionLine {
  std::string id;
  std::string short_name;
  std::string citation;
  std::string text;
  std::string note;
  std::string document;
  std::vector<std::string> evidence;
  bool attestable = false; ///< a question of the order's DTR questionnaire
};

// One order of one patient, as the table and its checklist show it.
struct OrderRow {
  size_t line = 0; ///< results.ndjson line: ties are broken by it, so the page is deterministic
  std::string patient;
  std::string name;
  std::string birth_date;
  std::string source;
  std::string order;
  std::string code;
  std::string kind;
  std::string policy;
  std::string policy_title;
  std::string policy_url;
  std::string questionnaire; ///< the DTR questionnaire's canonical, when something is left to attest
  std::string decision;
  std::string prior_auth;
  std::string as_of;
  std::vector<CriterionLine> missing;
  std::vector<CriterionLine> unmet;
  std::vector<CriterionLine> met;
  [[nodiscard]] size_t itemsToResolve() const { return missing.size() + unmet.size(); }
  // Closest first: ready orders, then those missing the fewest items; then as written.
  [[nodiscard]] auto rank() const { return std::make_tuple(decisionRank(decision), itemsToResolve(), line); }
};

struct Aggregates {
  ReportTotals totals;
  std::map<std::string, size_t> by_decision;
  std::map<std::string, std::map<std::string, size_t>> by_policy; ///< policy -> decision -> orders
  std::map<std::string, std::string> policy_titles;
  std::map<std::string, size_t> missing_counts; ///< criterion id -> orders missing it
  std::map<std::string, std::string> criterion_names;
  std::array<size_t, 3> closeness{}; ///< missing-documentation orders lacking 1, 2, 3+ items
};

CriterionLine criterionOf(const fhir::JsonValue& json) {
  CriterionLine line{fhir::stringAt(&json, "id"),
                     fhir::stringAt(&json, "shortName"),
                     fhir::stringAt(&json, "citation"),
                     fhir::stringAt(&json, "text"),
                     fhir::stringAt(&json, "note"),
                     fhir::stringAt(&json, "document"),
                     {},
                     fhir::boolAt(&json, "attestable").value_or(false)};
  for (const auto* evidence : fhir::items(fhir::member(json, "evidence"))) {
    if (evidence->IsString()) {
      line.evidence.emplace_back(evidence->GetString());
    }
  }
  return line;
}

std::string joined(const std::vector<CriterionLine>& lines, bool ids) {
  std::string text;
  for (const auto& line : lines) {
    text += (text.empty() ? "" : "; ") +
            (ids ? line.id : (line.short_name.empty() ? line.text : line.short_name));
  }
  return text;
}

// A horizontal bar chart in plain SVG: no script, no network.
std::string barChart(const std::string& id, const std::vector<std::pair<std::string, size_t>>& bars) {
  size_t most = 1;
  for (const auto& [label, count] : bars) {
    most = std::max(most, count);
  }
  const int row = 26;
  const int label_width = 330;
  const int bar_width = 360;
  std::ostringstream svg;
  svg << "<svg id=\"" << id << "\" role=\"img\" width=\"" << label_width + bar_width + 70 << "\" height=\""
      << std::max<size_t>(bars.size(), 1) * row + 6 << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, count] = bars[i];
    const size_t width = count * bar_width / most;
    const size_t y = i * row;
    svg << "<g class=\"bar\" data-label=\"" << htmlEscaped(label) << "\" data-count=\"" << count << "\">"
        << "<title>" << htmlEscaped(label) << ": " << count << "</title>"
        << "<text x=\"" << label_width - 8 << "\" y=\"" << y + 17 << "\" text-anchor=\"end\">"
        << htmlEscaped(label.size() > 48 ? label.substr(0, 45) + "..." : label) << "</text>"
        << "<rect x=\"" << label_width << "\" y=\"" << y + 4 << "\" width=\"" << std::max<size_t>(width, 1)
        << "\" height=\"" << row - 8 << "\"/>"
        << "<text x=\"" << label_width + width + 6 << "\" y=\"" << y + 17 << "\">" << count << "</text></g>";
  }
  svg << "</svg>";
  return svg.str();
}

void writeChecklistItems(std::ostream& html, const char* heading, const std::vector<CriterionLine>& items,
                         bool show_document, bool show_evidence) {
  if (items.empty()) {
    return;
  }
  html << "<h4>" << heading << "</h4><ul>";
  for (const auto& item : items) {
    html << "<li><input type=\"checkbox\"" << (show_evidence ? " checked" : "") << " disabled> <b>"
         << htmlEscaped(item.short_name.empty() ? item.id : item.short_name) << "</b> "
         << htmlEscaped(item.text) << " <span class=\"cite\">(" << htmlEscaped(item.citation) << ")</span>";
    if (show_document && !item.document.empty()) {
      html << "<br><i>Send:</i> " << htmlEscaped(item.document);
    }
    if (!item.note.empty()) {
      html << "<br><i>Note:</i> " << htmlEscaped(item.note);
    }
    if (show_evidence && !item.evidence.empty()) {
      std::string evidence;
      for (const auto& reference : item.evidence) {
        evidence += (evidence.empty() ? "" : ", ") + reference;
      }
      html << "<br><i>Evidence:</i> " << htmlEscaped(evidence);
    }
    html << "</li>";
  }
  html << "</ul>";
}

// The order's DTR questionnaire, on paper: what is missing that the ordering clinician can attest, each to
// answer yes or no, and a line to sign. The same questions the card's app asks (linkId = criterion id).
void writeAttestationForm(std::ostream& html, const OrderRow& row) {
  std::vector<const CriterionLine*> questions;
  for (const auto& item : row.missing) {
    if (item.attestable) {
      questions.push_back(&item);
    }
  }
  if (questions.empty() || row.questionnaire.empty()) {
    return;
  }
  html << "<section class=\"attest-form\"><h4>For the ordering clinician to attest</h4><p>In the EHR, the "
          "order's card opens these questions in the DTR app (questionnaire <code>"
       << htmlEscaped(row.questionnaire) << "</code>); on paper, answer each and sign.</p><table>";
  for (const CriterionLine* item : questions) {
    html << "<tr><td><b>" << htmlEscaped(item->short_name.empty() ? item->id : item->short_name) << "</b> "
         << htmlEscaped(item->text) << " <span class=\"cite\">(" << htmlEscaped(item->citation)
         << ")</span></td><td class=\"answer\">&#9744; Yes &#9744; No</td></tr>";
  }
  html << "</table><p>Clinician: ______________________ Signature: ______________________ Date: "
          "____________</p></section>";
}

void writeChecklist(std::ostream& html, const OrderRow& row, size_t number) {
  html << "<article class=\"checklist\" id=\"c-" << number << "\"><header><h3>Prior-authorization checklist: "
       << htmlEscaped(row.name.empty() ? "patient" : row.name)
       << (row.birth_date.empty() ? "" : ", born " + htmlEscaped(row.birth_date)) << " (id "
       << htmlEscaped(row.patient) << "), order " << htmlEscaped(row.code) << " (" << htmlEscaped(row.kind)
       << ")</h3><button onclick=\"printOne('c-" << number
       << "')\">Print this checklist</button></header><p>Policy: "
       << (row.policy_url.empty() ? "" : "<a href=\"" + htmlEscaped(row.policy_url) + "\">")
       << htmlEscaped(row.policy_title.empty() ? row.policy : row.policy_title)
       << (row.policy_url.empty() ? "" : "</a>") << " (" << htmlEscaped(row.policy) << "). Decision: <b>"
       << htmlEscaped(row.decision) << "</b>; prior authorization: " << htmlEscaped(row.prior_auth)
       << "; as of " << htmlEscaped(row.as_of) << ". Source: " << htmlEscaped(row.source) << ".</p>";
  writeChecklistItems(html, "Missing: document these before submitting", row.missing, true, false);
  writeAttestationForm(html, row);
  writeChecklistItems(html, "Not met", row.unmet, false, false);
  writeChecklistItems(html, "Met, on this evidence", row.met, false, true);
  html << "<p><a href=\"#orders\">Back to the orders</a></p></article>\n";
}

const char* kStyle = R"(body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1b1b;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:16px;margin:0}
.figures{display:flex;gap:12px;flex-wrap:wrap}.figure{border:1px solid #ccc;border-radius:6px;padding:10px 16px;min-width:120px}
.figure .n{font-size:26px;font-weight:600}.figure .l{color:#555}
svg text{font:12px system-ui,sans-serif}svg rect{fill:#2c6fbb}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
.checklist{border:1px solid #bbb;border-radius:6px;padding:12px;margin:16px 0;page-break-inside:avoid}
.checklist header{display:flex;justify-content:space-between;align-items:center}.cite{color:#555}
.attest-form{border-top:1px dashed #999;margin-top:8px}.attest-form .answer{white-space:nowrap;width:9em}
.note{color:#555}@media print{body.one>*:not(.printing){display:none}body.one .printing{display:block}button{display:none}})";

const char* kScript = R"(function printOne(id){var a=document.getElementById(id);var p=a.parentNode;
var holder=document.createElement('div');holder.className='printing';holder.appendChild(a.cloneNode(true));
document.body.appendChild(holder);document.body.classList.add('one');window.print();
document.body.classList.remove('one');document.body.removeChild(holder);}
document.body.dataset.ready='yes';)";

} // namespace

Result<ReportTotals> writePopulationReport(const std::filesystem::path& dir, size_t table_rows) {
  std::ifstream results(dir / "results.ndjson", std::ios::binary);
  if (!results) {
    return notFound((dir / "results.ndjson").string() + ": cannot be read");
  }
  std::ofstream csv(dir / "summary.csv", std::ios::binary | std::ios::trunc);
  csv << "patient,name,birth_date,order,code,kind,policy,decision,prior_auth,items_to_resolve,missing_ids,"
         "missing,unmet_ids,"
         "unmet,as_of\n";
  Aggregates all;
  // The closest `table_rows` orders, kept as they stream by: memory stays bounded by the page's size.
  auto closer = [](const OrderRow& a, const OrderRow& b) { return a.rank() < b.rank(); };
  std::set<OrderRow, decltype(closer)> kept(closer);
  std::string line;
  size_t number = 0;
  size_t order_number = 0;
  std::set<std::string> as_of_dates;
  while (std::getline(results, line)) {
    ++number;
    if (line.empty()) {
      continue;
    }
    rapidjson::Document document;
    document.Parse(line.data(), line.size());
    if (document.HasParseError() || !document.IsObject() || !document.HasMember("orders")) {
      return invalidArgument((dir / "results.ndjson").string() + " line " + std::to_string(number) +
                             ": not a pre-check result");
    }
    ++all.totals.patients;
    for (const auto* order : fhir::items(fhir::member(document, "orders"))) {
      OrderRow row;
      row.line = order_number++;
      row.patient = fhir::stringAt(&document, "patient");
      row.name = fhir::stringAt(&document, "name");
      row.birth_date = fhir::stringAt(&document, "birthDate");
      row.source = fhir::stringAt(&document, "source");
      row.order = fhir::stringAt(order, "order");
      row.code = fhir::stringAt(order, "code");
      row.kind = fhir::stringAt(order, "kind");
      row.policy = fhir::stringAt(order, "policy");
      row.policy_title = fhir::stringAt(order, "policyTitle");
      row.policy_url = fhir::stringAt(order, "policyUrl");
      row.questionnaire = fhir::stringAt(order, "questionnaire");
      row.decision = fhir::stringAt(order, "decision");
      row.prior_auth = fhir::stringAt(order, "priorAuth");
      row.as_of = fhir::stringAt(order, "asOf");
      for (const auto* criterion : fhir::items(fhir::member(order, "criteria"))) {
        const std::string status = fhir::stringAt(criterion, "status");
        auto& into = status == "missing" ? row.missing : status == "unmet" ? row.unmet : row.met;
        into.push_back(criterionOf(*criterion));
      }
      ++all.totals.orders;
      all.totals.ready += row.decision == "complete" ? 1 : 0;
      ++all.by_decision[row.decision];
      const std::string policy = row.policy.empty() ? "(no policy)" : row.policy;
      ++all.by_policy[policy][row.decision];
      all.policy_titles[policy] = row.policy_title;
      as_of_dates.insert(row.as_of);
      for (const auto& missing : row.missing) {
        ++all.missing_counts[missing.id];
        all.criterion_names[missing.id] = missing.short_name.empty() ? missing.text : missing.short_name;
      }
      if (row.decision == "missing-documentation" && row.itemsToResolve() > 0) {
        ++all.closeness[std::min<size_t>(row.itemsToResolve(), 3) - 1];
      }
      csv << base::csvField(row.patient) << "," << base::csvField(row.name) << ","
          << base::csvField(row.birth_date) << "," << base::csvField(row.order) << ","
          << base::csvField(row.code) << "," << row.kind << "," << base::csvField(row.policy) << ","
          << row.decision << "," << row.prior_auth << "," << row.itemsToResolve() << ","
          << base::csvField(joined(row.missing, true)) << "," << base::csvField(joined(row.missing, false))
          << "," << base::csvField(joined(row.unmet, true)) << "," << base::csvField(joined(row.unmet, false))
          << "," << row.as_of << "\n";
      if (table_rows > 0 && (kept.size() < table_rows || closer(row, *std::prev(kept.end())))) {
        kept.insert(std::move(row));
        if (kept.size() > table_rows) {
          kept.erase(std::prev(kept.end()));
        }
      }
    }
  }
  const std::vector<RecordProblem> skipped = readSkipped(dir);
  all.totals.skipped = skipped.size();
  if (!csv) {
    return invalidArgument((dir / "summary.csv").string() + ": cannot be written");
  }

  std::ofstream html(dir / "report.html", std::ios::binary | std::ios::trunc);
  const auto& totals = all.totals;
  const size_t missing_documentation = all.by_decision["missing-documentation"];
  std::string dates;
  for (const auto& date : as_of_dates) {
    dates += (dates.empty() ? "" : ", ") + date;
  }
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pumpcds pre-check: "
       << totals.patients << " patients</title><style>" << kStyle << "</style></head><body>\n"
       << "<h1>Intrathecal pump prior-authorization pre-check</h1><p class=\"note\">Checked as of "
       << htmlEscaped(dates.empty() ? std::string("(no orders)") : dates)
       << " against the policies in pumpcds. An order is <b>ready</b> when the record shows every criterion "
          "its policy asks; the checklists below say what each other order still lacks.</p>\n"
       << "<section class=\"figures\">";
  const auto figure = [&html](const char* id, size_t count, const char* label) {
    html << "<div class=\"figure\" id=\"" << id << "\" data-count=\"" << count << "\"><div class=\"n\">"
         << count << "</div><div class=\"l\">" << label << "</div></div>";
  };
  figure("patients", totals.patients, "patients checked");
  figure("orders", totals.orders, "pump orders");
  figure("ready", totals.ready, "ready to submit");
  figure("missing-documentation", missing_documentation, "missing documentation");
  figure("skipped", totals.skipped, "records skipped");
  html << "</section>\n<h2>Orders by decision</h2>";
  std::vector<std::pair<std::string, size_t>> decision_bars;
  decision_bars.reserve(kDecisions.size());
  for (const auto& decision : kDecisions) {
    decision_bars.emplace_back(decision, all.by_decision[decision]);
  }
  html << barChart("chart-decisions", decision_bars);
  html << "\n<h2>Criteria most often missing</h2>";
  std::vector<std::pair<std::string, size_t>> missing_bars;
  for (const auto& [id, count] : all.missing_counts) {
    missing_bars.emplace_back(id + ": " + all.criterion_names[id], count);
  }
  std::stable_sort(missing_bars.begin(), missing_bars.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  missing_bars.resize(std::min<size_t>(missing_bars.size(), 15));
  html << (missing_bars.empty() ? std::string("<p>No order lacks documentation.</p>")
                                : barChart("chart-missing", missing_bars));
  html << "\n<h2>How close are they?</h2><p class=\"note\">Orders missing documentation, by how many items "
          "(missing or not met) remain.</p>"
       << barChart(
              "chart-closeness",
              {{"1 item", all.closeness[0]}, {"2 items", all.closeness[1]}, {"3 or more", all.closeness[2]}});
  html << "\n<h2>By policy</h2><table id=\"policies\"><tr><th>Policy</th><th>Orders</th>";
  for (const auto& decision : kDecisions) {
    html << "<th>" << decision << "</th>";
  }
  html << "</tr>";
  for (const auto& [policy, decisions] : all.by_policy) {
    size_t orders = 0;
    for (const auto& [decision, count] : decisions) {
      orders += count;
    }
    html << "<tr><td>" << htmlEscaped(policy) << "<br><span class=\"note\">"
         << htmlEscaped(all.policy_titles[policy]) << "</span></td><td>" << orders << "</td>";
    for (const auto& decision : kDecisions) {
      const auto found = decisions.find(decision);
      html << "<td>" << (found == decisions.end() ? 0 : found->second) << "</td>";
    }
    html << "</tr>";
  }
  html << "</table>\n<h2 id=\"orders\">Orders, closest to ready first</h2>";
  if (totals.orders > kept.size()) {
    html << "<p class=\"note\">The " << kept.size() << " closest of " << totals.orders
         << " orders; summary.csv lists every one.</p>";
  }
  html << "<table><tr><th>Patient</th><th>Order</th><th>Policy</th><th>Decision</th><th>Prior auth</th>"
          "<th>Items to resolve</th><th>What is missing</th></tr>\n";
  size_t row_number = 0;
  for (const auto& row : kept) {
    ++row_number;
    html << "<tr class=\"order-row\"><td>" << htmlEscaped(row.name.empty() ? row.patient : row.name)
         << (row.name.empty() ? "" : "<br><span class=\"note\">" + htmlEscaped(row.patient) + "</span>")
         << "</td><td>" << htmlEscaped(row.code) << " " << htmlEscaped(row.kind) << "</td><td>"
         << htmlEscaped(row.policy) << "</td><td>" << htmlEscaped(row.decision) << "</td><td>"
         << htmlEscaped(row.prior_auth) << "</td><td>" << row.itemsToResolve() << "</td><td>"
         << htmlEscaped(joined(row.missing, false)) << " <a href=\"#c-" << row_number
         << "\">checklist</a></td></tr>\n";
  }
  html << "</table>\n<h2>Skipped</h2>";
  if (skipped.empty()) {
    html << "<p>Nothing was skipped.</p>";
  } else {
    html << "<table id=\"skipped-records\"><tr><th>Patient</th><th>Where</th><th>Why</th></tr>";
    for (size_t i = 0; i < skipped.size() && i < table_rows; ++i) {
      html << "<tr class=\"skipped-row\"><td>" << htmlEscaped(skipped[i].patient_id) << "</td><td>"
           << htmlEscaped(skipped[i].source) << "</td><td>" << htmlEscaped(skipped[i].reason) << "</td></tr>";
    }
    html << "</table>";
    if (skipped.size() > table_rows) {
      html << "<p class=\"note\">" << skipped.size() - table_rows << " more in skipped.ndjson.</p>";
    }
  }
  html << "\n<h2>Checklists</h2>\n";
  row_number = 0;
  for (const auto& row : kept) {
    writeChecklist(html, row, ++row_number);
  }
  html << "<script>" << kScript << "</script></body></html>\n";
  if (!html) {
    return invalidArgument((dir / "report.html").string() + ": cannot be written");
  }
  return totals;
}

} // namespace pumpcds::precheck
