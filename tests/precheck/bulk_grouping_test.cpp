// Grouping a bulk export by patient: whatever the order of lines and files, each patient gets exactly
// their resources, handed out in the same order for every layout and shard split.
#include "precheck/bulk_grouping.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/bulk_population.h"
#include "tests/support/test_data.h"

namespace pumpcds::precheck {
namespace {

namespace fs = std::filesystem;

class BulkGroupingTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pumpcds-grouping-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    const std::string bradly =
        testing::readTestFile("synthea/Bradly_Douglas_18468941-bdaf-42a0-8648-cba7cafc27ce.json");
    const std::string jacki =
        testing::readTestFile("synthea/Jacki_Feil_2dfcf7a9-5fb8-4f56-9cf3-a35a74c60438.json");
    for (int i = 0; i < 30; ++i) {
      patients_.push_back(testing::syntheaPatient(i % 2 == 0 ? bradly : jacki, "",
                                                  "clone-" + std::to_string(i), "Ambetter Health"));
    }
    testing::writeBulkExport(dir_ / "export", patients_, 7);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every patient of the export as grouped with `buckets` spill files and `shard`.
  std::vector<PatientResources> group(size_t buckets, Shard shard,
                                      std::vector<RecordProblem>* problems = nullptr) {
    BulkGrouping grouping(dir_ / ("spill-" + std::to_string(buckets)), buckets, shard);
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_ / "export")) {
      files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      grouping.addNdjsonFile(file);
    }
    std::vector<PatientResources> all;
    grouping.forEachBatch([&all](std::vector<PatientResources>& batch) {
      for (auto& patient : batch) {
        all.push_back(std::move(patient));
      }
    });
    if (problems != nullptr) {
      *problems = grouping.problems();
    }
    return all;
  }

  fs::path dir_;
  std::vector<testing::PopulationPatient> patients_;
};

std::multiset<std::string> asSet(const std::vector<std::string>& resources) {
  return {resources.begin(), resources.end()};
}

// The JSON of grouped resources, each checked to carry the type its JSON names.
std::vector<std::string> jsonOf(const std::vector<ResourceText>& resources) {
  std::vector<std::string> texts;
  for (const auto& resource : resources) {
    EXPECT_EQ(resource.type, testing::resourceTypeOf(resource.json));
    texts.push_back(resource.json);
  }
  return texts;
}

TEST_F(BulkGroupingTest, EachPatientGetsExactlyTheirResourcesFromShuffledFiles) {
  std::vector<RecordProblem> problems;
  const auto grouped = group(16, {}, &problems);
  EXPECT_TRUE(problems.empty()) << problems.front().reason;
  ASSERT_EQ(grouped.size(), patients_.size());
  // What each patient owns: the export's shared resources (Organization, Practitioner, ...) are not.
  std::map<std::string, std::vector<std::string>> expected;
  for (const auto& patient : patients_) {
    for (const auto& json : patient.resources) {
      if (!isSharedType(testing::resourceTypeOf(json))) {
        expected[patient.id].push_back(json);
      }
    }
  }
  for (const auto& patient : grouped) {
    ASSERT_EQ(expected.count(patient.patient_id), 1u) << patient.patient_id;
    EXPECT_EQ(testing::resourceTypeOf(patient.resources.front().json), "Patient")
        << "the Patient comes first";
    EXPECT_EQ(asSet(jsonOf(patient.resources)), asSet(expected[patient.patient_id])) << patient.patient_id;
    EXPECT_EQ(patient.source, "Patient.ndjson");
  }
}

TEST_F(BulkGroupingTest, TheOrderIsTheSameForAnyNumberOfSpillFilesAndShardsCoverEveryoneOnce) {
  const auto one = group(1, {});
  const auto many = group(64, {});
  ASSERT_EQ(one.size(), many.size());
  std::vector<PatientKey> keys;
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].patient_id, many[i].patient_id);
    keys.push_back(patientKey(one[i].patient_id));
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << "handed out in PatientKey order";
  std::vector<std::string> sharded;
  for (uint64_t k = 0; k < 3; ++k) {
    for (const auto& patient : group(8, {k, 3})) {
      EXPECT_TRUE(inShard(patient.patient_id, {k, 3}));
      sharded.push_back(patient.patient_id);
    }
  }
  std::sort(sharded.begin(), sharded.end());
  EXPECT_EQ(std::adjacent_find(sharded.begin(), sharded.end()), sharded.end()) << "no patient in two shards";
  EXPECT_EQ(sharded.size(), one.size());
}

TEST_F(BulkGroupingTest, BadLinesAreReportedWithTheirPlaceAndTheRestIsKept) {
  {
    std::ofstream out(dir_ / "export" / "Condition.ndjson", std::ios::app);
    out << R"({"resourceType":"Condition","id":"orphan","code":{"text":"pain"}})"
        << "\n";
    out << R"({"resourceType":"Condition","id":"cut","subject":{"reference":"Patient/clone-3"},"co)"
        << "\n";
  }
  std::vector<RecordProblem> problems;
  const auto grouped = group(4, {}, &problems);
  EXPECT_EQ(grouped.size(), patients_.size());
  ASSERT_EQ(problems.size(), 2u);
  std::sort(problems.begin(), problems.end());
  EXPECT_EQ(problems[0].patient_id, "");
  EXPECT_NE(problems[0].reason.find("Condition/orphan names no patient"), std::string::npos)
      << problems[0].reason;
  EXPECT_EQ(problems[1].patient_id, "clone-3") << "a damaged line still names whose it was";
  EXPECT_NE(problems[1].source.find("Condition.ndjson line "), std::string::npos) << problems[1].source;
  EXPECT_NE(problems[1].reason.find("truncated"), std::string::npos) << problems[1].reason;
}

} // namespace
} // namespace pumpcds::precheck
