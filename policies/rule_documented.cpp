// Evidence rule `documented`: what only a clinician can attest. Met by a QuestionnaireResponse item
// whose linkId is the criterion id with an affirming answer (a denying answer shows the opposite), or
// by a DocumentReference typed for it. Never met by the absence of anything.
#include "policies/rule_support.h"

namespace pumpcds::policy {

Outcome evaluateDocumented(const Rule& rule, const RuleContext& context) {
  for (const auto& response : context.record.ofType("QuestionnaireResponse")) {
    if (!counts(response, context.as_of) || response.status == "in-progress" ||
        response.status == "stopped") {
      continue;
    }
    for (const auto& answer : response.answers) {
      if (answer.link_id != context.criterion_id || !answer.affirmed) {
        continue;
      }
      if (*answer.affirmed) {
        return {Truth::True, {response.reference()}, "attested in " + response.reference()};
      }
      return {Truth::False, {response.reference()}, "answered no in " + response.reference()};
    }
  }
  if (!rule.document_sets.empty()) {
    for (const fhir::Resource* document : findCoded(context, {"DocumentReference"}, rule.document_sets)) {
      return {Truth::True,
              {document->reference()},
              "documented in " + (document->text.empty()
                                      ? document->reference()
                                      : document->text + " (" + document->reference() + ")")};
    }
  }
  return {Truth::Unknown, {}, "needs documentation of " + rule.looks_for};
}

} // namespace pumpcds::policy
