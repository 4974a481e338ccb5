#include "fhir/fhir_client.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <optional>

#include <curl/curl.h>

#include "base/text.h"

namespace pumpcds::fhir {

// TLS sessions and DNS answers are shared by every call on any thread (libcurl asks for a lock per kind of
// shared data). Connections are not: libcurl cannot share a connection cache between threads safely (its
// issue 4915), so each multi handle keeps its own idle keep-alive connections, and the handles wait in a
// pool between calls, each used by one thread at a time.
struct FhirClient::Shared {
  CURLSH* handle = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex pool_lock;
  std::vector<CURLM*> idle_multis;

  CURLM* takeMulti(long max_per_host) {
    {
      const std::lock_guard<std::mutex> guard(pool_lock);
      if (!idle_multis.empty()) {
        CURLM* multi = idle_multis.back();
        idle_multis.pop_back();
        return multi;
      }
    }
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_per_host);
    return multi;
  }
  void giveBack(CURLM* multi) {
    const std::lock_guard<std::mutex> guard(pool_lock);
    idle_multis.push_back(multi);
  }

  static void lock(CURL* /*easy*/, curl_lock_data data, curl_lock_access /*access*/, void* self) {
    static_cast<Shared*>(self)->locks.at(static_cast<size_t>(data)).lock();
  }
  static void unlock(CURL* /*easy*/, curl_lock_data data, void* self) {
    static_cast<Shared*>(self)->locks.at(static_cast<size_t>(data)).unlock();
  }
};

namespace {

std::once_flag curl_initialised;

struct Transfer {
  HttpGet get;
  CURL* easy = nullptr;
  HttpAnswer answer;
  size_t limit = 0;
  bool too_large = false;
  std::array<char, CURL_ERROR_SIZE> error_detail{};
};

HttpAnswer timedOut() {
  HttpAnswer answer;
  answer.timed_out = true;
  answer.error = "timed out";
  return answer;
}

size_t collectBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->answer.body.size() + bytes > transfer->limit) {
    transfer->too_large = true;
    return 0; // aborts the transfer
  }
  transfer->answer.body.append(data, bytes);
  return bytes;
}

long remainingMs(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return std::max<long>(1, static_cast<long>(left.count()));
}

std::string describeCurlError(CURLcode code, const char* detail) {
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
    return "timed out";
  case CURLE_COULDNT_CONNECT:
    return "connection refused or unreachable";
  case CURLE_COULDNT_RESOLVE_HOST:
    return "host name not found";
  case CURLE_PEER_FAILED_VERIFICATION:
    return std::string("TLS certificate not trusted") + (detail[0] != '\0' ? std::string(": ") + detail : "");
  case CURLE_SSL_CONNECT_ERROR:
    return std::string("TLS handshake failed") + (detail[0] != '\0' ? std::string(": ") + detail : "");
  case CURLE_GOT_NOTHING:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
    return "the connection closed without an answer";
  default:
    return detail[0] != '\0' ? std::string(detail) : std::string(curl_easy_strerror(code));
  }
}

// The scheme, host and port of an absolute URL, lower-cased (the port defaulted from the scheme), or
// nullopt when it is not one.
struct UrlParts {
  std::string scheme;
  std::string host;
  std::string port;
};

std::optional<UrlParts> urlParts(const std::string& url) {
  CURLU* parsed = curl_url();
  std::optional<UrlParts> parts;
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    parts = UrlParts{base::lowerCase(scheme), base::lowerCase(host), port};
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(parsed);
  return parts;
}

} // namespace

std::string urlOrigin(const std::string& url) {
  const auto parts = urlParts(url);
  return parts ? parts->scheme + "://" + parts->host + ":" + parts->port : std::string();
}

std::string joinUrl(const std::string& base, const std::string& path) {
  std::string out = base;
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out + "/" + path;
}

std::string urlHost(const std::string& url) {
  const auto parts = urlParts(url);
  if (!parts) {
    return {};
  }
  const bool default_port =
      (parts->scheme == "https" && parts->port == "443") || (parts->scheme == "http" && parts->port == "80");
  return default_port ? parts->host : parts->host + ":" + parts->port;
}

bool isLoopbackHost(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string text = base::lowerCase(host);
  if (text == "localhost") {
    return true;
  }
  unsigned char address[16];
  if (inet_pton(AF_INET, text.c_str(), address) == 1) {
    return address[0] == 127;
  }
  return inet_pton(AF_INET6, text.c_str(), address) == 1 && text != "::" &&
         std::all_of(address, address + 15, [](unsigned char byte) { return byte == 0; }) && address[15] == 1;
}

bool httpsOrLoopback(const std::string& url) {
  const auto parts = urlParts(url);
  return parts && !parts->host.empty() &&
         (parts->scheme == "https" || (parts->scheme == "http" && isLoopbackHost(parts->host)));
}

FhirClient::FhirClient(FhirClientSettings settings)
    : settings_(std::move(settings)), shared_(std::make_unique<Shared>()) {
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  shared_->handle = curl_share_init();
  curl_share_setopt(shared_->handle, CURLSHOPT_LOCKFUNC, &Shared::lock);
  curl_share_setopt(shared_->handle, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
  curl_share_setopt(shared_->handle, CURLSHOPT_USERDATA, shared_.get());
  curl_share_setopt(shared_->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(shared_->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
}

FhirClient::~FhirClient() {
  for (CURLM* multi : shared_->idle_multis) {
    curl_multi_cleanup(multi);
  }
  curl_share_cleanup(shared_->handle);
}

Status FhirClient::checkServer(const std::string& base_url) const {
  const auto parts = urlParts(base_url);
  if (!parts || parts->host.empty()) {
    return invalidArgument("fhirServer '" + base_url + "' is not an absolute URL");
  }
  const std::string& scheme_text = parts->scheme;
  std::string host_text = parts->host;
  if (scheme_text != "https" && scheme_text != "http") {
    return invalidArgument("fhirServer '" + base_url + "' is not an http(s) URL");
  }
  if (scheme_text == "http" && !settings_.allow_insecure) {
    return {StatusCode::FailedPrecondition,
            "fhirServer '" + base_url +
                "' is plain HTTP; pumpcds reads FHIR over HTTPS only unless started "
                "with --allow-insecure-fhir"};
  }
  if (host_text.size() > 2 && host_text.front() == '[') {
    host_text = host_text.substr(1, host_text.size() - 2);
  }
  if (!settings_.allowed_hosts.empty() &&
      std::none_of(settings_.allowed_hosts.begin(), settings_.allowed_hosts.end(),
                   [&](const std::string& allowed) { return base::lowerCase(allowed) == host_text; })) {
    return {StatusCode::FailedPrecondition,
            "fhirServer host '" + host_text + "' is not in --fhir-server-allow"};
  }
  return {};
}

void FhirClient::fetch(const std::vector<HttpGet>& gets, const std::string& bearer_token,
                       std::chrono::steady_clock::time_point deadline, const OnAnswer& on_answer) const {
  CURLM* multi = shared_->takeMulti(static_cast<long>(settings_.max_connections_per_host));
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/fhir+json");
  if (!bearer_token.empty()) {
    // The token lives in this list for this call only, and is freed with it.
    headers = curl_slist_append(headers, ("Authorization: Bearer " + bearer_token).c_str());
  }
  std::map<CURL*, std::unique_ptr<Transfer>> running;

  const auto start = [&](const HttpGet& get) {
    auto transfer = std::make_unique<Transfer>();
    transfer->get = get;
    transfer->limit = settings_.max_response_bytes;
    CURL* easy = curl_easy_init();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, get.url.c_str());
    curl_easy_setopt(easy, CURLOPT_SHARE, shared_->handle);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &collectBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, remainingMs(deadline));
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    if (!settings_.ca_file.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_detail.data());
    curl_multi_add_handle(multi, easy);
    running[easy] = std::move(transfer);
  };
  const auto finish = [&](CURL* easy) {
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
  };

  for (const auto& get : gets) {
    start(get);
  }
  while (!running.empty()) {
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      CURL* easy = message->easy_handle;
      auto node = running.extract(easy);
      Transfer& transfer = *node.mapped();
      if (message->data.result == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.answer.status);
      } else if (transfer.too_large) {
        transfer.answer.error =
            "the answer was larger than " + std::to_string(settings_.max_response_bytes >> 20) + " MiB";
        transfer.answer.body.clear();
      } else {
        // A timeout before the deadline is the connect limit: the server did not take the connection.
        const bool before_deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(20) < deadline;
        transfer.answer.timed_out = message->data.result == CURLE_OPERATION_TIMEDOUT && !before_deadline;
        transfer.answer.error =
            message->data.result == CURLE_OPERATION_TIMEDOUT && before_deadline
                ? "no connection within " + std::to_string(settings_.connect_timeout.count()) + " ms"
                : describeCurlError(message->data.result, transfer.error_detail.data());
        transfer.answer.body.clear();
      }
      finish(easy);
      std::vector<HttpGet> more;
      on_answer(transfer.get, std::move(transfer.answer), more);
      if (std::chrono::steady_clock::now() < deadline) {
        for (const auto& next : more) {
          start(next);
        }
      } else {
        for (const auto& next : more) {
          std::vector<HttpGet> ignored;
          on_answer(next, timedOut(), ignored);
        }
      }
    }
    if (running.empty()) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      for (auto& [easy, transfer] : running) {
        finish(easy);
        std::vector<HttpGet> ignored;
        on_answer(transfer->get, timedOut(), ignored);
      }
      running.clear();
      break;
    }
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::min<long>(remainingMs(deadline), 100)), nullptr);
  }
  curl_slist_free_all(headers);
  shared_->giveBack(multi);
}

} // namespace pumpcds::fhir
