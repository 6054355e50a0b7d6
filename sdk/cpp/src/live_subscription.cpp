// LiveSubscription: an embed's server-sent events stream over libcurl, on a thread of its own.
// The multi interface is polled in 100 ms slices so stop() never waits for a quiet stream.
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "lumen/embed.hpp"
#include "sse_parser.hpp"

#ifdef LUMEN_HAVE_CURL
#include <curl/curl.h>

#include "curl_global.hpp"
#endif

namespace lumen {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class LiveSubscription::Impl {
 public:
  explicit Impl(SubscriptionConfig config) : config_(std::move(config)) {}
  void start() {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (...) {
      set_state(SubscriptionState::Revoked, "cannot start the subscription thread");
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (thread_.joinable()) thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    if (!final(state_)) state_ = SubscriptionState::Stopped;
  }
  SubscriptionState state() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }
  std::string last_event_id() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_id_;
  }

 private:
  static bool final(SubscriptionState s) {
    return s == SubscriptionState::Expired || s == SubscriptionState::Revoked || s == SubscriptionState::Stopped;
  }
  bool stopping() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }
  void set_state(SubscriptionState s, std::string_view why) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      state_ = s;
    }
    if (!config_.on_state) return;
    try {
      config_.on_state(s, why);
    } catch (...) {
      // A throwing callback must not end the subscription thread.
    }
  }

  // Outcome of one connection.
  struct Attempt {
    long status = 0;
    bool received_data = false;
    std::optional<SubscriptionState> final_state;  // the stream ended with expired / revoked
    std::string error, body;
  };

  void run();
  Attempt connect_once(sse::Parser& parser);

  SubscriptionConfig config_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  SubscriptionState state_ = SubscriptionState::Connecting;
  std::string last_id_;
  // Set by the event callback when the stream ends for good (subscription thread only).
  std::optional<SubscriptionState> pending_final_;
  std::mutex join_mu_;
  std::thread thread_;
};

#ifdef LUMEN_HAVE_CURL
namespace {

struct Transfer {
  CURL* handle = nullptr;
  sse::Parser* parser = nullptr;
  std::string error_body;  // non-200 answers: the JSON error, capped
  bool ok_status = false, status_known = false;
  Clock::time_point last_byte = Clock::now();
};

std::size_t on_bytes(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->last_byte = Clock::now();
  if (!t->status_known) {
    long status = 0;
    curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
    t->ok_status = status == 200;
    t->status_known = true;
  }
  try {
    if (t->ok_status) t->parser->feed(std::string_view(data, n));
    else if (t->error_body.size() < 4096) t->error_body.append(data, std::min<std::size_t>(n, 4096));
  } catch (...) {
    return 0;  // aborts the transfer; the loop reconnects
  }
  return n;
}

}  // namespace

LiveSubscription::Impl::Attempt LiveSubscription::Impl::connect_once(sse::Parser& parser) {
  Attempt attempt;
  detail::ensure_curl_global_init();
  CURL* h = curl_easy_init();
  CURLM* multi = curl_multi_init();
  if (!h || !multi) {
    if (h) curl_easy_cleanup(h);
    if (multi) curl_multi_cleanup(multi);
    attempt.error = "curl init failed";
    return attempt;
  }
  std::string base = config_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/api/v1/embed/" + config_.token + "/stream";
  if (!config_.query.empty()) url += (config_.query.front() == '?' ? "" : "?") + config_.query;
  curl_slist* headers = curl_slist_append(nullptr, "Accept: text/event-stream");
  if (!parser.last_event_id().empty())
    headers = curl_slist_append(headers, ("Last-Event-ID: " + parser.last_event_id()).c_str());
  const std::string user_agent = std::string(kLibraryName) + "/" + kLibraryVersion;

  Transfer transfer;
  transfer.handle = h;
  transfer.parser = &parser;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_bytes);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_multi_add_handle(multi, h);

  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    if (running == 0) break;
    if (stopping()) break;
    if (Clock::now() - transfer.last_byte > config_.idle_timeout) {
      attempt.error = "no data or heartbeat within the idle timeout";
      break;
    }
    // The event callbacks may have seen a final event: no need to wait for the server to close.
    if (pending_final_) break;
    curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  CURLMsg* message = nullptr;
  int left = 0;
  while ((message = curl_multi_info_read(multi, &left)))
    if (message->msg == CURLMSG_DONE && message->data.result != CURLE_OK && attempt.error.empty())
      attempt.error = curl_easy_strerror(message->data.result);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &attempt.status);
  attempt.body = std::move(transfer.error_body);
  curl_multi_remove_handle(multi, h);
  curl_easy_cleanup(h);
  curl_multi_cleanup(multi);
  curl_slist_free_all(headers);
  return attempt;
}
#else
LiveSubscription::Impl::Attempt LiveSubscription::Impl::connect_once(sse::Parser&) {
  Attempt attempt;
  attempt.final_state = SubscriptionState::Revoked;
  attempt.error = "built without libcurl: live subscriptions are unavailable";
  return attempt;
}
#endif

void LiveSubscription::Impl::run() {
  bool received_any = false;
  sse::Parser parser([&](const sse::Event& event) {
    if (event.type == "data") {
      if (!received_any) set_state(SubscriptionState::Open, "");
      received_any = true;
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_id_ = event.id;
      }
      if (config_.on_update) {
        try {
          config_.on_update(EmbedUpdate{event.id, event.data});
        } catch (...) {
          // The app's callback failing must not end the subscription.
        }
      }
    } else if (event.type == "expired") {
      pending_final_ = SubscriptionState::Expired;
    } else if (event.type == "revoked") {
      pending_final_ = SubscriptionState::Revoked;
    }
  });
  milliseconds backoff = config_.initial_backoff;
  while (!stopping()) {
    set_state(SubscriptionState::Connecting, "");
    received_any = false;
    Attempt attempt;
    try {
      attempt = connect_once(parser);
    } catch (...) {
      attempt.error = "out of memory";
    }
    if (stopping()) break;
    if (pending_final_) attempt.final_state = pending_final_;
    if (!attempt.final_state && (attempt.status == 401 || attempt.status == 403 || attempt.status == 404)) {
      // The error's first detail says why (lib/embed/tokens.ts): "expired" means renew the token.
      const bool expired = attempt.body.find("\"expired\"") != std::string::npos;
      attempt.final_state = expired ? SubscriptionState::Expired : SubscriptionState::Revoked;
      attempt.error = "HTTP " + std::to_string(attempt.status) + ": " + attempt.body.substr(0, 300);
    }
    if (attempt.final_state) {
      set_state(*attempt.final_state, attempt.error);
      return;
    }
    // A stream that delivered data was healthy: start the backoff over.
    if (received_any) backoff = config_.initial_backoff;
    milliseconds delay = backoff;
    if (parser.retry_ms() >= 0) delay = std::max(delay, milliseconds(parser.retry_ms()));
    delay = std::min(delay, config_.max_backoff);
    set_state(SubscriptionState::Reconnecting,
              attempt.error.empty() ? "HTTP " + std::to_string(attempt.status) : attempt.error);
    backoff = std::min(config_.max_backoff, backoff * 2);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, delay, [this] { return stopping_; });
  }
}

LiveSubscription::LiveSubscription(SubscriptionConfig config) {
  try {
    impl_ = std::make_shared<Impl>(std::move(config));
    impl_->start();
  } catch (...) {
    impl_.reset();
  }
}
LiveSubscription::~LiveSubscription() { stop(); }
void LiveSubscription::stop() {
  if (impl_) impl_->stop();
}
SubscriptionState LiveSubscription::state() const {
  return impl_ ? impl_->state() : SubscriptionState::Revoked;
}
std::string LiveSubscription::last_event_id() const { return impl_ ? impl_->last_event_id() : std::string(); }

}  // namespace lumen
