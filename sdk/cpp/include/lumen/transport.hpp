// Pluggable HTTP transport for the Lumen SDK.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // total, including connect
};

struct HttpResponse {
  int status = 0;     // 0 = no HTTP response (DNS, connect, timeout, TLS...)
  Headers headers;    // names lower-cased
  std::string body;
  std::string error;  // human-readable reason when status == 0

  // Value of a header (name compared case-insensitively), or "".
  std::string header(std::string_view name) const;
};

// Sends one request synchronously. The SDK calls send() only from its worker
// thread, one request at a time, and relies on it honouring request.timeout
// (shutdown deadlines depend on it). Must not throw.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

// Default transport (libcurl). Returns nullptr if built without libcurl.
std::unique_ptr<Transport> make_curl_transport();

// Transport that logs each payload and answers 202 as if all were accepted.
// Used by Config::test_mode.
std::unique_ptr<Transport> make_logging_transport(std::function<void(std::string_view)> log);

// In-memory transport for tests and benchmarks: records requests and answers
// with scripted responses (FIFO), then with the default response — a 202
// accepting every event. Thread-safe.
class TestTransport : public Transport {
 public:
  struct Options {
    bool record = true;  // keep a copy of each request (benchmarks turn this off)
  };
  TestTransport() = default;
  explicit TestTransport(Options options) : options_(options) {}

  HttpResponse send(const HttpRequest& request) override;

  // Queue a response for the next request; `retry_after` adds a header.
  void push_response(int status, std::string body = "", std::string retry_after = "");
  // Answer every following request with status 0 (offline) until set false.
  void set_offline(bool offline);

  std::vector<HttpRequest> requests() const;
  std::size_t request_count() const;
  // Time at which each request arrived (steady clock).
  std::vector<std::chrono::steady_clock::time_point> request_times() const;

 private:
  Options options_;
  mutable std::mutex mu_;
  std::deque<HttpResponse> scripted_;
  bool offline_ = false;
  std::size_t count_ = 0;
  std::vector<HttpRequest> requests_;
  std::vector<std::chrono::steady_clock::time_point> times_;
};

}  // namespace lumen
