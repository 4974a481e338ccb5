// The FHIR reads of the generated Questionnaires (GET /fhir/Questionnaire/{id}, GET
// /fhir/Questionnaire?url=): what the HTTP routes answer, kept apart from HTTP so the same answers serve the
// DTR package later.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "fhir/json_write.h"
#include "library/policy_library.h"
#include "questionnaires/questionnaire_writer.h"

namespace pumpcds::questionnaires {

/// The Questionnaire `id` of the library; NotFound naming the id and the library revision.
Result<std::string> readQuestionnaire(const policy::PolicyLibrary& library, const std::string& id);

/// A searchset Bundle of the Questionnaires matching `parameters` (name, value), FHIR search style: `url`
/// (a canonical, optionally "url|version"), `_id`, `version`; none lists all. Another parameter is
/// InvalidArgument naming it (a search that silently ignored it would answer a different question).
/// `fhir_base` ("https://host/fhir") makes each entry's fullUrl; empty leaves fullUrl out.
Result<std::string> searchQuestionnaires(const policy::PolicyLibrary& library,
                                         const std::vector<std::pair<std::string, std::string>>& parameters,
                                         const std::string& fhir_base);

/// The Questionnaire of `all` a canonical ("url" or "url|version") names, or nullptr with an error in
/// `issues`. An old version names the current one, with a warning: versions follow the library revision,
/// and the current questions are the ones the policy will be judged by.
const GeneratedQuestionnaire* findByCanonical(const std::vector<GeneratedQuestionnaire>& all,
                                              const std::string& canonical,
                                              std::vector<fhir::OutcomeIssue>& issues);

} // namespace pumpcds::questionnaires
