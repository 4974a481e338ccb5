#include "fhir/record_fetcher.h"

#include <algorithm>
#include <set>

#include <rapidjson/document.h>

#include "fhir/json_read.h"
#include "fhir/prefetch_templates.h"
#include "fhir/resource_parser.h"

namespace pumpcds::fhir {
namespace {

// Parameters that narrow or shape a search without deciding whose data it is; a server may reject them.
bool isOptionalParameter(std::string_view name) {
  return name == "_include" || name == "status" || name == "_count";
}

// Parameters whose absence from the self link says the server did not apply a filter we rely on.
bool isPatientParameter(std::string_view name) {
  return name == "patient" || name == "subject" || name == "beneficiary";
}

std::vector<std::pair<std::string, std::string>> queryParameters(std::string_view url) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto question = url.find('?');
  if (question == std::string_view::npos) {
    return out;
  }
  std::string_view rest = url.substr(question + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto equals = pair.find('=');
    std::string name(pair.substr(0, equals));
    name = name.substr(0, name.find(':')); // code:in is the parameter code
    out.emplace_back(std::move(name),
                     equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
    if (amp == std::string_view::npos) {
      break;
    }
    rest = rest.substr(amp + 1);
  }
  return out;
}

std::string withoutOptionalParameters(const std::string& query) {
  const auto question = query.find('?');
  if (question == std::string::npos) {
    return query;
  }
  std::string out = query.substr(0, question);
  char separator = '?';
  std::string_view rest = std::string_view(query).substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::string_view name = pair.substr(0, std::min(pair.find('='), pair.find(':')));
    if (!isOptionalParameter(name)) {
      out += separator;
      out += pair;
      separator = '&';
    }
    if (amp == std::string_view::npos) {
      break;
    }
    rest = rest.substr(amp + 1);
  }
  return out;
}

// Why an answer gives nothing usable, or "" when it is a 200 with a JSON object (parsed into `document`);
// `cause` names the kind of failure for metrics.
std::string answerProblem(const HttpAnswer& answer, const std::chrono::milliseconds deadline,
                          rapidjson::Document& document, FetchStats& stats, std::string& cause) {
  if (answer.status == 0) {
    cause = answer.timed_out ? "timeout" : "unreachable";
    if (answer.timed_out) {
      return "the FHIR server did not answer within the " + std::to_string(deadline.count()) +
             " ms allowed for reading the record";
    }
    return "the FHIR server could not be reached (" + answer.error + ")";
  }
  constexpr int kMaxNesting = 256;
  const bool parsed = !nestsDeeperThan(answer.body, kMaxNesting) &&
                      !document.Parse(answer.body.data(), answer.body.size()).HasParseError() &&
                      document.IsObject();
  if (answer.status == 401 || answer.status == 403) {
    cause = "unauthorized";
    stats.unauthorized = true;
    return "the FHIR server refused the access token (HTTP " + std::to_string(answer.status) + ")";
  }
  if (answer.status != 200) {
    cause = "http_error";
    std::string text = "the FHIR server answered HTTP " + std::to_string(answer.status);
    if (parsed && stringAt(&document, "resourceType") == "OperationOutcome") {
      text += ": " + operationOutcomeText(document);
    }
    return text;
  }
  if (!parsed) {
    cause = "not_fhir";
    return "the FHIR server's answer was not valid FHIR JSON";
  }
  if (stringAt(&document, "resourceType") == "OperationOutcome") {
    cause = "operation_outcome";
    return "the FHIR server answered with an error: " + operationOutcomeText(document);
  }
  return {};
}

struct Search {
  std::string type;
  std::string query; // relative, e.g. Condition?patient=1
  bool retried = false;
  int pages = 0;
  std::vector<Resource> resources;
  std::set<std::string> match_types;
  std::string failure;
  std::string cause; ///< of the failure, for metrics
  bool complete = false;
};

} // namespace

void FetchStats::add(const FetchStats& part) {
  requests += part.requests;
  failures += part.failures;
  answered += part.answered;
  unauthorized = unauthorized || part.unauthorized;
  for (const auto& [cause, count] : part.failure_causes) {
    failure_causes[cause] += count;
  }
}

FetchStats fetchTypes(const FhirClient& client, const FhirEndpoint& endpoint, const std::string& patient_id,
                      const std::vector<std::string>& types, std::chrono::steady_clock::time_point deadline,
                      PatientRecord& record) {
  FetchStats stats;
  const FhirClientSettings& settings = client.settings();
  const std::string origin = urlOrigin(endpoint.base);
  std::vector<Search> searches;
  for (const auto& type : types) {
    if (const PrefetchTemplate* found = templateForType(type)) {
      Search search;
      search.type = type;
      search.query = expandQuery(found->query, patient_id);
      searches.push_back(std::move(search));
    }
  }
  std::vector<HttpGet> gets;
  for (size_t i = 0; i < searches.size(); ++i) {
    gets.push_back({joinUrl(endpoint.base, searches[i].query), i});
  }
  const auto on_answer = [&](const HttpGet& get, HttpAnswer&& answer, std::vector<HttpGet>& more) {
    ++stats.requests;
    Search& search = searches.at(get.tag);
    rapidjson::Document document;
    std::string problem = answerProblem(answer, settings.deadline, document, stats, search.cause);
    const std::string plain = withoutOptionalParameters(search.query);
    if (answer.status == 400 && !search.retried && search.pages == 0 && plain != search.query) {
      search.retried = true; // a strict server that rejects _include or status: ask again without them
      search.query = plain;
      more.push_back({joinUrl(endpoint.base, plain), get.tag});
      return;
    }
    ++search.pages;
    if (problem.empty() && search.type == "Patient") {
      if (auto patient = parseResource(document); patient && patient->type == "Patient") {
        search.resources.push_back(std::move(*patient));
        search.match_types.insert("Patient");
        search.complete = true;
        return;
      }
      problem = "the FHIR server's answer was not a Patient";
      search.cause = "not_fhir";
    }
    if (problem.empty() && stringAt(&document, "resourceType") != "Bundle") {
      problem = "the FHIR server's answer was not a search Bundle";
      search.cause = "not_fhir";
    }
    if (!problem.empty()) {
      search.failure = std::move(problem);
      return;
    }
    std::vector<std::string> problems;
    const SearchPage page = readSearchPage(document, search.resources, search.match_types, problems);
    if (search.pages == 1 && !page.self.empty()) {
      // A server drops a search parameter it does not know and says so in its self link; without the
      // patient filter the answer is everyone's data and must not be read as this patient's.
      const auto applied = queryParameters(page.self);
      for (const auto& sent : queryParameters(search.query)) {
        const std::string& name = sent.first;
        // A server may name the patient filter its own way in the self link (subject=Patient/1).
        const bool kept = std::any_of(applied.begin(), applied.end(), [&name](const auto& parameter) {
          return parameter.first == name || (isPatientParameter(name) && isPatientParameter(parameter.first));
        });
        if (!kept && isPatientParameter(name)) {
          search.failure = "the FHIR server ignored the '" + name + "' filter of the search";
          search.cause = "filter_ignored";
          search.resources.clear();
          return;
        }
      }
    }
    if (!problems.empty()) {
      record.addIssue("the FHIR server's " + search.type + " search carried a warning: " + problems.front());
    }
    if (search.resources.size() > settings.max_resources) {
      search.failure = "the search returned more than " + std::to_string(settings.max_resources) +
                       " records, more than pumpcds reads (--fhir-max-resources)";
      search.cause = "too_many_resources";
      search.resources.clear();
      return;
    }
    if (page.next.empty()) {
      search.complete = true;
      return;
    }
    const std::string next = page.next.rfind("http", 0) == 0 ? page.next : joinUrl(endpoint.base, page.next);
    if (urlOrigin(next) != origin) {
      search.failure = "the FHIR server's next page points to another server";
      search.cause = "other_server";
    } else if (search.pages >= settings.max_pages) {
      search.failure = "the search had more than " + std::to_string(settings.max_pages) +
                       " pages, more than pumpcds reads (--fhir-max-pages)";
      search.cause = "too_many_pages";
    } else {
      more.push_back({next, get.tag});
      return;
    }
    search.resources.clear();
  };
  client.fetch(gets, endpoint.token, deadline, on_answer);
  for (auto& search : searches) {
    if (!search.complete) {
      ++stats.failures;
      // A search cut by the deadline before any answer has no cause yet.
      ++stats.failure_causes[search.cause.empty() ? "timeout" : search.cause];
      record.markUnreadable(search.type, search.type + " records could not be read: " + search.failure);
      continue;
    }
    ++stats.answered;
    for (auto& resource : search.resources) {
      record.add(std::move(resource));
    }
    record.markRead(search.type);
  }
  return stats;
}

FetchStats fetchReferences(const FhirClient& client, const FhirEndpoint& endpoint,
                           std::chrono::steady_clock::time_point deadline, PatientRecord& record) {
  FetchStats stats;
  const std::vector<std::string> references = record.unresolvedReferences();
  if (references.empty()) {
    return stats;
  }
  std::vector<HttpGet> gets;
  for (size_t i = 0; i < references.size(); ++i) {
    gets.push_back({joinUrl(endpoint.base, references[i]), i});
  }
  std::vector<std::string> failures;
  const auto on_answer = [&](const HttpGet& get, HttpAnswer&& answer, std::vector<HttpGet>& /*more*/) {
    ++stats.requests;
    rapidjson::Document document;
    std::string cause = "not_fhir";
    const std::string problem = answerProblem(answer, client.settings().deadline, document, stats, cause);
    if (problem.empty()) {
      if (auto resource = parseResource(document)) {
        ++stats.answered;
        record.add(std::move(*resource));
        return;
      }
    }
    ++stats.failures;
    ++stats.failure_causes[cause];
    failures.push_back(references.at(get.tag) + " (" + (problem.empty() ? "not a FHIR resource" : problem) +
                       ")");
  };
  client.fetch(gets, endpoint.token, deadline, on_answer);
  std::sort(failures.begin(), failures.end());
  for (const auto& failure : failures) {
    record.addIssue("a record the patient's data refers to could not be read: " + failure);
  }
  record.resolveReferences();
  return stats;
}

} // namespace pumpcds::fhir
