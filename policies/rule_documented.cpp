// Evidence rule `documented`: what only a clinician can attest. Met by an answer in a QuestionnaireResponse
// whose linkId is the criterion id (a denying answer shows the opposite), or by a DocumentReference typed
// for it. Never met by the absence of anything.
//
// An answer counts only from a response that is finished (completed or amended), names this patient,
// answers one of the deciding policy's questionnaires (policy::isQuestionnaireOf says how versions match)
// and was authored within kAttestationDays of the order: before it, or after it, as a DTR questionnaire is
// completed once the order is drafted. An answer that is there but does not count is
// named in the outcome's note, so the clinician learns why an attestation they gave is still asked for.
#include <algorithm>

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

/// How far from the order an answer may be. A clinician's attestation describes the patient when it was
/// given; 90 days covers a trial and the permanent implant that follows it, and keeps answers from an
/// earlier episode of care (a trial that failed last year) from deciding this one.
constexpr int kAttestationDays = 90;

class DocumentedRule final : public Rule {
public:
  std::vector<const ValueSet*> document_sets; ///< DocumentReference types that attest it
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override {
    out.insert({"QuestionnaireResponse", "DocumentReference"});
  }
  bool codedDataCanShow() const override { return false; } // a clinician attests it
};

/// Why a response's answers do not count for this order; "" when they do.
std::string whyNotCounted(const fhir::Resource& response, const RuleContext& context) {
  if (response.status == "entered-in-error") {
    return "entered in error";
  }
  if (response.status != "completed" && response.status != "amended") {
    return response.status.empty() ? "it has no status" : "it is " + response.status + ", not completed";
  }
  if (response.patient_reference.empty()) {
    return "it names no patient";
  }
  if (context.policy != nullptr && !isQuestionnaireOf(*context.policy, response.questionnaire)) {
    return response.questionnaire.empty()
               ? "it answers no questionnaire"
               : "it answers " + response.questionnaire + ", not a questionnaire of " + context.policy->id;
  }
  if (!response.start) {
    return "it is not dated";
  }
  if (*response.start >= context.as_of.addDays(kAttestationDays).endSeconds()) {
    return "it is from " + fhir::formatDate(*response.start) + ", more than " +
           std::to_string(kAttestationDays) + " days after the order";
  }
  if (*response.start < context.as_of.addDays(-kAttestationDays).startSeconds()) {
    return "it is from " + fhir::formatDate(*response.start) + ", more than " +
           std::to_string(kAttestationDays) + " days before the order";
  }
  return {};
}

Outcome DocumentedRule::evaluate(const RuleContext& context) const {
  const DocumentedRule& rule = *this;
  const fhir::Resource* latest = nullptr; // the newest counted response answering the criterion
  bool latest_affirms = false;
  std::vector<std::string> not_counted;
  for (const auto& response : context.record.ofType("QuestionnaireResponse")) {
    const auto answer = std::find_if(response.answers.begin(), response.answers.end(), [&](const auto& item) {
      return item.link_id == context.criterion_id && item.affirmed;
    });
    if (answer == response.answers.end()) {
      continue;
    }
    if (std::string why = whyNotCounted(response, context); !why.empty()) {
      not_counted.push_back(response.reference() + " (" + why + ")");
      continue;
    }
    if (latest == nullptr || *response.start > *latest->start) {
      latest = &response;
      latest_affirms = *answer->affirmed;
    }
  }
  if (latest != nullptr) {
    if (latest_affirms) {
      return {Truth::True, {latest->reference()}, "attested in a questionnaire"};
    }
    return {Truth::False, {latest->reference()}, "answered no in a questionnaire"};
  }
  if (!rule.document_sets.empty()) {
    for (const fhir::Resource* document : findCoded(context, {"DocumentReference"}, rule.document_sets)) {
      return {Truth::True,
              {document->reference()},
              "documented in " + (document->text.empty() ? std::string("a document") : document->text)};
    }
  }
  std::string note = "needs a clinician's attestation or note: " + rule.looks_for;
  if (!not_counted.empty()) {
    note += "; an answer was not counted: " + joinWords(not_counted, "; ");
  }
  return {Truth::Unknown, {}, note};
}

RulePtr readDocumented(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  if (!reader.file().checkObject(&body, at, {"document_types", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<DocumentedRule>();
  rule->document_sets = reader.valueSets(body, "document_types", at, false);
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

} // namespace

const RuleKind kDocumentedKind{"documented", readDocumented};

} // namespace pumpcds::policy
