// Policy tests as data, like `opa test`: each policy file has its cases beside it (<policy>_test.json),
// small patient records with the expected status per criterion, run through the same HookService as a
// real request. `pumpcds policies test` and ctest both run them.
#pragma once

#include <string>
#include <vector>

#include "library/policy_library.h"

namespace pumpcds::policy_cases {

struct PolicyCaseResult {
  std::string file;
  size_t index = 0;
  std::string note;
  enum class Outcome { Pass, Fail, Error } outcome = Outcome::Pass;
  std::vector<std::string> failures; ///< what differed, or why the case could not run
};

/// Runs every case of every file. Files are the library's *_test.json (paths relative to the library).
/// Case format: see policies/library/README.md.
std::vector<PolicyCaseResult> runPolicyTests(const policy::PolicyLibrary::Ptr& library,
                                             const std::vector<policy::LibraryFile>& test_files);

/// A named rule is shared by several policies, so it is tested on its own: an Error result for each
/// named rule of `library` that no case in `test_files` (the rules/*_test.json among them) exercises.
std::vector<PolicyCaseResult> namedRulesWithoutCases(const policy::PolicyLibrary& library,
                                                     const std::vector<policy::LibraryFile>& test_files);

/// A case as the hook request the runner sends for it (patient "p1", its record in prefetch; absent
/// prefetch keys are the types the case leaves unread). For tests that replay cases another way.
struct PolicyCaseRequest {
  std::string file;
  size_t index = 0;
  std::string note;
  std::string request_json;
};
std::vector<PolicyCaseRequest> policyCaseRequests(const policy::PolicyLibrary& library,
                                                  const std::vector<policy::LibraryFile>& test_files);

/// The *_test.json files among a library's files.
std::vector<policy::LibraryFile> policyTestFiles(const std::vector<policy::LibraryFile>& library_files);

} // namespace pumpcds::policy_cases
