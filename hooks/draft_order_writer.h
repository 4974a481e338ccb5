// Writing draft orders for hook requests that pumpcds makes itself (`pumpcds check`, the policy case
// runner): one shape for both, so a pre-check and a policy case send what an EHR sends.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pumpcds::hooks {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Opens a draftOrders entry and its resource: {"resource": {"resourceType": type, "id": id,
/// "status": "draft", "intent": "order", "subject" (when patient_id is not empty), "authoredOn"}. The caller
/// writes the order's own members, then closeDraftOrder().
void openDraftOrder(JsonWriter& out, std::string_view type, const std::string& id,
                    const std::string& patient_id, const std::string& authored);
void closeDraftOrder(JsonWriter& out);

/// "key": {"coding": [{"system", "code"}]} (no coding when code is empty), with "text" when given.
void writeCodeableConcept(JsonWriter& out, std::string_view key, std::string_view system,
                          std::string_view code, std::string_view text = {});

/// SNOMED CT 72607000 "Intrathecal route", how an EHR codes the route of a pump drug.
inline constexpr std::string_view kIntrathecalRoute = "72607000";

} // namespace pumpcds::hooks
