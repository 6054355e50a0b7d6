#include "file_queue.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util.hpp"

namespace lumen {
namespace {

constexpr char kMagic[FileQueue::kFileHeaderSize] = {'L', 'U', 'M', 'E', 'N', 'Q', '0', '1'};
constexpr std::uint8_t kKindEvent = 1;
constexpr std::uint8_t kKindAck = 2;
// Larger records cannot be valid (a batch body is at most 1 MB): treat as torn.
constexpr std::uint32_t kMaxBodySize = 4u << 20;
// Acknowledged bytes tolerated in the log before it is compacted.
constexpr std::size_t kMinDeadBytesForCompaction = 256 * 1024;

void put_u32(std::string& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_u64(std::string& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::size_t record_size(const std::string& payload) {
  return FileQueue::kRecordOverhead + payload.size();
}

}  // namespace

FileQueue::~FileQueue() { close(); }

FileQueue::OpenResult FileQueue::open(const std::string& dir, std::size_t max_bytes) {
  close();
  entries_.clear();
  live_bytes_ = 0;
  file_bytes_ = kFileHeaderSize;
  max_bytes_ = std::max<std::size_t>(max_bytes, 4096);
  OpenResult result;
  if (dir.empty()) return result;

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir), ec);
  if (ec) {
    result.error = "cannot create storage directory: " + ec.message();
    return result;
  }
  if (!lock_.acquire((fs::path(dir) / "queue.lock").string())) {
    result.error = "storage directory is in use by another Lumen client";
    return result;
  }
  path_ = (fs::path(dir) / "queue.log").string();
  if (!load(result)) {
    lock_.release();
    return result;
  }
  // Recovered more than the (possibly lowered) bound allows: oldest go first.
  if (kFileHeaderSize + live_bytes_ > max_bytes_) result.evicted = evict_to(max_bytes_ - kFileHeaderSize);
  result.recovered = entries_.size();
  // Start from a clean file: no acks, no torn tail, nothing past the bound.
  if (!rewrite()) {
    result.error = "cannot write " + path_;
    lock_.release();
    return result;
  }
  result.durable = true;
  return result;
}

bool FileQueue::load(OpenResult& result) {
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (!f) return true;  // no log yet
  std::string data;
  char chunk[65536];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.append(chunk, n);
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) {
    result.error = "cannot read " + path_;
    return false;
  }
  if (data.size() < kFileHeaderSize || std::memcmp(data.data(), kMagic, kFileHeaderSize) != 0) {
    // Empty (crash right after creation) or not ours: start over.
    result.torn_tail = !data.empty();
    return true;
  }

  std::uint64_t acked_through = 0, max_seq = 0;
  std::size_t pos = kFileHeaderSize;
  while (pos < data.size()) {
    if (data.size() - pos < 8) break;
    const auto body_len = static_cast<std::uint32_t>(get_le(&data[pos], 4));
    const auto crc = static_cast<std::uint32_t>(get_le(&data[pos + 4], 4));
    if (body_len < 9 || body_len > kMaxBodySize || data.size() - pos - 8 < body_len) break;
    const char* body = &data[pos + 8];
    if (util::crc32(body, body_len) != crc) break;
    const auto kind = static_cast<std::uint8_t>(body[0]);
    const std::uint64_t seq = get_le(body + 1, 8);
    max_seq = std::max(max_seq, seq);
    if (kind == kKindEvent) {
      std::string json(body + 9, body_len - 9);
      live_bytes_ += record_size(json);
      entries_.push_back(Entry{seq, std::move(json)});
    } else if (kind == kKindAck) {
      acked_through = std::max(acked_through, seq);
    }
    pos += 8 + body_len;
  }
  result.torn_tail = pos < data.size();
  while (!entries_.empty() && entries_.front().seq <= acked_through) {
    live_bytes_ -= record_size(entries_.front().json);
    entries_.pop_front();
  }
  next_seq_ = max_seq + 1;
  return true;
}

void FileQueue::write_record(std::string& buf, std::uint8_t kind, std::uint64_t seq,
                             const std::string& payload) {
  std::string body;
  body.reserve(9 + payload.size());
  body += static_cast<char>(kind);
  put_u64(body, seq);
  body += payload;
  put_u32(buf, static_cast<std::uint32_t>(body.size()));
  put_u32(buf, util::crc32(body.data(), body.size()));
  buf += body;
}

bool FileQueue::write_all(const std::string& buf) {
  if (!file_) return false;
  // fflush hands the bytes to the OS: they survive a crash of this process
  // (not a power loss; close()/rewrite() fsync for that).
  if (std::fwrite(buf.data(), 1, buf.size(), file_) != buf.size() || std::fflush(file_) != 0) {
    fail_to_memory("write");
    return false;
  }
  return true;
}

void FileQueue::fail_to_memory(const char* /*what*/) {
  // Disk full / removed directory: keep working from memory; the entries are
  // all still in `entries_`.
  if (file_) std::fclose(file_);
  file_ = nullptr;
  lock_.release();
  file_bytes_ = kFileHeaderSize + live_bytes_;
}

bool FileQueue::rewrite() {
  if (path_.empty()) return false;
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  const std::string tmp = path_ + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  std::string buf(kMagic, kFileHeaderSize);
  for (const Entry& e : entries_) write_record(buf, kKindEvent, e.seq, e.json);
  bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  // An empty log has nothing to lose, so skip the (slow) fsync for it.
  ok = ok && (entries_.empty() ? std::fflush(f) == 0 : platform::sync_file(f));
  ok = (std::fclose(f) == 0) && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path_, ec);  // atomic replace
  if (!ok || ec) {
    std::filesystem::remove(tmp, ec);
    return false;
  }
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) return false;
  file_bytes_ = buf.size();
  return true;
}

std::size_t FileQueue::evict_to(std::size_t target_live_bytes) {
  std::size_t evicted = 0;
  while (!entries_.empty() && live_bytes_ > target_live_bytes) {
    live_bytes_ -= record_size(entries_.front().json);
    entries_.pop_front();
    ++evicted;
  }
  return evicted;
}

std::size_t FileQueue::append(std::vector<std::string>&& events) {
  if (events.empty()) return 0;
  std::size_t new_bytes = 0;
  for (const auto& e : events) new_bytes += record_size(e);

  if (file_bytes_ + new_bytes <= max_bytes_) {
    if (file_) {
      std::string buf;
      buf.reserve(new_bytes);
      for (std::size_t i = 0; i < events.size(); ++i) write_record(buf, kKindEvent, next_seq_ + i, events[i]);
      write_all(buf);
    }
    for (auto& e : events) entries_.push_back(Entry{next_seq_++, std::move(e)});
    live_bytes_ += new_bytes;
    file_bytes_ = file_ ? file_bytes_ + new_bytes : kFileHeaderSize + live_bytes_;
    return 0;
  }

  // Over the bound: acknowledged bytes are reclaimed by rewriting; if live
  // events alone are still too many, evict the oldest down to 7/8 of the
  // bound so that a full outbox is not rewritten on every append.
  for (auto& e : events) entries_.push_back(Entry{next_seq_++, std::move(e)});
  live_bytes_ += new_bytes;
  std::size_t evicted = 0;
  const std::size_t capacity = max_bytes_ - kFileHeaderSize;
  if (live_bytes_ > capacity) evicted = evict_to(capacity - capacity / 8);
  if (file_) {
    if (!rewrite()) fail_to_memory("rewrite");
  }
  file_bytes_ = file_ ? file_bytes_ : kFileHeaderSize + live_bytes_;
  return evicted;
}

void FileQueue::pop_front(std::size_t n) {
  n = std::min(n, entries_.size());
  if (n == 0) return;
  const std::uint64_t last_seq = entries_[n - 1].seq;
  for (std::size_t i = 0; i < n; ++i) {
    live_bytes_ -= record_size(entries_.front().json);
    entries_.pop_front();
  }
  if (!file_) {
    file_bytes_ = kFileHeaderSize + live_bytes_;
    return;
  }
  const std::size_t dead_bytes = file_bytes_ - kFileHeaderSize - live_bytes_;
  if (entries_.empty() || dead_bytes > std::max(live_bytes_, kMinDeadBytesForCompaction)) {
    if (!rewrite()) fail_to_memory("rewrite");
    return;
  }
  std::string buf;
  write_record(buf, kKindAck, last_seq, std::string());
  if (write_all(buf)) file_bytes_ += buf.size();
}

void FileQueue::clear() {
  entries_.clear();
  live_bytes_ = 0;
  if (file_) {
    if (!rewrite()) fail_to_memory("rewrite");
  } else {
    file_bytes_ = kFileHeaderSize;
  }
}

void FileQueue::sync() {
  if (file_) platform::sync_file(file_);
}

void FileQueue::close() {
  if (file_) {
    platform::sync_file(file_);
    std::fclose(file_);
    file_ = nullptr;
  }
  lock_.release();
}

}  // namespace lumen
