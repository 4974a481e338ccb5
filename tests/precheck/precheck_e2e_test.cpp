// `pumpcds precheck` run as a prior-auth team would: a bulk export, the same patients as Bundles, and
// the hook requests an EHR would send for them give the same Determinations; shards merged equal a
// whole run; bad records are named and skipped; the report opens in Chromium with the right counts.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "base/text.h"
#include "library/policy_library.h"
#include "tests/e2e/server_process.h"
#include "tests/support/bulk_population.h"
#include "tests/support/test_data.h"

namespace pumpcds::testing {
namespace {

namespace fs = std::filesystem;

const char* kNow = "2026-11-20"; // the CareSource NC Coverage of the fixture is in force

std::string readFile(const fs::path& path) {
  return base::readWholeFile(path.string()).value_or("");
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      out.push_back(line);
    }
  }
  return out;
}

// patient id -> the Determination report of a results.ndjson line (without patient and source), as JSON.
std::map<std::string, std::string> reportsByPatient(const fs::path& results) {
  std::map<std::string, std::string> reports;
  for (const auto& line : lines(readFile(results))) {
    rapidjson::Document document;
    document.Parse(line.c_str());
    const std::string patient = document["patient"].GetString();
    document.EraseMember("patient"); // Erase keeps the order of the other members
    document.EraseMember("source");
    document.EraseMember("name");
    document.EraseMember("birthDate");
    reports[patient] = fhir::jsonText(document);
  }
  return reports;
}

// Each order's decision, prior auth and criterion statuses, as one string.
std::string decisionsOf(const std::string& report) {
  rapidjson::Document document;
  document.Parse(report.c_str());
  std::string out;
  for (const auto* order : fhir::items(fhir::member(document, "orders"))) {
    out += fhir::stringAt(order, "order") + " " + fhir::stringAt(order, "decision") + " " +
           fhir::stringAt(order, "priorAuth") + ":";
    for (const auto* criterion : fhir::items(fhir::member(order, "criteria"))) {
      out += " " + fhir::stringAt(criterion, "id") + "=" + fhir::stringAt(criterion, "status");
    }
    out += "\n";
  }
  return out;
}

class PrecheckTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pumpcds-precheck-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    const std::string bradly =
        readTestFile("synthea/Bradly_Douglas_18468941-bdaf-42a0-8648-cba7cafc27ce.json");
    const std::string jacki = readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
    const std::string caresource = readTestFile("synthea/Bradly_Douglas_caresource_nc_extra.json");
    patients_.push_back(syntheaPatient(bradly, caresource, "bradly-nc", "", "NC"));
    patients_.push_back(syntheaPatient(bradly, "", "bradly-ambetter", "Ambetter Health"));
    patients_.push_back(syntheaPatient(jacki, "", "jacki-ambetter", "Ambetter Health"));
    patients_.push_back(syntheaPatient(jacki, "", "jacki-uncovered"));
    for (int i = 0; i < 6; ++i) {
      patients_.push_back(syntheaPatient(i % 2 == 0 ? bradly : jacki, i % 2 == 0 ? caresource : "",
                                         "clone-" + std::to_string(i), i % 2 == 0 ? "" : "Ambetter Health",
                                         "NC"));
    }
    writeBulkExport(dir_ / "bulk", patients_, 11);
  }
  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(dir_);
    }
  }

  CommandResult precheck(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "precheck");
    for (const char* fixed : {"--now", kNow, "--jobs", "2"}) {
      arguments.emplace_back(fixed);
    }
    return runPumpcds(arguments);
  }

  fs::path dir_;
  std::vector<PopulationPatient> patients_;
};

TEST_F(PrecheckTest, BulkBundlesAndHookRequestsGiveTheSameDeterminations) {
  writeBundles(dir_ / "bundles", patients_);
  const auto bulk =
      precheck({"--bulk", (dir_ / "bulk").string(), "--order", "62362", "--out", (dir_ / "a").string()});
  EXPECT_EQ(bulk.exit_code, 1) << "a patient was skipped: " << bulk.err;
  EXPECT_NE(bulk.out.find("9 patients, 9 orders"), std::string::npos) << bulk.out;
  const auto bundles = precheck(
      {"--bundles", (dir_ / "bundles").string(), "--order", "62362", "--out", (dir_ / "b").string()});
  EXPECT_EQ(bundles.exit_code, 1) << bundles.err;
  const auto from_bulk = reportsByPatient(dir_ / "a" / "results.ndjson");
  const auto from_bundles = reportsByPatient(dir_ / "b" / "results.ndjson");
  EXPECT_EQ(from_bulk, from_bundles);
  ASSERT_EQ(from_bulk.size(), patients_.size() - 1);
  EXPECT_EQ(from_bulk.count("jacki-uncovered"), 0u);
  EXPECT_NE(readFile(dir_ / "a" / "skipped.ndjson").find(R"("patient":"jacki-uncovered")"),
            std::string::npos);
  EXPECT_NE(readFile(dir_ / "a" / "skipped.ndjson").find("no Coverage on record"), std::string::npos);

  // The same patients as the order-sign requests an EHR sends, through `evaluate`.
  std::vector<std::string> arguments = {"evaluate", "--now", kNow};
  std::map<std::string, std::string> patient_of_file;
  for (const auto& patient : patients_) {
    if (patient.id == "jacki-uncovered") {
      continue;
    }
    const fs::path file = dir_ / (patient.id + "-request.json");
    std::ofstream(file) << patientRequest(patient, "62362", kNow);
    arguments.push_back(file.string());
    patient_of_file[file.string()] = patient.id;
  }
  const auto evaluated = runPumpcds(arguments);
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  size_t compared = 0;
  std::set<std::string> policies;
  for (const auto& line : lines(evaluated.out)) {
    rapidjson::Document document;
    document.Parse(line.c_str());
    const std::string patient = patient_of_file.at(document["file"].GetString());
    EXPECT_EQ(fhir::jsonText(document["report"]), from_bulk.at(patient)) << patient;
    policies.insert(fhir::stringAt(&document["report"]["orders"][0], "policy"));
    ++compared;
  }
  EXPECT_EQ(compared, from_bulk.size());
  EXPECT_GE(policies.size(), 2u) << "the population is not all of one payer";
}

TEST_F(PrecheckTest, ABundleWithoutAPatientJoinsThePatientsItNames) {
  // The repository's fixtures as they are: Bradly's Synthea record, and a Bundle of his CareSource
  // Coverage and a few results that names him but holds no Patient. Before, that Bundle was skipped as
  // "holds no Patient" and Bradly as having no Coverage: the run checked nobody.
  const auto run = precheck({"--bundles", std::string(PUMPCDS_TEST_DATA) + "/synthea", "--order", "62362",
                             "--out", (dir_ / "fixtures").string()});
  const auto reports = reportsByPatient(dir_ / "fixtures" / "results.ndjson");
  const std::string skipped = readFile(dir_ / "fixtures" / "skipped.ndjson");
  EXPECT_EQ(reports.count("326b4675-0bc8-4dbd-b406-a5564c282401"), 1U) << run.err << skipped;
  EXPECT_EQ(skipped.find("holds no Patient"), std::string::npos) << skipped;
  EXPECT_EQ(skipped.find("326b4675-0bc8-4dbd-b406-a5564c282401"), std::string::npos) << skipped;
}

TEST_F(PrecheckTest, ShardsMergedAreTheWholeRun) {
  const std::string bulk = (dir_ / "bulk").string();
  ASSERT_EQ(precheck({"--bulk", bulk, "--order", "62362", "--out", (dir_ / "whole").string()}).exit_code, 1);
  std::vector<std::string> merge = {"precheck", "merge"};
  size_t patients = 0;
  for (int k = 0; k < 3; ++k) {
    const fs::path out = dir_ / ("shard-" + std::to_string(k));
    const auto shard = precheck(
        {"--bulk", bulk, "--order", "62362", "--shard", std::to_string(k) + "/3", "--out", out.string()});
    ASSERT_LE(shard.exit_code, 1) << shard.err;
    patients += lines(readFile(out / "results.ndjson")).size();
    merge.push_back(out.string());
  }
  EXPECT_EQ(patients, patients_.size() - 1) << "every covered patient in exactly one shard";
  merge.insert(merge.end(), {"--out", (dir_ / "merged").string()});
  const auto merged = runPumpcds(merge);
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  for (const char* file : {"results.ndjson", "skipped.ndjson", "summary.csv", "report.html"}) {
    EXPECT_EQ(readFile(dir_ / "merged" / file), readFile(dir_ / "whole" / file)) << file;
  }
  // The same shard twice is not a layout: refused, naming the patient.
  const auto twice = runPumpcds({"precheck", "merge", (dir_ / "shard-0").string(),
                                 (dir_ / "shard-0").string(), "--out", (dir_ / "x").string()});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("is in the results of both"), std::string::npos) << twice.err;
}

TEST_F(PrecheckTest, BadRecordsAreNamedAndSkippedAndTheRunGoesOn) {
  {
    std::ofstream out(dir_ / "bulk" / "Condition.ndjson", std::ios::app);
    out << R"({"resourceType":"Condition","id":"orphan","code":{"text":"back pain"}})"
        << "\n";
    out << R"({"resourceType":"Observation","id":"cut","subject":{"reference":"Patient/clone-2"},"val)"
        << "\n";
  }
  const auto result =
      precheck({"--bulk", (dir_ / "bulk").string(), "--order", "62362", "--out", (dir_ / "out").string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(lines(readFile(dir_ / "out" / "results.ndjson")).size(), patients_.size() - 1)
      << "every covered patient is still checked";
  const auto skipped = readFile(dir_ / "out" / "skipped.ndjson");
  EXPECT_NE(skipped.find("Condition/orphan names no patient"), std::string::npos) << skipped;
  EXPECT_NE(skipped.find(R"("patient":"clone-2","source":"Condition.ndjson line )"), std::string::npos)
      << skipped;
  EXPECT_NE(skipped.find("truncated"), std::string::npos) << skipped;
  EXPECT_EQ(lines(skipped).size(), 3u) << "with the patient without Coverage";
  EXPECT_NE(result.out.find("3 skipped"), std::string::npos) << result.out;
}

TEST_F(PrecheckTest, TheReportOpensInChromiumWithTheCountsAndAChecklistPerOrder) {
  const auto result =
      precheck({"--bulk", (dir_ / "bulk").string(), "--order", "62362", "--out", (dir_ / "out").string()});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const fs::path dom = dir_ / "dom.html";
  const std::string command =
      "chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
      (dir_ / "profile").string() + " --dump-dom file://" + (dir_ / "out" / "report.html").string() + " > " +
      dom.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string page = readFile(dom);
  EXPECT_NE(page.find("data-ready=\"yes\""), std::string::npos) << "its script ran without error";
  EXPECT_NE(page.find(R"(id="patients" data-count="9")"), std::string::npos);
  EXPECT_NE(page.find(R"(id="orders" data-count="9")"), std::string::npos);
  EXPECT_NE(page.find(R"(id="skipped" data-count="1")"), std::string::npos);
  size_t rows = 0;
  for (size_t at = page.find("class=\"order-row\""); at != std::string::npos;
       at = page.find("class=\"order-row\"", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 9u);
  EXPECT_NE(page.find("id=\"c-9\""), std::string::npos) << "a checklist for every order";
  EXPECT_NE(page.find("Bradly Douglas, born 1993-05-21 (id bradly-nc)"), std::string::npos)
      << "a checklist names the patient as the chart does";
  EXPECT_NE(page.find("id=\"chart-missing\""), std::string::npos);
  // What only the ordering clinician can attest, as a form to send them: the questionnaire's questions.
  const auto form = page.find("class=\"attest-form\"");
  ASSERT_NE(form, std::string::npos) << "a checklist with items to attest carries them as a form";
  EXPECT_NE(page.find("questionnaire <code>urn:pumpcds:questionnaire:", form), std::string::npos);
  EXPECT_NE(page.find("\u2610 Yes \u2610 No", form), std::string::npos);
  EXPECT_EQ(page.find("http://"), page.find("http://www.w3.org")) << "nothing to fetch from a network";
  // The CSV: a header and one row per order.
  const auto csv = lines(readFile(dir_ / "out" / "summary.csv"));
  EXPECT_EQ(csv.size(), 10u);
  EXPECT_EQ(csv.front().rfind("patient,name,birth_date,order,code,", 0), 0u) << csv.front();
}

TEST_F(PrecheckTest, OwnOrdersOfThePolicyCasesGiveWhatTheirHookRequestsGive) {
  auto library = policy::PolicyLibrary::loadBundled();
  ASSERT_TRUE(library.isOk());
  std::vector<std::string> requests;
  const auto cases = policyCasePatients(*library.value(), requests);
  ASSERT_GE(cases.size(), 10u);
  writeBulkExport(dir_ / "cases", cases, 5);
  const auto result = runPumpcds(
      {"precheck", "--bulk", (dir_ / "cases").string(), "--own-orders", "--out", (dir_ / "out").string()});
  const auto from_bulk = reportsByPatient(dir_ / "out" / "results.ndjson");
  std::vector<std::string> arguments = {"evaluate"};
  for (size_t i = 0; i < cases.size(); ++i) {
    const fs::path file = dir_ / (cases[i].id + ".json");
    std::ofstream(file) << requests[i];
    arguments.push_back(file.string());
  }
  const auto evaluated = runPumpcds(arguments);
  size_t compared = 0;
  for (const auto& line : lines(evaluated.out)) {
    rapidjson::Document document;
    document.Parse(line.c_str());
    const std::string id = fs::path(document["file"].GetString()).stem().string();
    if (from_bulk.count(id) == 0) {
      ADD_FAILURE() << id << " was not checked: " << readFile(dir_ / "out" / "skipped.ndjson");
      continue;
    }
    // A case lists its resources in its own order, which orders the evidence: the decisions and every
    // criterion's status are compared.
    EXPECT_EQ(decisionsOf(fhir::jsonText(document["report"])), decisionsOf(from_bulk.at(id))) << id;
    ++compared;
  }
  EXPECT_EQ(compared, cases.size()) << result.err << evaluated.err;
}

TEST(PrecheckOptions, WhatIsWrongIsNamed) {
  const auto no_out = runPumpcds({"precheck", "--bulk", "/tmp", "--order", "62362"});
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;
  const auto two =
      runPumpcds({"precheck", "--bulk", "/tmp", "--bundles", "/tmp", "--order", "1", "--out", "/tmp/x"});
  EXPECT_NE(two.err.find("exactly one population"), std::string::npos) << two.err;
  const auto nothing = runPumpcds({"precheck", "--bulk", "/tmp", "--out", "/tmp/x"});
  EXPECT_NE(nothing.err.find("--own-orders"), std::string::npos) << nothing.err;
  const auto shard =
      runPumpcds({"precheck", "--bulk", "/tmp", "--order", "1", "--shard", "3/3", "--out", "/tmp/x"});
  EXPECT_NE(shard.err.find("--shard K"), std::string::npos) << shard.err;
  const auto elsewhere = runPumpcds({"evaluate", "x.json", "--shard", "0/2"});
  EXPECT_NE(elsewhere.err.find("--shard goes with precheck"), std::string::npos) << elsewhere.err;
  const auto empty =
      runPumpcds({"precheck", "--bulk", "/nonexistent-dir", "--order", "1", "--out", "/tmp/x"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("is not a directory"), std::string::npos) << empty.err;
  const auto merge = runPumpcds({"precheck", "merge", "/nonexistent-dir", "--out", "/tmp/x"});
  EXPECT_EQ(merge.exit_code, 2);
  EXPECT_NE(merge.err.find("/nonexistent-dir/results.ndjson"), std::string::npos) << merge.err;
}

} // namespace
} // namespace pumpcds::testing
