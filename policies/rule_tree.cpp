// The combinators `all`, `any`, `first_known` and `not`: trees of other rules under four-valued logic.
#include "policies/rule_kinds.h"

#include <algorithm>

namespace pumpcds::policy {
namespace {

// Precedence for `all`: one False decides; else an Unknown; else an Absent; else True.
int allRank(Truth truth) {
  switch (truth) {
  case Truth::False:
    return 3;
  case Truth::Unknown:
    return 2;
  case Truth::Absent:
    return 1;
  case Truth::True:
    return 0;
  }
  return 2;
}

// Precedence for `any`: one True decides; else an Unknown; else an Absent; else False.
int anyRank(Truth truth) {
  switch (truth) {
  case Truth::True:
    return 3;
  case Truth::Unknown:
    return 2;
  case Truth::Absent:
    return 1;
  case Truth::False:
    return 0;
  }
  return 2;
}

void append(std::string& notes, const std::string& note) {
  if (note.empty()) {
    return;
  }
  if (!notes.empty()) {
    notes += "; ";
  }
  notes += note;
}

Outcome combine(std::vector<Outcome> outcomes, int (*rank)(Truth)) {
  Truth decided = rank == allRank ? Truth::True : Truth::False;
  for (const auto& outcome : outcomes) {
    if (rank(outcome.truth) > rank(decided)) {
      decided = outcome.truth;
    }
  }
  // Report the evidence and notes of the children that agree with the result; when it is unknown, also
  // those that looked and found nothing, since together they say what is missing.
  Outcome combined{decided, {}, {}};
  for (auto& outcome : outcomes) {
    if (outcome.truth == decided || (decided == Truth::Unknown && outcome.truth == Truth::Absent)) {
      combined.evidence.insert(combined.evidence.end(), outcome.evidence.begin(), outcome.evidence.end());
      append(combined.note, outcome.note);
    }
  }
  return combined;
}

enum class Combinator { All, Any, FirstKnown };

class TreeRule final : public Rule {
public:
  TreeRule(Combinator combinator, std::vector<RulePtr> children)
      : combinator_(combinator), children_(std::move(children)) {}

  Outcome evaluate(const RuleContext& context) const override {
    std::vector<Outcome> outcomes;
    outcomes.reserve(children_.size());
    for (const auto& child : children_) {
      outcomes.push_back(child->evaluate(context));
    }
    switch (combinator_) {
    case Combinator::All:
      return combine(std::move(outcomes), allRank);
    case Combinator::Any:
      return combine(std::move(outcomes), anyRank);
    case Combinator::FirstKnown:
      // Coded data that shows the answer either way wins over what only an attestation could add.
      for (auto& outcome : outcomes) {
        if (outcome.truth == Truth::True || outcome.truth == Truth::False) {
          return std::move(outcome);
        }
      }
      return combine(std::move(outcomes), anyRank);
    }
    return {Truth::Unknown, {}, "unsupported combinator"};
  }

  void addReadTypes(std::set<std::string>& types) const override {
    for (const auto& child : children_) {
      child->addReadTypes(types);
    }
  }

  bool codedDataCanShow() const override {
    return std::any_of(children_.begin(), children_.end(),
                       [](const RulePtr& child) { return child->codedDataCanShow(); });
  }

private:
  Combinator combinator_;
  std::vector<RulePtr> children_;
};

class NotRule final : public Rule {
public:
  explicit NotRule(RulePtr child) : child_(std::move(child)) {}

  Outcome evaluate(const RuleContext& context) const override {
    Outcome inner = child_->evaluate(context);
    switch (inner.truth) {
    case Truth::True:
      inner.truth = Truth::False;
      break;
    case Truth::False:
    case Truth::Absent: // looked for in data that was read, and not there: "no X" holds
      inner.truth = Truth::True;
      break;
    case Truth::Unknown:
      break;
    }
    return inner;
  }

  void addReadTypes(std::set<std::string>& types) const override { child_->addReadTypes(types); }
  bool codedDataCanShow() const override { return child_->codedDataCanShow(); }

private:
  RulePtr child_;
};

template <Combinator kCombinator>
RulePtr readTree(RuleReader& reader, const fhir::JsonValue& body, const std::string& pointer) {
  if (!body.IsArray() || body.Empty()) {
    reader.file().fail(pointer, "expected a non-empty list of rules");
    return nullptr;
  }
  std::vector<RulePtr> children;
  bool complete = true;
  for (rapidjson::SizeType i = 0; i < body.Size(); ++i) {
    children.push_back(reader.read(&body[i], pointer + "/" + std::to_string(i)));
    complete = complete && children.back() != nullptr;
  }
  return complete ? std::make_shared<TreeRule>(kCombinator, std::move(children)) : nullptr;
}

RulePtr readNot(RuleReader& reader, const fhir::JsonValue& body, const std::string& pointer) {
  RulePtr child = reader.read(&body, pointer);
  return child ? std::make_shared<NotRule>(std::move(child)) : nullptr;
}

} // namespace

const RuleKind kAllKind{"all", readTree<Combinator::All>};
const RuleKind kAnyKind{"any", readTree<Combinator::Any>};
const RuleKind kFirstKnownKind{"first_known", readTree<Combinator::FirstKnown>};
const RuleKind kNotKind{"not", readNot};

} // namespace pumpcds::policy
