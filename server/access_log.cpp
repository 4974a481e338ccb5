#include "server/access_log.h"

#include <httplib.h>

#include "base/text.h"
#include "fhir/json_write.h"

namespace pumpcds::server {

std::string accessLogLine(const httplib::Request& request, const httplib::Response& response,
                          const RequestContext* context) {
  rapidjson::StringBuffer buffer;
  fhir::JsonWriter line(buffer);
  const auto text = [&line](const char* key, const std::string& value) {
    line.Key(key);
    fhir::writeString(line, value);
  };
  const auto list = [&line](const char* key, const std::vector<std::string>& values) {
    line.Key(key);
    line.StartArray();
    for (const auto& value : values) {
      fhir::writeString(line, value);
    }
    line.EndArray();
  };
  line.StartObject();
  text("requestId", context != nullptr ? context->request_id : "");
  text("method", base::printable(request.method, 16));
  text("path", base::printable(request.path, 200));
  line.Key("status");
  line.Int(response.status);
  line.Key("bytes");
  line.Uint64(response.body.size());
  line.Key("ms");
  double ms = 0;
  if (context != nullptr) {
    ms = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - context->started)
                                 .count()) /
         1000.0;
  }
  line.Double(ms);
  if (context != nullptr && !context->service.empty()) {
    text("service", context->service);
    list("policies", context->policies);
    list("decisions", context->decisions);
    line.Key("fhirRequests");
    line.Int64(context->fhir_requests);
    line.Key("fhirMs");
    line.Double(static_cast<double>(context->fhir_micros) / 1000.0);
  }
  line.EndObject();
  return buffer.GetString();
}

} // namespace pumpcds::server
