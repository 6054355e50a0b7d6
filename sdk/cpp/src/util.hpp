// Small helpers: UUID v4, ISO-8601 timestamps, CRC-32. Internal to the SDK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace lumen::util {

// Milliseconds since the Unix epoch (wall clock).
std::int64_t now_unix_ms();

// "2026-11-23T10:00:00.000Z" for a Unix time in milliseconds (UTC).
// Uses civil-date arithmetic, not gmtime, so it is thread-safe everywhere.
std::string iso8601_utc(std::int64_t unix_ms);

// Random (version 4, RFC 9562 variant) UUIDs. Not thread-safe: one per thread.
class UuidGenerator {
 public:
  UuidGenerator();
  std::string next();

 private:
  std::mt19937_64 rng_;
};

// CRC-32 (IEEE 802.3, as used by zlib/PNG) of a byte range.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace lumen::util
