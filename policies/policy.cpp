#include "policies/policy.h"

#include <algorithm>

namespace pumpcds::policy {

std::string_view toString(OrderKind kind) {
  switch (kind) {
  case OrderKind::Trial:
    return "trial";
  case OrderKind::Permanent:
    return "permanent";
  case OrderKind::Maintenance:
    return "maintenance";
  case OrderKind::Removal:
    return "removal";
  }
  return "trial";
}

std::optional<OrderKind> parseOrderKind(std::string_view text) {
  for (OrderKind kind :
       {OrderKind::Trial, OrderKind::Permanent, OrderKind::Maintenance, OrderKind::Removal}) {
    if (toString(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string_view toString(Origin origin) {
  switch (origin) {
  case Origin::Malignant:
    return "malignant";
  case Origin::NonMalignant:
    return "non-malignant";
  case Origin::Unknown:
    return "unknown";
  }
  return "unknown";
}

std::optional<Origin> parseOrigin(std::string_view text) {
  for (Origin origin : {Origin::Malignant, Origin::NonMalignant, Origin::Unknown}) {
    if (toString(origin) == text) {
      return origin;
    }
  }
  return std::nullopt;
}

bool Criterion::appliesTo(OrderKind kind, Origin origin) const {
  // An unknown origin is reported on the non-malignant path, which asks for more.
  const Origin path = origin == Origin::Unknown ? Origin::NonMalignant : origin;
  const bool kind_ok = kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  const bool origin_ok = origins.empty() || std::find(origins.begin(), origins.end(), path) != origins.end();
  return kind_ok && origin_ok;
}

bool Policy::inForce(const fhir::Date& date) const {
  return effective_start <= date && (!effective_end || date <= *effective_end);
}

bool Policy::handles(OrderKind kind) const {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::string questionnaireId(const Policy& policy, OrderKind kind) {
  return policy.id + "-" + std::string(toString(kind));
}

std::string questionnaireCanonical(const Policy& policy, OrderKind kind) {
  return std::string(kQuestionnaireCanonicalBase) + questionnaireId(policy, kind);
}

bool isQuestionnaireOf(const Policy& policy, std::string_view canonical) {
  const std::string_view url = canonical.substr(0, canonical.find('|'));
  return std::any_of(policy.kinds.begin(), policy.kinds.end(),
                     [&](OrderKind kind) { return url == questionnaireCanonical(policy, kind); });
}

} // namespace pumpcds::policy
