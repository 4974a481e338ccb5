#include "questionnaires/questionnaire_writer.h"

#include <algorithm>
#include <cctype>

#include "fhir/json_write.h"

namespace pumpcds::questionnaires {
namespace {

using fhir::JsonWriter;
using fhir::writeString;
using policy::Criterion;
using policy::OrderKind;
using policy::Origin;
using policy::Policy;

constexpr OrderKind kKinds[] = {OrderKind::Trial, OrderKind::Permanent, OrderKind::Maintenance,
                                OrderKind::Removal};

void member(JsonWriter& out, const char* key, std::string_view value) {
  out.Key(key);
  writeString(out, value);
}

// A requirement of `kind`'s path, whatever the origin: one questionnaire serves both origins (enableWhen).
bool decides(const Criterion& criterion, OrderKind kind) {
  return criterion.role == policy::CriterionRole::Requirement &&
         (criterion.appliesTo(kind, Origin::Malignant) || criterion.appliesTo(kind, Origin::NonMalignant));
}

// The origin a criterion is limited to, or nullopt when it applies whatever the origin.
std::optional<Origin> onlyFor(const Criterion& criterion) {
  const bool malignant = std::find(criterion.origins.begin(), criterion.origins.end(), Origin::Malignant) !=
                         criterion.origins.end();
  const bool other = std::find(criterion.origins.begin(), criterion.origins.end(), Origin::NonMalignant) !=
                     criterion.origins.end();
  if (malignant == other) {
    return std::nullopt;
  }
  return malignant ? Origin::Malignant : Origin::NonMalignant;
}

// A computable name (^[A-Z][A-Za-z0-9_]*$): the id's words, capitalised.
std::string computableName(std::string_view id) {
  std::string name;
  bool upper = true;
  for (const char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) {
    name.insert(0, "Q");
  }
  return name;
}

void writeEnableWhen(JsonWriter& out, const Criterion& criterion) {
  const auto origin = onlyFor(criterion);
  if (!origin) {
    return;
  }
  out.Key("enableWhen");
  out.StartArray();
  out.StartObject();
  member(out, "question", kOriginLinkId);
  member(out, "operator", "=");
  out.Key("answerCoding");
  fhir::writeCoding(out, {std::string(kOriginSystem), std::string(policy::toString(*origin)), ""});
  out.EndObject();
  out.EndArray();
}

void writeOriginItem(JsonWriter& out) {
  out.StartObject();
  member(out, "linkId", kOriginLinkId);
  member(out, "type", "choice");
  member(out, "text", "Origin of the pain, as the record shows it");
  out.Key("readOnly");
  out.Bool(true);
  out.Key("answerOption");
  out.StartArray();
  for (const Origin origin : {Origin::Malignant, Origin::NonMalignant}) {
    out.StartObject();
    out.Key("valueCoding");
    fhir::writeCoding(out, {std::string(kOriginSystem), std::string(policy::toString(origin)),
                            origin == Origin::Malignant ? "Malignant (cancer) pain" : "Non-malignant pain"});
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

// The policy's sentence and citation, shown as the item's help (SDC itemControl "help").
void writeHelp(JsonWriter& out, const Criterion& criterion) {
  out.StartObject();
  member(out, "linkId", criterion.id + ":help");
  member(out, "type", "display");
  std::string help = criterion.citation;
  if (!criterion.document.empty()) {
    help += ". Documentation: " + criterion.document;
  }
  member(out, "text", help);
  out.Key("extension");
  out.StartArray();
  out.StartObject();
  member(out, "url", "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl");
  out.Key("valueCodeableConcept");
  out.StartObject();
  out.Key("coding");
  out.StartArray();
  fhir::writeCoding(out, {"http://hl7.org/fhir/questionnaire-item-control", "help", "Help-Button"});
  out.EndArray();
  out.EndObject();
  out.EndObject();
  out.EndArray();
  out.EndObject();
}

// A criterion to attest: yes or no (linkId = the criterion id), a note, and an attachment where the
// policy names a document.
void writeQuestion(JsonWriter& out, const Criterion& criterion) {
  out.StartObject();
  member(out, "linkId", criterion.id);
  member(out, "prefix", criterion.label_printed ? criterion.label : criterion.short_name);
  member(out, "text", criterion.text);
  member(out, "type", "boolean");
  writeEnableWhen(out, criterion);
  out.Key("item");
  out.StartArray();
  writeHelp(out, criterion);
  out.StartObject();
  member(out, "linkId", criterion.id + ":note");
  member(out, "text", "Note (optional)");
  member(out, "type", "text");
  out.EndObject();
  if (!criterion.document.empty()) {
    out.StartObject();
    member(out, "linkId", criterion.id + ":document");
    member(out, "text", "Attach: " + criterion.document);
    member(out, "type", "attachment");
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

// A criterion judged from coded data: read-only, filled with what was found when prefilled.
void writeFinding(JsonWriter& out, const Criterion& criterion) {
  out.StartObject();
  member(out, "linkId", criterion.id + std::string(kFoundSuffix));
  member(out, "prefix", criterion.label_printed ? criterion.label : criterion.short_name);
  member(out, "text", criterion.text);
  member(out, "type", "string");
  out.Key("readOnly");
  out.Bool(true);
  writeEnableWhen(out, criterion);
  out.EndObject();
}

void writeGroup(JsonWriter& out, const char* link_id, std::string_view text,
                const std::vector<const Criterion*>& criteria, void (*write)(JsonWriter&, const Criterion&)) {
  if (criteria.empty()) {
    return;
  }
  out.StartObject();
  member(out, "linkId", link_id);
  member(out, "type", "group");
  member(out, "text", text);
  out.Key("item");
  out.StartArray();
  for (const Criterion* criterion : criteria) {
    write(out, *criterion);
  }
  out.EndArray();
  out.EndObject();
}

std::string kindWords(OrderKind kind) {
  switch (kind) {
  case OrderKind::Trial:
    return "intrathecal trial";
  case OrderKind::Permanent:
    return "permanent pump implantation";
  case OrderKind::Maintenance:
    return "pump refill and maintenance";
  case OrderKind::Removal:
    return "pump removal";
  }
  return "pump";
}

GeneratedQuestionnaire generate(const Policy& policy, OrderKind kind, const std::string& version,
                                const std::vector<const Criterion*>& questions,
                                const std::vector<const Criterion*>& findings) {
  GeneratedQuestionnaire generated;
  generated.id = policy::questionnaireId(policy, kind);
  generated.url = policy::questionnaireCanonical(policy, kind);
  generated.version = version;
  generated.policy = &policy;
  generated.kind = kind;
  generated.questions = questions.size();

  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartObject();
  member(out, "resourceType", "Questionnaire");
  member(out, "id", generated.id);
  out.Key("meta");
  out.StartObject();
  out.Key("profile");
  out.StartArray();
  writeString(out, kDtrQuestionnaireProfile);
  out.EndArray();
  out.EndObject();
  member(out, "url", generated.url);
  member(out, "version", generated.version);
  member(out, "name", computableName(generated.id));
  member(out, "title", policy.citation + ": documentation for " + kindWords(kind));
  member(out, "status", "active");
  out.Key("subjectType");
  out.StartArray();
  writeString(out, "Patient");
  out.EndArray();
  member(out, "publisher", policy.publisher);
  member(out, "description",
         "What " + policy.publisher + " " + policy.citation + " (" + policy.title +
             ") asks a clinician to attest for " + kindWords(kind) +
             "; what the record shows is filled in and read-only. Generated by "
             "pumpcds from its policy library.");
  out.Key("effectivePeriod");
  out.StartObject();
  member(out, "start", policy.effective_start.toString());
  if (policy.effective_end) {
    member(out, "end", policy.effective_end->toString());
  }
  out.EndObject();
  out.Key("item");
  out.StartArray();
  const auto limited = [](const Criterion* criterion) { return onlyFor(*criterion).has_value(); };
  if (std::any_of(questions.begin(), questions.end(), limited) ||
      std::any_of(findings.begin(), findings.end(), limited)) {
    writeOriginItem(out);
  }
  writeGroup(out, "attest", "To attest", questions, writeQuestion);
  writeGroup(out, "record", "What the record shows (read by pumpcds; not for you to answer)", findings,
             writeFinding);
  out.EndArray();
  out.EndObject();
  generated.json.assign(buffer.GetString(), buffer.GetSize());
  return generated;
}

} // namespace

std::vector<GeneratedQuestionnaire> libraryQuestionnaires(const policy::PolicyLibrary& library) {
  const std::string version = library.revision().substr(0, 16);
  std::vector<GeneratedQuestionnaire> out;
  for (const Policy& policy : library.policies()) {
    if (policy.prior_auth) {
      continue; // prior-authorization rules decide whether PA is needed, not what to document
    }
    for (const OrderKind kind : kKinds) {
      if (!policy.handles(kind)) {
        continue;
      }
      std::vector<const Criterion*> questions;
      std::vector<const Criterion*> findings;
      for (const Criterion& criterion : policy.criteria) {
        if (decides(criterion, kind)) {
          (criterion.attestable ? questions : findings).push_back(&criterion);
        }
      }
      if (!questions.empty()) {
        out.push_back(generate(policy, kind, version, questions, findings));
      }
    }
  }
  return out;
}

} // namespace pumpcds::questionnaires
