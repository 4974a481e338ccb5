#include <httplib.h>

#include "auth/jwt_verifier.h"
#include "questionnaires/questionnaire_catalog.h"
#include "questionnaires/questionnaire_package.h"
#include "questionnaires/questionnaire_populate.h"
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

// SDC $populate for the DTR app. The app holds no CDS Hooks JWT: it presents the EHR's SMART access token,
// which pumpcds sends only to the fhirServer named (which must pass --fhir-server-allow) to read the record,
// as a hook's fhirAuthorization is. The EHR's FHIR server judges the token; the answer holds only what that
// token can read there, and the payer's policy. Open (--allow-unauthenticated): an open FHIR server and no
// token work, as in the CDS Hooks sandbox.
void populate(RouteContext& routes, const httplib::Request& request, httplib::Response& response,
              const std::string& questionnaire_id) {
  const std::string token(
      auth::bearerToken(request.get_header_value("Authorization")).value_or(std::string_view()));
  if (!routes.authorizer.open()) {
    if (token.empty()) {
      sendError(response, {StatusCode::Unauthenticated,
                           "$populate: present the EHR's access token (Authorization: Bearer), which pumpcds "
                           "sends to the fhirServer named to read the patient's record"});
      return;
    }
    if (!routes.config.fhir_servers_listed) {
      sendError(response,
                {StatusCode::FailedPrecondition,
                 "$populate: this service takes an app's access token only when --fhir-server-allow "
                 "names the EHR FHIR servers it may be sent to"});
      return;
    }
  }
  auto parsed = questionnaires::parsePopulateRequest(request.body, questionnaire_id);
  if (!parsed.isOk()) {
    sendError(response, parsed.status());
    return;
  }
  auto evaluated =
      routes.service.handle("pumpcds-order-sign", questionnaires::populateHookRequest(parsed.value(), token));
  if (!evaluated.isOk()) {
    sendError(response, evaluated.status());
    return;
  }
  auto filled = questionnaires::populatedResponse(*evaluated.value().library, parsed.value(),
                                                  evaluated.value().determination, fhir::Date::today());
  if (!filled.isOk()) {
    sendError(response, filled.status());
    return;
  }
  response.set_content(filled.value(), kFhirJson);
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
  server.Post(R"(/fhir/Questionnaire/\$populate)",
              [&routes](const httplib::Request& request, httplib::Response& response) {
                populate(routes, request, response, {});
              });
  server.Post(R"(/fhir/Questionnaire/([A-Za-z0-9.\-]{1,64})/\$populate)",
              [&routes](const httplib::Request& request, httplib::Response& response) {
                populate(routes, request, response, request.matches[1]);
              });
}

} // namespace pumpcds::server
