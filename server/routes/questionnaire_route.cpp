#include <httplib.h>

#include "questionnaires/questionnaire_catalog.h"
#include "questionnaires/questionnaire_package.h"
#include "server/operation_outcome.h"
#include "server/routes/routes.h"

namespace pumpcds::server {
namespace {

constexpr const char* kFhirJson = "application/fhir+json";

// This service's FHIR base as the caller addressed it, for a Bundle's fullUrls; "" when the Host header is
// not a plain host[:port].
std::string fhirBase(const httplib::Request& request, bool tls) {
  const std::string host = request.get_header_value("Host");
  if (host.empty() || host.size() > 255 ||
      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
          std::string::npos) {
    return {};
  }
  return (tls ? "https://" : "http://") + host + "/fhir";
}

} // namespace

void installQuestionnaireRoutes(httplib::Server& server, RouteContext& routes) {
  // Questionnaires hold the payer's rules, no patient data: they are read as discovery is, open unless
  // --protect-discovery asks for the hooks' token.
  const auto allowed = [&routes](const httplib::Request& request, httplib::Response& response) {
    return !routes.config.protect_discovery ||
           routes.authorizer.authorize(request, response, routes.calls.find(request));
  };
  server.Get(R"(/fhir/Questionnaire/([^/]+))",
             [&routes, allowed](const httplib::Request& request, httplib::Response& response) {
               if (!allowed(request, response)) {
                 return;
               }
               if (request.matches[1].str().rfind('$', 0) == 0) { // an operation, not an id
                 sendMethodNotAllowed(request, response);
                 return;
               }
               auto read = questionnaires::readQuestionnaire(*routes.service.library(), request.matches[1]);
               if (!read.isOk()) {
                 sendError(response, read.status());
                 return;
               }
               response.set_content(read.value(), kFhirJson);
             });
  server.Get("/fhir/Questionnaire", [&routes, allowed](const httplib::Request& request,
                                                       httplib::Response& response) {
    if (!allowed(request, response)) {
      return;
    }
    std::vector<std::pair<std::string, std::string>> parameters(request.params.begin(), request.params.end());
    auto found = questionnaires::searchQuestionnaires(*routes.service.library(), parameters,
                                                      fhirBase(request, !routes.config.tls_cert.empty()));
    if (!found.isOk()) {
      sendError(response, found.status());
      return;
    }
    response.set_content(found.value(), kFhirJson);
  });
  // The package is sent the member's Coverage and orders, so it takes the caller's token as a hook does.
  server.Post(R"(/fhir/Questionnaire/\$questionnaire-package)",
              [&routes](const httplib::Request& request, httplib::Response& response) {
                if (!routes.authorizer.authorize(request, response, routes.calls.find(request))) {
                  return;
                }
                auto package = questionnaires::questionnairePackage(*routes.service.library(), request.body,
                                                                    fhir::Date::today());
                if (!package.isOk()) {
                  sendError(response, package.status());
                  return;
                }
                response.set_content(package.value(), kFhirJson);
              });
}

} // namespace pumpcds::server
