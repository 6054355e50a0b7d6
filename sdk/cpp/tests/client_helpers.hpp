// Helpers for tests that drive a Client against a TestTransport.
#pragma once

#include <chrono>
#include <memory>
#include <set>

#include "json.hpp"
#include "lumen/lumen.hpp"
#include "test_framework.hpp"

namespace lumen_test {

// How long a test lets a flush take that must succeed: flush returns once the queue is empty, so
// the bound costs nothing when delivery works. Under the sanitizers, beside other suites on a
// loaded two-core machine, 8,000 events took over 10 s.
inline constexpr std::chrono::milliseconds kDeliveryBound{120000};

// Config that never sends on its own timers unless a test asks for it.
inline lumen::Config test_config(std::shared_ptr<lumen::TestTransport> transport) {
  lumen::Config c;
  c.endpoint = "http://lumen.test/";
  c.write_key = "wk_test";
  c.app_version = "1.2.3";
  c.batch_size = 10;
  c.flush_interval = std::chrono::milliseconds(60000);
  c.retry.initial_backoff = std::chrono::milliseconds(20);
  c.retry.max_backoff = std::chrono::milliseconds(100);
  c.retry.jitter = 0;
  c.transport = std::move(transport);
  return c;
}

// Events of one request body, parsed.
inline std::vector<lumen::json::Node> events_of(const lumen::HttpRequest& r) {
  auto doc = lumen::json::parse(r.body);
  if (!doc || !doc->get("events") || !doc->get("events")->is_array()) return {};
  return doc->get("events")->array;
}

inline std::size_t event_count(const lumen::TestTransport& t) {
  std::size_t n = 0;
  for (const auto& r : t.requests()) n += events_of(r).size();
  return n;
}

// Checks the accounting identity of Stats once the client is idle.
inline bool balanced(const lumen::Stats& s) {
  return s.tracked + s.recovered == s.sent + s.dropped + s.evicted + s.persisted + s.queued;
}

}  // namespace lumen_test
