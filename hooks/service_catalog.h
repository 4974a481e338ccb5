// The CDS services pumpcds offers and its discovery document.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cards/card_options.h"
#include "fhir/prefetch_templates.h"

namespace pumpcds::hooks {

struct ServiceDefinition {
  std::string id;
  std::string hook;
  std::string title;
  std::string description;
};

/// order-sign (the decision at signing) and order-select (the same check while the order is composed).
const std::vector<ServiceDefinition>& services();
const ServiceDefinition* findService(std::string_view id);

/// GET /cds-services: each service with the prefetch templates of fhir/prefetch_templates.h that `mode`
/// advertises for a library whose policies read `read_types`, and the Da Vinci CRD configuration options
/// a request may set.
std::string discoveryJson(fhir::PrefetchMode mode, const std::set<std::string>& read_types,
                          const std::vector<cards::ConfigurationOption>& options);

} // namespace pumpcds::hooks
