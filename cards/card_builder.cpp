#include "cards/card_builder.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/text.h"
#include "cards/card_text.h"
#include "cards/coverage_information.h"
#include "fhir/json_write.h"

namespace pumpcds::cards {
namespace {

using Writer = fhir::JsonWriter;

constexpr const char* kCardTypeSystem = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type";

struct CardContent {
  CardContent(std::string summary_text, std::string detail_text, const char* indicator_code,
              const std::vector<fhir::Coding>* reasons = nullptr)
      : summary(std::move(summary_text)), detail(std::move(detail_text)), indicator(indicator_code),
        override_reasons(reasons) {}

  std::string summary;
  std::string detail;
  const char* indicator;
  /// The reasons a clinician may give for dismissing it: offered only by a card that asks for something.
  const std::vector<fhir::Coding>* override_reasons;
  /// Orders that close its gaps, as CDS Hooks suggestion JSON.
  std::vector<std::string> suggestions;
  /// A link to the DTR app, as CDS Hooks link JSON; "" for none.
  std::string app_link;
};

const policy::Policy* sourcePolicy(const policy::OrderDetermination& order) {
  return order.policy != nullptr ? order.policy : order.prior_auth_policy;
}

void writeSource(Writer& out, const policy::OrderDetermination& order) {
  out.Key("source");
  out.StartObject();
  out.Key("label");
  if (const policy::Policy* policy = sourcePolicy(order)) {
    out.String(policy->publisher + ": " + policy->title + ", effective " +
               policy->effective_start.toString());
    out.Key("url");
    out.String(policy->url);
  } else {
    out.String("pumpcds coverage requirements");
  }
  out.Key("topic");
  fhir::writeCoding(out, {std::string(kCardTypeSystem), "coverage-info", "Coverage Information"});
  out.EndObject();
}

std::string writeCard(Writer& out, const policy::OrderDetermination& order, const CardContent& content,
                      UuidSource& uuids) {
  std::string uuid = uuids.next();
  out.StartObject();
  out.Key("uuid");
  out.String(uuid);
  out.Key("summary");
  out.String(content.summary);
  out.Key("indicator");
  out.String(content.indicator);
  out.Key("detail");
  out.String(content.detail);
  if (content.override_reasons != nullptr && !content.override_reasons->empty()) {
    out.Key("overrideReasons");
    out.StartArray();
    for (const auto& reason : *content.override_reasons) {
      fhir::writeCoding(out, reason);
    }
    out.EndArray();
  }
  if (!content.suggestions.empty()) {
    out.Key("suggestions");
    out.StartArray();
    for (const auto& suggestion : content.suggestions) {
      out.RawValue(suggestion.c_str(), suggestion.size(), rapidjson::kObjectType);
    }
    out.EndArray();
    out.Key("selectionBehavior");
    out.String("any"); // each closes a different gap: the clinician may accept several
  }
  writeSource(out, order);
  if (const policy::Policy* policy = sourcePolicy(order)) {
    out.Key("links");
    out.StartArray();
    if (!content.app_link.empty()) {
      out.RawValue(content.app_link.c_str(), content.app_link.size(), rapidjson::kObjectType);
    }
    out.StartObject();
    out.Key("label");
    out.String("Read " + policy->citation);
    out.Key("url");
    out.String(policy->url);
    out.Key("type");
    out.String("absolute");
    out.EndObject();
    out.EndArray();
  }
  // Da Vinci CRD: which order the card is about.
  out.Key("extension");
  out.StartObject();
  out.Key("davinci-crd.associated-resource");
  out.StartArray();
  out.StartObject();
  out.Key("reference");
  out.String(order.order.reference);
  out.EndObject();
  out.EndArray();
  out.EndObject();
  out.EndObject();
  return uuid;
}

const char* indicatorFor(const policy::OrderDetermination& order) {
  if (order.policy == nullptr) { // only prior-authorization rules applied
    const bool nothing_to_do =
        order.prior_auth == policy::PriorAuth::Exempt || order.prior_auth == policy::PriorAuth::NotRequired;
    return nothing_to_do ? "info" : "warning";
  }
  switch (order.decision) {
  case policy::Decision::Complete:
    return "info";
  case policy::Decision::MissingDocumentation:
  case policy::Decision::NotCovered:
  case policy::Decision::Contraindicated:
  case policy::Decision::NoPolicy:
    return "warning";
  }
  return "warning";
}

// The link to the DTR app for an order with `items` to attest. A smart link's appContext carries what CRD
// and DTR name (the questionnaire, the order, the coverage and its coverage-assertion-id) and the draft
// orders themselves, which an EHR may not have stored yet when the app opens; an absolute link carries the
// references in its query.
std::string appLinkJson(const AppLink& app, const policy::OrderDetermination& order, size_t items,
                        const std::string& assertion_id, const ResponseContext& context) {
  const std::string questionnaire = policy::questionnaireCanonical(*order.policy, order.order.kind);
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("label");
  out.String("Complete the documentation: " + std::to_string(items) + (items == 1 ? " item" : " items"));
  out.Key("type");
  if (app.smart) {
    out.String("smart");
    out.Key("url");
    out.String(app.url);
    rapidjson::StringBuffer app_context;
    Writer inner(app_context);
    inner.StartObject();
    inner.Key("questionnaire");
    inner.StartArray();
    inner.String(questionnaire);
    inner.EndArray();
    inner.Key("order");
    inner.StartArray();
    inner.String(order.order.reference);
    inner.EndArray();
    if (!order.coverage.empty()) {
      inner.Key("coverage");
      inner.String(order.coverage);
    }
    inner.Key("coverage-assertion-id");
    inner.String(assertion_id);
    inner.Key("patient");
    inner.String(context.hook.patient_id);
    if (context.order_json != nullptr) {
      inner.Key("draftOrders");
      inner.StartArray();
      for (const auto& [reference, json] : *context.order_json) {
        inner.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
      }
      inner.EndArray();
    }
    inner.EndObject();
    out.Key("appContext");
    out.String(app_context.GetString(), app_context.GetSize());
  } else {
    out.String("absolute");
    out.Key("url");
    // Every draft order of the request (the pump and its drug), which the app reads from the EHR.
    std::string orders = "&order=" + base::percentEncoded(order.order.reference);
    if (context.order_json != nullptr) {
      for (const auto& [reference, json] : *context.order_json) {
        if (reference != order.order.reference) {
          orders += "&order=" + base::percentEncoded(reference);
        }
      }
    }
    out.String(app.url + (app.url.find('?') == std::string::npos ? "?" : "&") +
               "iss=" + base::percentEncoded(context.fhir_server) +
               "&patient=" + base::percentEncoded(context.hook.patient_id) + orders +
               "&questionnaire=" + base::percentEncoded(questionnaire));
  }
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace

RenderedResponse renderCdsResponse(const policy::Determination& determination, const CardSettings& settings,
                                   UuidSource& uuids, const ResponseContext& context) {
  const CardTemplates& text = settings.text;
  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  std::vector<CardWritten> written;
  // One coverage-assertion-id per order, shared by its card's app link and its coverage-information.
  std::map<std::string, std::string> assertion_ids;
  const auto assertionId = [&](const policy::OrderDetermination& order) -> const std::string& {
    auto& id = assertion_ids[order.order.reference];
    if (id.empty()) {
      id = newAssertionId(uuids);
    }
    return id;
  };
  const auto emitCard = [&](const policy::OrderDetermination& order, const CardContent& content) {
    written.push_back({writeCard(out, order, content, uuids), order.order.reference});
  };
  out.StartObject();
  out.Key("cards");
  out.StartArray();
  for (const auto& order : determination.orders) {
    if (order.patient_deceased) {
      emitCard(order, {deceasedSummary(text, order), deceasedDetail(text, order), "warning"});
      continue;
    }
    if (sourcePolicy(order) == nullptr) {
      emitCard(order, {noPolicySummary(text, order), noPolicyDetail(text, order), "info"});
      continue;
    }
    if (order.decision == policy::Decision::Contraindicated) {
      emitCard(order, {contraindicationSummary(text, order), contraindicationDetail(text, order), "critical",
                       &settings.override_reasons});
    }
    const char* indicator = indicatorFor(order);
    CardContent documentation{documentationSummary(text, order),
                              documentationDetail(text, order, context.options.detail_level), indicator,
                              std::string_view(indicator) == "info" ? nullptr : &settings.override_reasons};
    for (const auto& offered : suggestionsFor(order, settings, context.options)) {
      documentation.suggestions.push_back(suggestionJson(offered, order, context.hook, uuids.next()));
    }
    if (const size_t items = policy::itemsToAttest(order);
        context.app != nullptr && items > 0 && order.policy != nullptr) {
      documentation.app_link = appLinkJson(*context.app, order, items, assertionId(order), context);
    }
    emitCard(order, documentation);
    if (order.fee_estimate) {
      emitCard(order, {feeSummary(text, order), feeDetail(text, order), "info"});
    }
  }
  out.EndArray();
  bool actions = false;
  for (const auto& order : determination.orders) {
    if (context.order_json == nullptr) {
      break;
    }
    const auto json = context.order_json->find(order.order.reference);
    if (json == context.order_json->end() || order.patient_deceased) {
      continue; // no coverage assertion for a patient the record shows as deceased
    }
    const auto updated = orderWithCoverageInformation(order, json->second, assertionId(order));
    if (!updated) {
      continue;
    }
    if (!actions) {
      out.Key("systemActions");
      out.StartArray();
      actions = true;
    }
    out.StartObject();
    out.Key("type");
    out.String("update");
    out.Key("description");
    out.String("Add coverage information to " + order.order.reference);
    out.Key("resource");
    out.RawValue(updated->c_str(), updated->size(), rapidjson::kObjectType);
    out.EndObject();
  }
  if (actions) {
    out.EndArray();
  }
  out.EndObject();
  const size_t card_count = written.size();
  return {std::string(buffer.GetString(), buffer.GetSize()), card_count, std::move(written)};
}

} // namespace pumpcds::cards
