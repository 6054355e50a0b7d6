// Outbox persistence: append/ack, restart recovery, torn/corrupt records,
// size bound with oldest-first eviction, single-writer lock.
#include <filesystem>
#include <fstream>

#include "file_queue.hpp"
#include "test_framework.hpp"

using lumen::FileQueue;
namespace fs = std::filesystem;

static std::vector<std::string> events(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("{\"n\":" + std::to_string(i) + "}");
  return out;
}
static std::string log_path(const std::string& dir) { return (fs::path(dir) / "queue.log").string(); }

TEST(persists_and_recovers_only_unacknowledged_events) {
  const auto dir = lumen_test::temp_dir("fq");
  {
    FileQueue q;
    auto r = q.open(dir, 1 << 20);
    CHECK(r.durable);
    CHECK_EQ(r.recovered, std::size_t(0));
    q.append(events(0, 10));
    q.pop_front(4);  // delivered
    CHECK_EQ(q.size(), std::size_t(6));
    CHECK_EQ(q.at(0), std::string("{\"n\":4}"));
  }  // no explicit close: destructor, as after a normal exit
  FileQueue q;
  auto r = q.open(dir, 1 << 20);
  CHECK(r.durable);
  CHECK(!r.torn_tail);
  CHECK_EQ(r.recovered, std::size_t(6));
  CHECK_EQ(q.at(0), std::string("{\"n\":4}"));
  CHECK_EQ(q.at(5), std::string("{\"n\":9}"));
  // Sequence numbers continue after a restart: new events ack correctly.
  q.append(events(10, 12));
  q.pop_front(7);
  q.close();
  FileQueue again;
  CHECK_EQ(again.open(dir, 1 << 20).recovered, std::size_t(1));
  CHECK_EQ(again.at(0), std::string("{\"n\":11}"));
  fs::remove_all(dir);
}

TEST(fully_delivered_log_shrinks_to_header) {
  const auto dir = lumen_test::temp_dir("fq");
  FileQueue q;
  q.open(dir, 1 << 20);
  q.append(events(0, 100));
  CHECK(fs::file_size(log_path(dir)) > 1000);
  q.pop_front(100);
  CHECK_EQ(static_cast<std::size_t>(fs::file_size(log_path(dir))), FileQueue::kFileHeaderSize);
  fs::remove_all(dir);
}

TEST(truncated_last_record_is_skipped_not_fatal) {
  const auto dir = lumen_test::temp_dir("fq");
  {
    FileQueue q;
    q.open(dir, 1 << 20);
    q.append(events(0, 5));
  }
  // Simulate a crash in the middle of writing the last record, at every
  // possible cut point inside it.
  const auto full = fs::file_size(log_path(dir));
  const std::size_t last_record = FileQueue::kRecordOverhead + std::string("{\"n\":4}").size();
  for (std::size_t cut = 1; cut < last_record; ++cut) {
    const auto copy = lumen_test::temp_dir("fq-cut");
    fs::copy_file(log_path(dir), log_path(copy));
    fs::resize_file(log_path(copy), full - cut);
    FileQueue q;
    auto r = q.open(copy, 1 << 20);
    CHECK(r.durable);
    CHECK(r.torn_tail);
    CHECK_EQ(r.recovered, std::size_t(4));
    // The queue keeps working, and the next start sees a clean log.
    q.append(events(100, 101));
    q.close();
    FileQueue reopened;
    auto r2 = reopened.open(copy, 1 << 20);
    CHECK(!r2.torn_tail);
    CHECK_EQ(r2.recovered, std::size_t(5));
    CHECK_EQ(reopened.at(4), std::string("{\"n\":100}"));
    reopened.close();
    fs::remove_all(copy);
  }
  fs::remove_all(dir);
}

TEST(corrupted_checksum_stops_replay_at_that_record) {
  const auto dir = lumen_test::temp_dir("fq");
  {
    FileQueue q;
    q.open(dir, 1 << 20);
    q.append(events(0, 3));
  }
  {
    std::fstream f(log_path(dir), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);  // flip a payload byte of the last record
    f.put('X');
  }
  FileQueue q;
  auto r = q.open(dir, 1 << 20);
  CHECK(r.torn_tail);
  CHECK_EQ(r.recovered, std::size_t(2));
  fs::remove_all(dir);
}

TEST(foreign_or_empty_file_starts_fresh) {
  const auto dir = lumen_test::temp_dir("fq");
  { std::ofstream(log_path(dir)) << "not a lumen queue"; }
  FileQueue q;
  auto r = q.open(dir, 1 << 20);
  CHECK(r.durable);
  CHECK_EQ(r.recovered, std::size_t(0));
  q.close();
  { std::ofstream(log_path(dir), std::ios::trunc); }  // zero-length
  CHECK_EQ(q.open(dir, 1 << 20).recovered, std::size_t(0));
  fs::remove_all(dir);
}

TEST(size_bound_evicts_oldest_first) {
  const auto dir = lumen_test::temp_dir("fq");
  const std::size_t max_bytes = 8192;
  FileQueue q;
  q.open(dir, max_bytes);
  std::size_t evicted = 0;
  for (int i = 0; i < 2000; i += 10) {
    evicted += q.append(events(i, i + 10));
    CHECK(static_cast<std::size_t>(fs::file_size(log_path(dir))) <= max_bytes);
  }
  CHECK(evicted > 0);
  CHECK_EQ(evicted + q.size(), std::size_t(2000));
  // What is left is the newest events, in order.
  CHECK_EQ(q.at(q.size() - 1), std::string("{\"n\":1999}"));
  CHECK_EQ(q.at(0), "{\"n\":" + std::to_string(evicted) + "}");
  q.close();
  FileQueue reopened;
  CHECK_EQ(reopened.open(dir, max_bytes).recovered, 2000 - evicted);
  // Reopening with a smaller bound evicts on load, oldest first.
  reopened.close();
  FileQueue smaller;
  auto r = smaller.open(dir, 4096);
  CHECK(r.evicted > 0);
  CHECK_EQ(r.recovered + r.evicted, 2000 - evicted);
  CHECK_EQ(smaller.at(smaller.size() - 1), std::string("{\"n\":1999}"));
  fs::remove_all(dir);
}

TEST(memory_mode_applies_the_same_bound) {
  FileQueue q;
  auto r = q.open("", 4096);
  CHECK(!r.durable);
  std::size_t evicted = q.append(events(0, 1000));
  CHECK(evicted > 0);
  CHECK_EQ(evicted + q.size(), std::size_t(1000));
  CHECK(q.file_bytes() <= 4096);
}

TEST(second_writer_on_same_directory_falls_back_to_memory) {
  const auto dir = lumen_test::temp_dir("fq");
  FileQueue first, second;
  CHECK(first.open(dir, 1 << 20).durable);
  auto r = second.open(dir, 1 << 20);
  CHECK(!r.durable);
  CHECK(!r.error.empty());
  first.close();
  CHECK(second.open(dir, 1 << 20).durable);
  fs::remove_all(dir);
}

TEST(clear_wipes_disk) {
  const auto dir = lumen_test::temp_dir("fq");
  FileQueue q;
  q.open(dir, 1 << 20);
  q.append(events(0, 50));
  q.clear();
  q.close();
  CHECK_EQ(q.open(dir, 1 << 20).recovered, std::size_t(0));
  fs::remove_all(dir);
}

TEST_MAIN()
