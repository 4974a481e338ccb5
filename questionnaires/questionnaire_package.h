// Da Vinci DTR's $questionnaire-package (STU 2.1): the Questionnaires an order needs, each in a package
// Bundle, from the Coverage and the orders, or named by canonical (as the CRD card's coverage-information
// gives them).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "fhir/date.h"
#include "library/policy_library.h"

namespace pumpcds::questionnaires {

/// The output Parameters for the input Parameters `body`: a "PackageBundle" (a collection Bundle whose
/// first entry is the Questionnaire) per Questionnaire asked for or needed, and an "operationOutcome"
/// saying what was not found or not needed. InvalidArgument, naming the problem, when the input is not
/// DTR's input Parameters (no Coverage; none of order, questionnaire or context). `as_of` picks the
/// policy in force.
Result<std::string> questionnairePackage(const policy::PolicyLibrary& library, std::string_view body,
                                         const fhir::Date& as_of);

} // namespace pumpcds::questionnaires
