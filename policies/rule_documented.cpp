// Evidence rule `documented`: what only a clinician can attest. Met by a QuestionnaireResponse item
// whose linkId is the criterion id with an affirming answer (a denying answer shows the opposite), or
// by a DocumentReference typed for it. Never met by the absence of anything.
#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

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

Outcome DocumentedRule::evaluate(const RuleContext& context) const {
  const DocumentedRule& rule = *this;
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
        return {Truth::True, {response.reference()}, "attested in a questionnaire"};
      }
      return {Truth::False, {response.reference()}, "answered no in a questionnaire"};
    }
  }
  if (!rule.document_sets.empty()) {
    for (const fhir::Resource* document : findCoded(context, {"DocumentReference"}, rule.document_sets)) {
      return {Truth::True,
              {document->reference()},
              "documented in " + (document->text.empty() ? std::string("a document") : document->text)};
    }
  }
  return {Truth::Unknown, {}, "needs a clinician's attestation or note: " + rule.looks_for};
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
