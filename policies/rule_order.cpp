// Evidence rule `order_is`: what the order being decided is (its kind, resource type or code). Always
// known, so it is true or false, never missing.
#include <algorithm>

#include "policies/determination.h"
#include "policies/rule_kinds.h"

namespace pumpcds::policy {
namespace {

class OrderIsRule final : public Rule {
public:
  std::vector<OrderKind> order_kinds;
  std::vector<std::string> types; ///< resource types of the order (ServiceRequest, DeviceRequest)
  std::vector<const ValueSet*> value_sets;
  std::string looks_for;

  Outcome evaluate(const RuleContext& context) const override;
  void addReadTypes(std::set<std::string>& /*out*/) const override {} // the request's own order
};

Outcome OrderIsRule::evaluate(const RuleContext& context) const {
  const OrderIsRule& rule = *this;
  if (context.order == nullptr) {
    return {Truth::Unknown, {}, "no order to check"};
  }
  const PumpOrder& order = *context.order;
  const bool kind_ok = rule.order_kinds.empty() || std::find(rule.order_kinds.begin(), rule.order_kinds.end(),
                                                             order.kind) != rule.order_kinds.end();
  const bool type_ok = rule.types.empty() || std::find(rule.types.begin(), rule.types.end(),
                                                       order.resource_type) != rule.types.end();
  const bool code_ok = rule.value_sets.empty() || inAny(rule.value_sets, order.codes);
  const bool holds = kind_ok && type_ok && code_ok;
  return {holds ? Truth::True : Truth::False,
          {order.reference},
          "the order (" + order.code.code + ", " + std::string(toString(order.kind)) + ") " +
              (holds ? "is " : "is not ") + rule.looks_for};
}

RulePtr readOrderIs(RuleReader& reader, const fhir::JsonValue& body, const std::string& at) {
  FileReader& in = reader.file();
  if (!in.checkObject(&body, at, {"kinds", "types", "value_sets", "looks_for"})) {
    return nullptr;
  }
  auto rule = std::make_shared<OrderIsRule>();
  in.enumList(body, "kinds", at, parseOrderKind, rule->order_kinds);
  rule->types = in.stringList(body, "types", at, false);
  rule->value_sets = reader.valueSets(body, "value_sets", at, false);
  if (rule->order_kinds.empty() && rule->types.empty() && rule->value_sets.empty()) {
    in.fail(at, "give kinds, types or value_sets");
  }
  rule->looks_for = reader.looksFor(body, at);
  return rule;
}

} // namespace

const RuleKind kOrderIsKind{"order_is", readOrderIs};

} // namespace pumpcds::policy
