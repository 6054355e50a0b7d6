// lumen_bench: cost of track() on the calling thread, and end-to-end
// throughput (events/s serialized, batched and handed to a transport).
//
//   lumen_bench [events=200000]
// With LUMEN_ENDPOINT and LUMEN_WRITE_KEY set, also measures events/s
// against that real endpoint over libcurl (LUMEN_BENCH_REMOTE_EVENTS, default 5000).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "lumen/lumen.hpp"

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Result {
  double track_ns_per_call;
  double track_p50_ns;
  double track_p99_ns;
  double events_per_second;
  lumen::Stats stats;
};

// Tracks `events` events from `threads` threads, then waits for delivery.
Result run(lumen::Config cfg, std::size_t events, int threads) {
  // Measure the hand-off, not queue-full drops or outbox eviction.
  cfg.queue_capacity = events + 1;
  cfg.max_storage_bytes = std::max<std::size_t>(cfg.max_storage_bytes, events * 1024);
  lumen::Client client(cfg);
  const lumen::Properties props{{"screen", "editor"}, {"duration_ms", 1234}, {"ok", true}};

  std::vector<double> per_thread_ns(threads);
  std::vector<std::vector<double>> samples(threads);
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const std::size_t share = events / threads;
      auto& mine = samples[t];
      mine.reserve(share / 64 + 1);
      const auto t0 = Clock::now();
      for (std::size_t i = 0; i < share; ++i) {
        lumen::Properties copy = props;  // a realistic call builds its properties
        if (i % 64 == 0) {
          const auto s0 = Clock::now();
          client.track("bench_event", std::move(copy));
          mine.push_back(std::chrono::duration<double, std::nano>(Clock::now() - s0).count());
        } else {
          client.track("bench_event", std::move(copy));
        }
      }
      per_thread_ns[t] = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / share;
    });
  for (auto& th : pool) th.join();
  client.flush(milliseconds(120000));
  const double elapsed = seconds_since(start);
  client.shutdown(milliseconds(5000));

  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.track_ns_per_call = 0;
  for (double ns : per_thread_ns) r.track_ns_per_call += ns / threads;
  r.track_p50_ns = all.empty() ? 0 : all[all.size() / 2];
  r.track_p99_ns = all.empty() ? 0 : all[all.size() * 99 / 100];
  r.stats = client.stats();
  r.events_per_second = r.stats.sent / elapsed;
  return r;
}

// Cost of building the properties map alone, to separate it from track().
double props_copy_ns(std::size_t n) {
  const lumen::Properties props{{"screen", "editor"}, {"duration_ms", 1234}, {"ok", true}};
  std::size_t sink = 0;
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    lumen::Properties copy = props;
    sink += copy.size();
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / n;
  return sink ? ns : 0;
}

void print(const char* label, const Result& r) {
  std::printf("%-36s track(): mean %5.0f ns/call, p50 %4.0f ns, p99 %5.0f ns | delivered: %7.0f events/s | sent=%llu dropped=%llu evicted=%llu\n",
              label, r.track_ns_per_call, r.track_p50_ns, r.track_p99_ns, r.events_per_second,
              static_cast<unsigned long long>(r.stats.sent), static_cast<unsigned long long>(r.stats.dropped), static_cast<unsigned long long>(r.stats.evicted));
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  std::printf("lumen_bench: %zu events, batch size 1000, 3 properties per event\n", events);
  std::printf("properties map copy alone (included below): %.0f ns\n", props_copy_ns(events));

  lumen::Config base;
  base.endpoint = "http://bench.invalid";
  base.write_key = "bench";
  base.batch_size = 1000;
  base.flush_interval = milliseconds(1000);

  {
    // Warm-up (discarded): first-touch page faults and heap growth would
    // otherwise be charged to whichever case runs first.
    auto cfg = base;
    cfg.transport = std::make_shared<lumen::TestTransport>(lumen::TestTransport::Options{false});
    run(cfg, events, 1);
    print("test transport, memory, 1 thread", run(cfg, events, 1));
  }
  {
    auto cfg = base;
    cfg.transport = std::make_shared<lumen::TestTransport>(lumen::TestTransport::Options{false});
    print("test transport, memory, 2 threads", run(cfg, events, 2));
  }
  {
    auto dir = std::filesystem::temp_directory_path() / "lumen-bench-storage";
    std::filesystem::remove_all(dir);
    auto cfg = base;
    cfg.storage_path = dir.string();
    cfg.max_storage_bytes = 256u << 20;
    cfg.transport = std::make_shared<lumen::TestTransport>(lumen::TestTransport::Options{false});
    print("test transport, file outbox, 1 thr", run(cfg, events, 1));
    std::filesystem::remove_all(dir);
  }

  const char* endpoint = std::getenv("LUMEN_ENDPOINT");
  const char* key = std::getenv("LUMEN_WRITE_KEY");
  if (endpoint && key && *endpoint && *key) {
    const char* n = std::getenv("LUMEN_BENCH_REMOTE_EVENTS");
    auto cfg = base;
    cfg.endpoint = endpoint;
    cfg.write_key = key;
    cfg.batch_size = 500;
    print("libcurl -> LUMEN_ENDPOINT", run(cfg, n ? std::strtoull(n, nullptr, 10) : 5000, 1));
  } else {
    std::printf("(set LUMEN_ENDPOINT and LUMEN_WRITE_KEY to also measure a real endpoint)\n");
  }
  return 0;
}
