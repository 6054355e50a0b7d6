// Default transport: libcurl easy interface, one handle reused by the worker
// thread so connections (and TLS sessions) are kept alive between batches.
#include "lumen/transport.hpp"

#ifdef LUMEN_HAVE_CURL
#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include "curl_global.hpp"

namespace lumen {
namespace detail {
void ensure_curl_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}
}  // namespace detail

namespace {

constexpr std::size_t kMaxResponseBody = 64 * 1024;  // responses are small JSON

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  body->append(data, std::min(n, kMaxResponseBody - std::min(kMaxResponseBody, body->size())));
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  const std::size_t n = size * count;
  std::string line(data, n);
  // A new status line (redirect, 100-continue) starts a new header block.
  if (line.rfind("HTTP/", 0) == 0) headers->clear();
  const auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  headers->emplace_back(std::move(name), std::move(value));
  return n;
}

class CurlTransport : public Transport {
 public:
  CurlTransport() {
    detail::ensure_curl_global_init();
    handle_ = curl_easy_init();
  }
  ~CurlTransport() override {
    if (handle_) curl_easy_cleanup(handle_);
  }

  HttpResponse send(const HttpRequest& request) override {
    HttpResponse response;
    if (!handle_) {
      response.error = "curl_easy_init failed";
      return response;
    }
    CURL* h = handle_;
    curl_easy_reset(h);  // keeps live connections, clears options
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : request.headers)
      header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    header_list = curl_slist_append(header_list, "Expect:");  // no 100-continue round trip

    const long timeout_ms = static_cast<long>(std::max<long long>(request.timeout.count(), 1));
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // required with threads: no SIGALRM
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);

    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      response.status = static_cast<int>(status);
    } else {
      response.status = 0;
      response.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(header_list);
    return response;
  }

 private:
  CURL* handle_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport() { return std::make_unique<CurlTransport>(); }

}  // namespace lumen

#else  // built without libcurl

namespace lumen {
std::unique_ptr<Transport> make_curl_transport() { return nullptr; }
}  // namespace lumen

#endif
