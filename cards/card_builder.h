// Turns a Determination into the CDS Hooks response body: cards (one per pump order, plus a critical
// card per order with a contraindication on record), and CRD coverage-information system actions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cards/card_options.h"
#include "cards/card_settings.h"
#include "cards/suggestions.h"
#include "cards/uuid_source.h"
#include "policies/determination.h"

namespace pumpcds::cards {

/// Where the DTR app is (app/, served under /app/), for the link a card with items to attest carries.
struct AppLink {
  std::string url; ///< the app's launch page, e.g. https://pumpcds.example.org/app/launch.html
  /// A CDS Hooks `smart` link, which the EHR launches with SMART (its context in appContext); else an
  /// `absolute` link for an EHR without SMART, its context in the query (iss, patient, order, questionnaire).
  bool smart = true;
};

/// What a response is rendered with besides the Determination.
struct ResponseContext {
  /// Each draft order's JSON as sent ("Type/id" -> JSON): an order with a policy gets a Da Vinci CRD
  /// coverage-information systemAction updating it.
  const std::map<std::string, std::string>* order_json = nullptr;
  HookContext hook;
  CardOptions options;          ///< the request's davinci-crd.configuration
  const AppLink* app = nullptr; ///< none: cards link to no app
  std::string fhir_server;      ///< the request's fhirServer (an absolute link's iss)
};

/// The response body and how many cards it holds (counted as written, for the server's metrics).
/// A card as written: its uuid and the order it is about (the audit trail links feedback to both).
struct CardWritten {
  std::string uuid;
  std::string order;
};

struct RenderedResponse {
  std::string json;
  size_t cards = 0;
  std::vector<CardWritten> written;
};

/// The JSON response body {"cards": [...], "systemActions": [...]}. Absent optional fields are left out,
/// never null or empty.
/// `settings` gives the cards' words (templates), their override reasons and the suggestions they can offer.
RenderedResponse renderCdsResponse(const policy::Determination& determination, const CardSettings& settings,
                                   UuidSource& uuids, const ResponseContext& context = {});

} // namespace pumpcds::cards
