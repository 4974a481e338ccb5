// Evidence rule `order_is`: what the order being decided is (its kind, resource type or code). Always
// known, so it is true or false, never missing.
#include <algorithm>

#include "policies/determination.h"
#include "policies/rule_support.h"

namespace pumpcds::policy {

Outcome evaluateOrderIs(const Rule& rule, const RuleContext& context) {
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
          order.reference + " (" + order.code.code + ", " + std::string(toString(order.kind)) + ") " +
              (holds ? "is " : "is not ") + rule.looks_for};
}

} // namespace pumpcds::policy
