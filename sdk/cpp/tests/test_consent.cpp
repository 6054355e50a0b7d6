// Consent: granted / denied / pending, persistence of the opt-out.
#include <filesystem>
#include <fstream>

#include "client_helpers.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

TEST(denied_drops_everything_and_sends_nothing) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.consent = lumen::Consent::Denied;
  lumen::Client client(cfg);
  CHECK(!client.track("e"));
  CHECK(!client.identify("u"));
  client.flush(milliseconds(1000));
  client.shutdown(milliseconds(500));
  CHECK_EQ(transport->request_count(), std::size_t(0));
  auto s = client.stats();
  CHECK_EQ(s.dropped, std::uint64_t(2));
  CHECK(balanced(s));
}

TEST(pending_holds_events_in_memory_until_granted) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.consent = lumen::Consent::Pending;
  cfg.batch_size = 2;
  lumen::Client client(cfg);
  for (int i = 0; i < 5; ++i) CHECK(client.track("e"));
  client.flush(milliseconds(1000));
  std::this_thread::sleep_for(milliseconds(50));
  CHECK_EQ(transport->request_count(), std::size_t(0));
  CHECK_EQ(client.stats().queued, std::uint64_t(5));
  client.set_consent(lumen::Consent::Granted);
  CHECK(eventually([&] { return client.stats().sent == 4; }));  // two full batches
  CHECK(client.flush(kDeliveryBound));  // and the rest
  CHECK_EQ(client.stats().sent, std::uint64_t(5));
  CHECK_EQ(event_count(*transport), std::size_t(5));
}

TEST(pending_then_denied_discards_held_events) {
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.consent = lumen::Consent::Pending;
  lumen::Client client(cfg);
  for (int i = 0; i < 5; ++i) client.track("e");
  client.flush(milliseconds(1000));
  client.set_consent(lumen::Consent::Denied);
  CHECK(!client.track("after"));
  client.flush(milliseconds(1000));
  client.shutdown(milliseconds(500));
  CHECK_EQ(transport->request_count(), std::size_t(0));
  auto s = client.stats();
  CHECK_EQ(s.dropped, std::uint64_t(6));
  CHECK(balanced(s));
}

TEST(pending_events_never_touch_disk) {
  const auto dir = temp_dir("consent");
  {
    auto transport = std::make_shared<lumen::TestTransport>();
    auto cfg = test_config(transport);
    cfg.storage_path = dir;
    cfg.consent = lumen::Consent::Pending;
    lumen::Client client(cfg);
    for (int i = 0; i < 5; ++i) client.track("e");
    client.shutdown(milliseconds(500));
    CHECK_EQ(client.stats().persisted, std::uint64_t(0));
  }
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.storage_path = dir;
  lumen::Client client(cfg);
  client.shutdown(milliseconds(500));
  CHECK_EQ(client.stats().recovered, std::uint64_t(0));
  std::filesystem::remove_all(dir);
}

TEST(opt_out_is_persisted_and_wipes_the_outbox) {
  const auto dir = temp_dir("consent");
  {
    auto transport = std::make_shared<lumen::TestTransport>();
    transport->set_offline(true);
    auto cfg = test_config(transport);
    cfg.storage_path = dir;
    lumen::Client client(cfg);
    for (int i = 0; i < 5; ++i) client.track("e");
    client.flush();
    CHECK(eventually([&] { return client.stats().persisted == 5; }));
    client.set_consent(lumen::Consent::Denied);
    CHECK(eventually([&] { return client.stats().persisted == 0; }));
    client.shutdown(milliseconds(500));
  }
  CHECK(std::filesystem::exists(std::filesystem::path(dir) / "consent"));
  auto transport = std::make_shared<lumen::TestTransport>();
  auto cfg = test_config(transport);
  cfg.storage_path = dir;
  cfg.consent = lumen::Consent::Granted;  // the app default; the user's opt-out wins
  lumen::Client client(cfg);
  CHECK(client.consent() == lumen::Consent::Denied);
  CHECK(!client.track("e"));
  client.shutdown(milliseconds(500));
  CHECK_EQ(client.stats().recovered, std::uint64_t(0));
  CHECK_EQ(transport->request_count(), std::size_t(0));
  // Opting back in is persisted as well.
  {
    auto t2 = std::make_shared<lumen::TestTransport>();
    auto c2 = test_config(t2);
    c2.storage_path = dir;
    lumen::Client again(c2);
    again.set_consent(lumen::Consent::Granted);
    CHECK(eventually([&] {
      std::ifstream in(std::filesystem::path(dir) / "consent");
      std::string s;
      in >> s;
      return s == "granted";
    }));
  }
  std::filesystem::remove_all(dir);
}

TEST(persisted_anonymous_id_only_when_configured) {
  const auto dir = temp_dir("consent");
  std::string first_id;
  for (int run = 0; run < 2; ++run) {
    auto transport = std::make_shared<lumen::TestTransport>();
    auto cfg = test_config(transport);
    cfg.storage_path = dir;
    cfg.persist_anonymous_id = true;
    lumen::Client client(cfg);
    client.track("e");
    client.flush(milliseconds(5000));
    auto events = events_of(transport->requests().at(0));
    const auto* anon = events.at(0).get("anonymous_id");
    CHECK(anon != nullptr);
    if (anon && run == 0) first_id = anon->string;
    if (anon && run == 1) CHECK_EQ(anon->string, first_id);  // stable across restarts
  }
  std::filesystem::remove_all(dir);
}

TEST_MAIN()
