// The libcurl transport against a minimal HTTP/1.1 server on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <set>

#include "client_helpers.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

namespace {

// One connection at a time, "Connection: close", scripted replies.
class MiniServer {
 public:
  struct Reply {
    int status = 202;
    std::string body = "{}";
    std::string extra_headers;  // "Name: value\r\n..."
    bool hang = false;          // read the request, never answer
  };
  struct Request {
    std::string head, body;
  };

  MiniServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~MiniServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void push(Reply r) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(r));
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      handle(c);
      ::close(c);
    }
  }
  bool read_some(int c, std::string& buf) {
    pollfd p{c, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  void handle(int c) {
    std::string buf;
    std::size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos)
      if (!read_some(c, buf)) return;
    Request req;
    req.head = buf.substr(0, end);
    std::size_t length = 0;
    const auto cl = req.head.find("Content-Length: ");
    if (cl != std::string::npos) length = std::stoul(req.head.substr(cl + 16));
    req.body = buf.substr(end + 4);
    while (req.body.size() < length)
      if (!read_some(c, req.body)) return;
    Reply reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(req);
      if (!script_.empty()) {
        reply = script_.front();
        script_.pop_front();
      }
    }
    if (reply.hang) {
      while (!stop_ && read_some(c, buf)) {
      }
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: application/json\r\n" +
                      reply.extra_headers + "Content-Length: " + std::to_string(reply.body.size()) +
                      "\r\nConnection: close\r\n\r\n" + reply.body;
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::deque<Reply> script_;
  std::vector<Request> requests_;
};

lumen::HttpRequest request_to(const std::string& base, std::string body) {
  lumen::HttpRequest r;
  r.url = base + "/api/v1/events";
  r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k1"}};
  r.body = std::move(body);
  r.timeout = milliseconds(3000);
  return r;
}

}  // namespace

TEST(posts_body_and_headers_and_reads_status_body_retry_after) {
  MiniServer server;
  server.push({429, R"({"error":{"code":"rate_limited","message":"slow down"}})", "Retry-After: 7\r\n", false});
  auto transport = lumen::make_curl_transport();
  CHECK(transport != nullptr);
  auto response = transport->send(request_to(server.url(), R"({"events":[]})"));
  CHECK_EQ(response.status, 429);
  CHECK_EQ(response.header("Retry-After"), std::string("7"));
  CHECK(response.body.find("rate_limited") != std::string::npos);
  auto received = server.requests();
  CHECK_EQ(received.size(), std::size_t(1));
  if (!received.empty()) {
    CHECK(received[0].head.rfind("POST /api/v1/events HTTP/1.1", 0) == 0);
    CHECK(received[0].head.find("Authorization: Bearer k1") != std::string::npos);
    CHECK(received[0].head.find("Content-Type: application/json") != std::string::npos);
    CHECK_EQ(received[0].body, std::string(R"({"events":[]})"));
  }
  // The same handle is reused for the next request.
  auto ok = transport->send(request_to(server.url(), "{}"));
  CHECK_EQ(ok.status, 202);
}

TEST(connection_refused_is_a_network_error) {
  std::string url;
  { MiniServer server; url = server.url(); }  // port now closed
  auto response = lumen::make_curl_transport()->send(request_to(url, "{}"));
  CHECK_EQ(response.status, 0);
  CHECK(!response.error.empty());
}

TEST(request_timeout_is_honoured) {
  MiniServer server;
  server.push({202, "{}", "", true});
  auto request = request_to(server.url(), "{}");
  request.timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto response = lumen::make_curl_transport()->send(request);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK_EQ(response.status, 0);
  CHECK(took < milliseconds(2500));
}

TEST(client_over_curl_retries_after_503_and_delivers_each_event_once) {
  MiniServer server;
  server.push({503, R"({"error":{"code":"unavailable","message":"x"}})", "Retry-After: 1\r\n", false});
  lumen::Config cfg;
  cfg.endpoint = server.url();
  cfg.write_key = "k1";
  cfg.batch_size = 10;
  cfg.flush_interval = milliseconds(60000);
  lumen::Client client(cfg);
  for (int i = 0; i < 25; ++i) client.track("curl_event", {{"i", i}});
  client.flush();
  CHECK(eventually([&] { return client.stats().sent == 25; }, milliseconds(10000)));
  auto received = server.requests();
  std::set<std::string> ids;
  std::size_t total = 0;
  for (std::size_t r = 1; r < received.size(); ++r) {  // request 0 got the 503
    auto doc = lumen::json::parse(received[r].body);
    CHECK(doc.has_value());
    if (!doc) continue;
    for (auto& e : doc->get("events")->array) {
      ids.insert(e.get("event_id")->string);
      ++total;
    }
  }
  CHECK_EQ(total, std::size_t(25));
  CHECK_EQ(ids.size(), std::size_t(25));
  CHECK(client.shutdown(milliseconds(1000)));
}

TEST_MAIN()
