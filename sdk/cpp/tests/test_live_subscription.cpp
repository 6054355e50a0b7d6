// The SSE parser, and LiveSubscription (libcurl) against a loopback server that scripts each
// connection: updates reach the callback, a reconnect sends Last-Event-ID, final events and
// refusals end the subscription, stop() returns promptly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "client_helpers.hpp"
#include "lumen/embed.hpp"
#include "sse_parser.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

namespace {

// Answers connection i with script[i] (the last one repeats); `hold` keeps the connection open
// after the answer until the server is destroyed.
class SseServer {
 public:
  struct Answer {
    std::string response;
    bool hold = false;
  };
  explicit SseServer(std::vector<Answer> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SseServer() {
    stop_ = true;
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  static std::string stream(const std::string& events) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + events;
  }
  static std::string status(int code, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string head;
      char buf[2048];
      while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 2000) <= 0) break;
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      Answer answer;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(head);
        answer = script_[std::min(requests_.size() - 1, script_.size() - 1)];
      }
      ::send(c, answer.response.data(), answer.response.size(), MSG_NOSIGNAL);
      if (answer.hold) held_.push_back(c);
      else ::close(c);
    }
  }

  std::vector<Answer> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::vector<int> held_;
};

struct Recorder {
  std::mutex mu;
  std::vector<lumen::EmbedUpdate> updates;
  std::vector<lumen::SubscriptionState> states;

  lumen::SubscriptionConfig config(const std::string& url) {
    lumen::SubscriptionConfig c;
    c.base_url = url;
    c.token = "tok.en.sig";
    c.query = "filter.country=DE";
    c.initial_backoff = milliseconds(20);
    c.max_backoff = milliseconds(100);
    c.on_update = [this](const lumen::EmbedUpdate& u) {
      std::lock_guard<std::mutex> lock(mu);
      updates.push_back(u);
    };
    c.on_state = [this](lumen::SubscriptionState s, std::string_view) {
      std::lock_guard<std::mutex> lock(mu);
      states.push_back(s);
    };
    return c;
  }
  std::size_t update_count() {
    std::lock_guard<std::mutex> lock(mu);
    return updates.size();
  }
};

}  // namespace

TEST(parser_handles_any_split_line_endings_comments_and_multiline_data) {
  const std::string stream =
      "retry: 1500\r\n\r\n: heartbeat\n\nid: 7\nevent: data\ndata: {\"a\":1,\ndata: \"b\":2}\n\r"
      "event: expired\rdata: {}\r\n\r\ndata: no type\n\n";
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    std::vector<lumen::sse::Event> events;
    lumen::sse::Parser parser([&](const lumen::sse::Event& e) { events.push_back(e); });
    for (std::size_t i = 0; i < stream.size(); i += chunk) parser.feed(std::string_view(stream).substr(i, chunk));
    CHECK_EQ(events.size(), std::size_t(3));
    if (events.size() != 3) return;
    CHECK_EQ(events[0].type, std::string("data"));
    CHECK_EQ(events[0].id, std::string("7"));
    CHECK_EQ(events[0].data, std::string("{\"a\":1,\n\"b\":2}"));
    CHECK_EQ(events[1].type, std::string("expired"));
    CHECK_EQ(events[2].type, std::string("message"));
    CHECK_EQ(parser.retry_ms(), std::int64_t(1500));
    CHECK_EQ(parser.last_event_id(), std::string("7"));
  }
}

TEST(updates_arrive_and_a_reconnect_sends_last_event_id) {
  SseServer server({{SseServer::stream("retry: 30\n\nid: v1\nevent: data\ndata: {\"n\":1}\n\n")},
                    {SseServer::stream("id: v2\nevent: data\ndata: {\"n\":2}\n\n: heartbeat\n\n"), true}});
  Recorder rec;
  lumen::LiveSubscription sub(rec.config(server.url()));
  CHECK(eventually([&] { return rec.update_count() == 2; }));
  CHECK_EQ(sub.last_event_id(), std::string("v2"));
  const auto requests = server.requests();
  CHECK(requests.size() >= 2);
  if (requests.size() >= 2) {
    CHECK(requests[0].find("GET /api/v1/embed/tok.en.sig/stream?filter.country=DE ") == 0);
    CHECK(requests[0].find("Last-Event-ID") == std::string::npos);
    CHECK(requests[1].find("Last-Event-ID: v1\r\n") != std::string::npos);
  }
  {
    std::lock_guard<std::mutex> lock(rec.mu);
    CHECK_EQ(rec.updates[0].json, std::string("{\"n\":1}"));
    CHECK(std::find(rec.states.begin(), rec.states.end(), lumen::SubscriptionState::Reconnecting) !=
          rec.states.end());
  }
  // The second connection stays open: stop() ends it without waiting for the server.
  const auto before = std::chrono::steady_clock::now();
  sub.stop();
  CHECK(std::chrono::steady_clock::now() - before < milliseconds(1000));
  CHECK(sub.state() == lumen::SubscriptionState::Stopped);
}

TEST(final_events_and_refusals_end_the_subscription) {
  {
    SseServer server({{SseServer::stream("id: 1\nevent: data\ndata: {}\n\nevent: revoked\ndata: {}\n\n"), true}});
    Recorder rec;
    lumen::LiveSubscription sub(rec.config(server.url()));
    CHECK(eventually([&] { return sub.state() == lumen::SubscriptionState::Revoked; }));
    CHECK_EQ(server.requests().size(), std::size_t(1));
  }
  {
    SseServer server({{SseServer::status(
        401, R"({"error":{"code":"unauthorized","message":"m","details":[{"path":"token","message":"expired"}]}})")}});
    Recorder rec;
    lumen::LiveSubscription sub(rec.config(server.url()));
    CHECK(eventually([&] { return sub.state() == lumen::SubscriptionState::Expired; }));
  }
  {
    SseServer server({{SseServer::status(503, "{}")}, {SseServer::stream("id: 9\nevent: data\ndata: {}\n\n"), true}});
    Recorder rec;
    lumen::LiveSubscription sub(rec.config(server.url()));
    CHECK(eventually([&] { return rec.update_count() == 1; }));  // a 503 is retried
  }
}

TEST_MAIN()
