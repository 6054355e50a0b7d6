// App lifecycle and screen events: install once per storage path, open, foreground, background,
// screens and close, in call order, each with the app's version and build.
#include <filesystem>

#include "client_helpers.hpp"

using namespace lumen_test;
using std::chrono::milliseconds;

namespace {

std::vector<lumen::json::Node> all_events(const lumen::TestTransport& t) {
  std::vector<lumen::json::Node> out;
  for (const auto& r : t.requests())
    for (auto& e : events_of(r)) out.push_back(std::move(e));
  return out;
}

std::vector<std::string> names(const std::vector<lumen::json::Node>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.get("name")->string);
  return out;
}

lumen::Config lifecycle_config(std::shared_ptr<lumen::TestTransport> t, const std::string& dir) {
  auto cfg = test_config(std::move(t));
  cfg.storage_path = dir;
  cfg.track_lifecycle = true;
  cfg.app_version = "3.1.0";
  cfg.context.app_build = "3100";
  return cfg;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

}  // namespace

TEST(lifecycle_events_in_order_with_version_and_build) {
  const auto dir = temp_dir("lifecycle");
  auto transport = std::make_shared<lumen::TestTransport>();
  {
    lumen::Client client(lifecycle_config(transport, dir));
    CHECK(client.screen("Home"));
    CHECK(client.background());
    CHECK(client.foreground());
    CHECK(client.screen("Settings", {{"tab", "privacy"}}));
    CHECK(!client.screen(""));
    CHECK(client.shutdown(milliseconds(2000)));
  }
  const auto events = all_events(*transport);
  CHECK_EQ(join(names(events)),
           std::string("$app_installed,$app_opened,$screen,$app_background,$app_foreground,$screen,$app_closed"));
  for (const auto& e : events) {
    const auto* props = e.get("properties");
    CHECK(props && props->get("app_version") && props->get("app_version")->string == "3.1.0");
    CHECK(props && props->get("app_build") && props->get("app_build")->string == "3100");
    const auto* app = e.get("context")->get("app");
    CHECK(app && app->get("version")->string == "3.1.0" && app->get("build")->string == "3100");
  }
  CHECK_EQ(events[2].get("properties")->get("screen_name")->string, std::string("Home"));
  CHECK_EQ(events[5].get("properties")->get("tab")->string, std::string("privacy"));
  CHECK(events[6].get("properties")->get("session_ms")->is_number());
  // Timestamps never go backwards along the sequence.
  for (std::size_t i = 1; i < events.size(); ++i)
    CHECK(events[i - 1].get("timestamp")->string <= events[i].get("timestamp")->string);

  // The next start of the same install: opened, not installed again.
  auto again = std::make_shared<lumen::TestTransport>();
  {
    lumen::Client client(lifecycle_config(again, dir));
    CHECK(client.shutdown(milliseconds(2000)));
  }
  CHECK_EQ(join(names(all_events(*again))), std::string("$app_opened,$app_closed"));
  std::filesystem::remove_all(dir);
}

TEST(no_install_event_without_storage_and_none_unless_enabled) {
  auto transport = std::make_shared<lumen::TestTransport>();
  {
    auto cfg = lifecycle_config(transport, "");
    lumen::Client client(cfg);
    CHECK(client.shutdown(milliseconds(2000)));
  }
  CHECK_EQ(join(names(all_events(*transport))), std::string("$app_opened,$app_closed"));

  auto quiet = std::make_shared<lumen::TestTransport>();
  {
    lumen::Client client(test_config(quiet));
    client.track("only");
    CHECK(client.shutdown(milliseconds(2000)));
  }
  CHECK_EQ(join(names(all_events(*quiet))), std::string("only"));
}

TEST(static_api_screen_and_state_changes) {
  CHECK(!lumen::screen("before init"));
  auto transport = std::make_shared<lumen::TestTransport>();
  CHECK(lumen::init(test_config(transport)));
  CHECK(lumen::screen("Main"));
  CHECK(lumen::background());
  CHECK(lumen::foreground());
  CHECK(lumen::shutdown(milliseconds(2000)));
  CHECK(!lumen::background());
  CHECK_EQ(join(names(all_events(*transport))), std::string("$screen,$app_background,$app_foreground"));
}

TEST_MAIN()
