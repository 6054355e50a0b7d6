// The outbox: serialized events waiting for delivery, oldest first, bounded
// in bytes, optionally backed by a crash-safe append-only file.
//
// On-disk format (queue.log):
//   "LUMENQ01"                                   8-byte file header
//   records: u32 body_len | u32 crc32(body) | body   (little-endian)
//   body:    u8 kind | u64 seq | payload
//     kind 1 = event  (payload = event JSON)
//     kind 2 = ack    (no payload; every event with seq <= this one is done)
// Events are only ever appended; delivery appends an ack. Loading replays
// the log and stops at the first record whose length or checksum is wrong
// (a write torn by a crash), which is then cut off. The file is rewritten
// (temp file + fsync + rename) to drop acknowledged records when they
// dominate, and when eviction is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "platform.hpp"

namespace lumen {

class FileQueue {
 public:
  struct OpenResult {
    std::size_t recovered = 0;   // events loaded from disk
    std::size_t evicted = 0;     // recovered events over the size bound
    bool torn_tail = false;      // a partial/corrupt record was cut off
    bool durable = false;        // false = memory only (no dir, or it failed)
    std::string error;           // why durable is false despite a dir
  };

  FileQueue() = default;
  ~FileQueue();
  FileQueue(const FileQueue&) = delete;
  FileQueue& operator=(const FileQueue&) = delete;

  // `dir` empty = memory only. max_bytes bounds the log file (or, in memory,
  // the same accounting), oldest events evicted first.
  OpenResult open(const std::string& dir, std::size_t max_bytes);

  // Appends events; returns how many old (or new, if a single append is
  // over the bound) events were evicted to stay within max_bytes.
  std::size_t append(std::vector<std::string>&& events);

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::string& at(std::size_t i) const { return entries_[i].json; }

  // Removes the n oldest events (delivered or permanently dropped).
  void pop_front(std::size_t n);
  void clear();    // drop everything, on disk too
  void sync();     // fsync the log
  void close();    // sync + release the file and its lock

  bool durable() const { return file_ != nullptr; }
  std::size_t file_bytes() const { return file_bytes_; }  // bytes accounted (file size when durable)

  static constexpr std::size_t kRecordOverhead = 4 + 4 + 1 + 8;
  static constexpr std::size_t kFileHeaderSize = 8;

 private:
  struct Entry {
    std::uint64_t seq;
    std::string json;
  };

  bool load(OpenResult& result);
  bool rewrite();  // compaction: write only live entries
  void write_record(std::string& buf, std::uint8_t kind, std::uint64_t seq, const std::string& payload);
  bool write_all(const std::string& buf);
  void fail_to_memory(const char* what);
  std::size_t evict_to(std::size_t target_live_bytes);

  std::string path_;
  std::FILE* file_ = nullptr;
  platform::FileLock lock_;
  std::size_t max_bytes_ = 0;
  std::deque<Entry> entries_;
  std::uint64_t next_seq_ = 1;
  std::size_t live_bytes_ = 0;  // on-disk bytes of undelivered events
  std::size_t file_bytes_ = kFileHeaderSize;
};

}  // namespace lumen
