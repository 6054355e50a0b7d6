// In-memory hand-off queue between host threads and the worker.
#include <atomic>
#include <thread>

#include "event_queue.hpp"
#include "test_framework.hpp"

using lumen::BoundedQueue;
using namespace std::chrono;

TEST(rejects_when_full_and_keeps_fifo_order) {
  BoundedQueue<int> q(3, 100);
  for (int i = 0; i < 3; ++i) CHECK(q.try_push(int(i)));
  CHECK(!q.try_push(99));
  CHECK_EQ(q.size(), std::size_t(3));
  std::vector<int> out;
  q.drain(out);
  CHECK_EQ(out.size(), std::size_t(3));
  CHECK(out == std::vector<int>({0, 1, 2}));
  CHECK(q.try_push(4));  // room again after a drain
}

TEST(closed_queue_rejects) {
  BoundedQueue<int> q(10, 5);
  q.close();
  CHECK(!q.try_push(1));
}

TEST(threshold_wakes_consumer_before_deadline) {
  BoundedQueue<int> q(100, 5);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    for (int i = 0; i < 5; ++i) q.try_push(int(i));
  });
  std::vector<int> out;
  const auto start = steady_clock::now();
  while (out.empty() && steady_clock::now() - start < seconds(5)) q.wait_and_drain(out, steady_clock::now() + seconds(10));
  producer.join();
  CHECK(steady_clock::now() - start < seconds(5));
  CHECK(!out.empty());
}

TEST(wake_interrupts_wait) {
  BoundedQueue<int> q(100, 50);
  std::thread waker([&] {
    std::this_thread::sleep_for(milliseconds(20));
    q.wake();
  });
  std::vector<int> out;
  const auto start = steady_clock::now();
  q.wait_and_drain(out, steady_clock::now() + seconds(10));
  waker.join();
  CHECK(steady_clock::now() - start < seconds(5));
}

TEST(many_producers_one_consumer_lose_nothing) {
  constexpr int kProducers = 4, kPerProducer = 20000;
  BoundedQueue<std::pair<int, int>> q(1024, 64);
  std::atomic<int> rejected{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i)
        while (!q.try_push({p, i})) {
          rejected.fetch_add(1);  // full: a real caller drops; here we retry
          std::this_thread::yield();
        }
    });
  std::vector<int> next(kProducers, 0);
  int received = 0;
  bool in_order = true;
  std::thread consumer([&] {
    std::vector<std::pair<int, int>> out;
    while (!done.load() || q.size() > 0) {
      q.wait_and_drain(out, steady_clock::now() + milliseconds(5));
      for (auto& [p, i] : out) {
        in_order = in_order && next[p] == i;  // per-producer order preserved
        next[p] = i + 1;
        ++received;
      }
    }
  });
  for (auto& t : producers) t.join();
  done = true;
  consumer.join();
  CHECK_EQ(received, kProducers * kPerProducer);
  CHECK(in_order);
}

TEST_MAIN()
