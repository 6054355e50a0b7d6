// Transports that need no network: the test-mode logger and TestTransport.
#include <cctype>

#include "lumen/transport.hpp"

namespace lumen {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return value;
  }
  return "";
}

namespace {
class LoggingTransport : public Transport {
 public:
  explicit LoggingTransport(std::function<void(std::string_view)> log) : log_(std::move(log)) {}
  HttpResponse send(const HttpRequest& request) override {
    if (log_) {
      try {
        log_(request.body);
      } catch (...) {
      }
    }
    HttpResponse response;
    response.status = 202;
    response.body = "{}";  // no counts: every event is taken as accepted
    return response;
  }

 private:
  std::function<void(std::string_view)> log_;
};
}  // namespace

std::unique_ptr<Transport> make_logging_transport(std::function<void(std::string_view)> log) {
  return std::make_unique<LoggingTransport>(std::move(log));
}

HttpResponse TestTransport::send(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  ++count_;
  if (options_.record) {
    requests_.push_back(request);
    times_.push_back(std::chrono::steady_clock::now());
  }
  HttpResponse response;
  if (offline_) {
    response.error = "offline (TestTransport)";
    return response;
  }
  if (!scripted_.empty()) {
    response = std::move(scripted_.front());
    scripted_.pop_front();
    return response;
  }
  response.status = 202;
  response.body = "{}";
  return response;
}

void TestTransport::push_response(int status, std::string body, std::string retry_after) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  if (!retry_after.empty()) response.headers.emplace_back("retry-after", std::move(retry_after));
  std::lock_guard<std::mutex> lock(mu_);
  scripted_.push_back(std::move(response));
}

void TestTransport::set_offline(bool offline) {
  std::lock_guard<std::mutex> lock(mu_);
  offline_ = offline;
}

std::vector<HttpRequest> TestTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::size_t TestTransport::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

std::vector<std::chrono::steady_clock::time_point> TestTransport::request_times() const {
  std::lock_guard<std::mutex> lock(mu_);
  return times_;
}

}  // namespace lumen
