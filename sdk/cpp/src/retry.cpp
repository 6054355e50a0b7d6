#include "retry.hpp"

#include <algorithm>
#include <cmath>

namespace lumen::retry {

Outcome classify(int status) {
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return Outcome::Retry;
  if (status == 413) return Outcome::Split;
  return Outcome::Drop;  // 1xx/3xx (unexpected) and 4xx: resending cannot help
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double random01) {
  const double initial = static_cast<double>(std::max<long long>(policy.initial_backoff.count(), 0));
  const double cap = static_cast<double>(std::max<long long>(policy.max_backoff.count(), 0));
  const double multiplier = std::max(policy.multiplier, 1.0);
  const int exponent = std::clamp(failures - 1, 0, 64);
  double delay = std::min(initial * std::pow(multiplier, exponent), cap);
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  // Jitter spreads clients that failed together (e.g. after an outage).
  delay *= 1.0 + jitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0);
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(delay, 0.0, cap)));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  long long seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::milliseconds(seconds * 1000);
}

std::chrono::milliseconds next_delay(const RetryPolicy& policy, int failures, int http_status,
                                     std::string_view retry_after_header, double random01) {
  if (http_status == 429 || http_status == 503) {
    if (auto server = parse_retry_after(retry_after_header))
      return std::min(*server, policy.max_retry_after);
  }
  return backoff_delay(policy, failures, random01);
}

}  // namespace lumen::retry
