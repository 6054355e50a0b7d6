// Delivery decisions: how to treat an HTTP status, how long to back off.
// Pure functions so they are unit-tested without clocks or sockets.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "lumen/lumen.hpp"

namespace lumen::retry {

enum class Outcome {
  Delivered,  // 2xx
  Retry,      // network error, 408, 429, 5xx: keep the batch, back off
  Split,      // 413: retry the batch in halves
  Drop,       // any other status: the batch can never succeed, count as dropped
};

Outcome classify(int http_status);

// Delay before attempt `failures + 1`, after `failures` (>= 1) consecutive
// failures: initial * multiplier^(failures-1), capped at max_backoff, then
// scaled by a jitter factor in [1 - jitter, 1 + jitter] drawn from random01.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double random01);

// Retry-After as delta-seconds ("120"). HTTP-dates and junk -> nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

// The delay to wait after a failed attempt: the server's Retry-After (for
// 429/503, capped by max_retry_after) when present, else backoff_delay().
std::chrono::milliseconds next_delay(const RetryPolicy& policy, int failures, int http_status,
                                     std::string_view retry_after_header, double random01);

}  // namespace lumen::retry
