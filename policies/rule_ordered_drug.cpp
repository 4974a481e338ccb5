// Evidence rules about the drug ordered for the pump in the same request: `ordered_drug` (it is one of
// the listed drugs, by the listed route) and `allergy_to_ordered_drug` (an active allergy to it).
#include <set>

#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

// How a person names a drug order or an allergy: its words or its code, never its id.
std::string label(const fhir::Resource& resource) {
  return resource.text.empty() ? fhir::describe(resource.codes) : resource.text;
}

// Codes match when any coding of one equals any coding of the other, in comparable form.
bool sharesCode(const std::vector<fhir::Coding>& a, const std::vector<fhir::Coding>& b) {
  for (const auto& left : a) {
    for (const auto& right : b) {
      if (fhir::codingKey(left) == fhir::codingKey(right)) {
        return true;
      }
    }
  }
  return false;
}

// The ingredients `codes` name, through a map whose codes carry an `ingredient` property.
std::set<std::string> ingredientsOf(const std::vector<fhir::Coding>& codes, const ValueSet* map) {
  std::set<std::string> out;
  for (const auto& code : codes) {
    if (const CodeProperties* properties = map != nullptr ? map->properties(code) : nullptr) {
      if (std::string ingredient = properties->string("ingredient"); !ingredient.empty()) {
        out.insert(std::move(ingredient));
      }
    }
  }
  return out;
}

// An allergy to a drug's ingredient is an allergy to the drug, however each is coded (an allergy list in
// SNOMED CT substances, an order in RxNorm).
bool sameIngredient(const fhir::Resource& allergy, const fhir::Resource& order, const ValueSet* map) {
  if (sharesCode(allergy.codes, order.codes)) {
    return true;
  }
  const auto allergens = ingredientsOf(allergy.codes, map);
  for (const auto& ingredient : ingredientsOf(order.codes, map)) {
    if (allergens.count(ingredient) != 0) {
      return true;
    }
  }
  return false;
}

class OrderedDrugRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets;           ///< the drugs required
  std::vector<const ValueSet*> route_sets;           ///< the routes required
  std::vector<const ValueSet*> candidate_drug_sets;  ///< which orders are the pump drug
  std::vector<const ValueSet*> candidate_route_sets; ///< (default: value_sets and route_sets)
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& /*out*/) const override {} // the request's own drug orders
};

class AllergyToOrderedDrugRule final : public Rule {
public:
  std::vector<const ValueSet*> value_sets; ///< which draft orders are the pump drug (with route_sets)
  std::vector<const ValueSet*> route_sets;
  /// Drug and substance codes (RxNorm, HCPCS, SNOMED CT) -> `ingredient` name
  const ValueSet* ingredients = nullptr;
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& out) const override { out.insert("AllergyIntolerance"); }
};

Outcome OrderedDrugRule::evaluate(const RuleContext& context) const {
  const OrderedDrugRule& rule = *this;
  const bool own_candidates = !rule.candidate_drug_sets.empty() || !rule.candidate_route_sets.empty();
  const auto orders = own_candidates
                          ? pumpDrugOrders(context, rule.candidate_drug_sets, rule.candidate_route_sets)
                          : pumpDrugOrders(context, rule.value_sets, rule.route_sets);
  if (orders.empty()) {
    return {
        Truth::Unknown, {}, "no drug order for the pump in this request to check against " + rule.looks_for};
  }
  std::vector<std::string> others;
  for (const fhir::Resource* order : orders) {
    const bool drug_ok = rule.value_sets.empty() || inAny(rule.value_sets, order->codes);
    const bool route_ok = rule.route_sets.empty() || inAny(rule.route_sets, order->route);
    if (drug_ok && route_ok) {
      return {Truth::True, {order->reference()}, "ordered " + label(*order)};
    }
    if (drug_ok && order->route.empty()) {
      return {Truth::Unknown, {order->reference()}, label(*order) + " is ordered without a route"};
    }
    others.push_back(label(*order));
  }
  Outcome outcome{Truth::False, {}, "ordered " + joinWords(others) + ", which is not " + rule.looks_for};
  for (const fhir::Resource* order : orders) {
    outcome.evidence.push_back(order->reference());
  }
  return outcome;
}

Outcome AllergyToOrderedDrugRule::evaluate(const RuleContext& context) const {
  const AllergyToOrderedDrugRule& rule = *this;
  const auto orders = pumpDrugOrders(context, rule.value_sets, rule.route_sets);
  if (orders.empty()) {
    return {Truth::Unknown,
            {},
            "no drug order for the pump in this request, so " + rule.looks_for + " cannot be checked"};
  }
  for (const auto& allergy : context.record.ofType("AllergyIntolerance")) {
    if (!counts(allergy, context.as_of)) {
      continue;
    }
    for (const fhir::Resource* order : orders) {
      if (sameIngredient(allergy, *order, rule.ingredients)) {
        return {Truth::True,
                {allergy.reference(), order->reference()},
                "allergy " + label(allergy) + " to the ordered " + label(*order)};
      }
    }
  }
  return notFound(context.record, {"AllergyIntolerance"}, rule.looks_for);
}

RulePtr readOrderedDrug(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at, {"value_sets", "routes", "candidates", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<OrderedDrugRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, false);
  rule->route_sets = reader.valueSets(body, "routes", at, false);
  if (const fhir::JsonValue* candidates = fhir::member(body, "candidates")) {
    const std::string where = at + "/candidates";
    if (in.checkObject(candidates, where, {"value_sets", "routes"})) {
      rule->candidate_drug_sets = reader.valueSets(*candidates, "value_sets", where, false);
      rule->candidate_route_sets = reader.valueSets(*candidates, "routes", where, false);
    }
  }
  if (rule->value_sets.empty() && rule->route_sets.empty()) {
    in.fail(at, "give value_sets (the drugs required) or routes (the routes required)");
  }
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

RulePtr readAllergyToOrderedDrug(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  if (!reader.file().checkObject(&body, at, {"value_sets", "routes", "ingredients", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<AllergyToOrderedDrugRule>();
  rule->value_sets = reader.valueSets(body, "value_sets", at, true);
  rule->route_sets = reader.valueSets(body, "routes", at, false);
  rule->ingredients = reader.valueSet(body, "ingredients", at);
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

} // namespace

const RuleKind kOrderedDrugKind{"ordered_drug", readOrderedDrug};
const RuleKind kAllergyToOrderedDrugKind{"allergy_to_ordered_drug", readAllergyToOrderedDrug};

} // namespace pumpcds::policy
