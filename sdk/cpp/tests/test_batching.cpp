// Batching, payload format, identify, server responses (202 details, 413).
#include <set>

#include "client_helpers.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

TEST(flush_sends_batches_of_batch_size_with_contract_payload) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.context.app_name = "Tests";
  cfg.context.device_type = "desktop";
  lumen::Client client(cfg);
  for (int i = 0; i < 25; ++i) CHECK(client.track("clicked", {{"i", i}, {"label", "b\"tn"}}));
  CHECK(client.flush(kDeliveryBound));

  auto requests = transport->requests();
  CHECK_EQ(requests.size(), std::size_t(3));
  std::set<std::string> ids;
  int expected_i = 0;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const auto& req = requests[r];
    CHECK_EQ(req.url, std::string("http://lumen.test/api/v1/events"));
    bool auth = false, type = false;
    for (auto& [k, v] : req.headers) {
      auth = auth || (k == "Authorization" && v == "Bearer wk_test");
      type = type || (k == "Content-Type" && v == "application/json");
    }
    CHECK(auth && type);
    auto doc = lumen::json::parse(req.body);
    CHECK(doc.has_value());
    CHECK(doc->get("sent_at") && doc->get("sent_at")->string.size() == 24);
    auto events = events_of(req);
    CHECK_EQ(events.size(), std::size_t(r < 2 ? 10 : 5));
    for (auto& e : events) {
      ids.insert(e.get("event_id")->string);
      CHECK_EQ(e.get("event_id")->string[14], '4');
      CHECK_EQ(e.get("name")->string, std::string("clicked"));
      CHECK_EQ(e.get("timestamp")->string.back(), 'Z');
      CHECK(e.get("session_id") != nullptr);
      CHECK(e.get("anonymous_id") == nullptr);  // no identifiers unless configured
      CHECK_EQ(e.get("properties")->get("i")->number, double(expected_i++));  // in order
      CHECK_EQ(e.get("properties")->get("label")->string, std::string("b\"tn"));
      const auto* ctx = e.get("context");
      CHECK_EQ(ctx->get("library")->get("name")->string, std::string("lumen-cpp"));
      CHECK_EQ(ctx->get("library")->get("version")->string, std::string("0.1.0"));
      CHECK_EQ(ctx->get("app")->get("version")->string, std::string("1.2.3"));
      CHECK_EQ(ctx->get("app")->get("name")->string, std::string("Tests"));
      CHECK_EQ(ctx->get("device")->get("type")->string, std::string("desktop"));
      CHECK(ctx->get("os") && !ctx->get("os")->get("name")->string.empty());
      CHECK(ctx->get("locale") == nullptr);
    }
  }
  CHECK_EQ(ids.size(), std::size_t(25));
  auto s = client.stats();
  CHECK_EQ(s.sent, std::uint64_t(25));
  CHECK_EQ(s.batches, std::uint64_t(3));
  CHECK(balanced(s));
}

TEST(full_batch_is_sent_without_flush) {
  auto transport = std::make_shared<lumen::TestTransport>();
  lumen::Client client(test_config(transport));  // batch 10, interval 60 s
  for (int i = 0; i < 10; ++i) client.track("e");
  CHECK(eventually([&] { return transport->request_count() == 1; }));
  CHECK_EQ(event_count(*transport), std::size_t(10));
}

TEST(partial_batch_is_sent_after_flush_interval) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.batch_size = 100;
  cfg.flush_interval = milliseconds(100);
  lumen::Client client(cfg);
  client.track("a");
  client.track("b");
  CHECK(eventually([&] { return transport->request_count() == 1; }, milliseconds(3000)));
  CHECK_EQ(event_count(*transport), std::size_t(2));
}

TEST(identify_sets_user_for_later_events_and_reset_clears_it) {
  auto transport = std::make_shared<lumen::TestTransport>();
  lumen::Client client(test_config(transport));
  client.track("before");
  client.identify("user-42", {{"plan", "pro"}});
  client.track("after");
  client.reset();
  client.track("logged_out");
  CHECK(client.flush(kDeliveryBound));
  auto events = events_of(transport->requests().at(0));
  CHECK_EQ(events.size(), std::size_t(4));
  CHECK(events[0].get("user_id") == nullptr);
  CHECK_EQ(events[1].get("name")->string, std::string("$identify"));
  CHECK_EQ(events[1].get("user_id")->string, std::string("user-42"));
  CHECK_EQ(events[1].get("properties")->get("plan")->string, std::string("pro"));
  CHECK_EQ(events[2].get("user_id")->string, std::string("user-42"));
  CHECK(events[3].get("user_id") == nullptr);
}

TEST(invalid_events_are_dropped_at_the_door) {
  auto transport = std::make_shared<lumen::TestTransport>();
  lumen::Client client(test_config(transport));
  CHECK(!client.track(""));
  CHECK(!client.track(std::string(201, 'x')));
  CHECK(client.track(std::string(200, 'x')));
  CHECK(!client.identify(""));
  client.track("huge", {{"blob", std::string(40000, 'a')}});  // > 32 KB properties
  CHECK(client.flush(kDeliveryBound));
  auto s = client.stats();
  CHECK_EQ(s.sent, std::uint64_t(1));
  CHECK_EQ(s.dropped, std::uint64_t(4));
  CHECK(balanced(s));
}

TEST(server_rejections_count_as_dropped_and_duplicates_as_sent) {
  auto transport = std::make_shared<lumen::TestTransport>();
  transport->push_response(202, R"({"accepted":2,"duplicates":1,"rejected":[{"index":1,"code":"invalid","message":"bad"},{"index":3,"code":"invalid","message":"bad"}]})");
  lumen::Client client(test_config(transport));
  for (int i = 0; i < 5; ++i) client.track("e");
  CHECK(client.flush(kDeliveryBound));
  auto s = client.stats();
  CHECK_EQ(transport->request_count(), std::size_t(1));  // rejected events are never retried
  CHECK_EQ(s.sent, std::uint64_t(3));
  CHECK_EQ(s.duplicates, std::uint64_t(1));
  CHECK_EQ(s.dropped, std::uint64_t(2));
  CHECK(balanced(s));
}

TEST(payload_too_large_splits_the_batch) {
  auto transport = std::make_shared<lumen::TestTransport>();
  transport->push_response(413, R"({"error":{"code":"too_large","message":"x"}})");
  transport->push_response(413, R"({"error":{"code":"too_large","message":"x"}})");
  auto cfg = test_config(transport);
  cfg.batch_size = 8;
  lumen::Client client(cfg);
  for (int i = 0; i < 8; ++i) client.track("e", {{"i", i}});
  CHECK(client.flush(kDeliveryBound));
  auto requests = transport->requests();
  std::vector<std::size_t> sizes;
  for (auto& r : requests) sizes.push_back(events_of(r).size());
  CHECK(sizes == std::vector<std::size_t>({8, 4, 2, 2, 2, 2}));
  auto s = client.stats();
  CHECK_EQ(s.sent, std::uint64_t(8));
  CHECK_EQ(s.dropped, std::uint64_t(0));
}

TEST(single_event_413_is_dropped) {
  auto transport = std::make_shared<lumen::TestTransport>();
  transport->push_response(413);
  lumen::Client client(test_config(transport));
  client.track("e");
  client.flush(milliseconds(5000));
  auto s = client.stats();
  CHECK_EQ(s.dropped, std::uint64_t(1));
  CHECK_EQ(transport->request_count(), std::size_t(1));
}

TEST(concurrent_producers_are_all_delivered_exactly_once) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.batch_size = 50;
  cfg.queue_capacity = 100000;
  lumen::Client client(cfg);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) client.track("e", {{"t", t}, {"i", i}});
    });
  for (auto& th : threads) th.join();
  CHECK(client.flush(kDeliveryBound));
  std::set<std::string> ids;
  for (auto& r : transport->requests())
    for (auto& e : events_of(r)) ids.insert(e.get("event_id")->string);
  CHECK_EQ(ids.size(), std::size_t(8000));
  CHECK_EQ(event_count(*transport), std::size_t(8000));
}

TEST(static_api_round_trip) {
  auto transport = std::make_shared<lumen::TestTransport>();
  CHECK(!lumen::track("before_init"));
  CHECK(lumen::init(test_config(transport)));
  CHECK(lumen::identify("u1"));
  CHECK(lumen::track("hello", {{"k", "v"}}));
  CHECK(lumen::flush(kDeliveryBound));
  CHECK_EQ(lumen::stats().sent, std::uint64_t(2));
  CHECK(lumen::shutdown(milliseconds(1000)));
  CHECK(!lumen::track("after_shutdown"));
  CHECK_EQ(event_count(*transport), std::size_t(2));
}

TEST(test_mode_logs_payloads_instead_of_sending) {
  std::vector<std::string> logged;
  std::mutex mu;
  lumen::Config cfg;
  cfg.endpoint = "http://127.0.0.1:9";  // would fail if used
  cfg.test_mode = true;
  cfg.logger = [&](lumen::LogLevel level, std::string_view msg) {
    std::lock_guard<std::mutex> lock(mu);
    if (level == lumen::LogLevel::Info && msg.find("\"events\"") != std::string_view::npos) logged.emplace_back(msg);
  };
  lumen::Client client(cfg);
  client.track("t");
  CHECK(client.flush(kDeliveryBound));
  client.shutdown(milliseconds(1000));
  CHECK_EQ(logged.size(), std::size_t(1));
  CHECK_EQ(client.stats().sent, std::uint64_t(1));
}

TEST_MAIN()
