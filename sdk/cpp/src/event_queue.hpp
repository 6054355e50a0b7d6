// Bounded multi-producer / single-consumer hand-off between the host's
// threads (track) and the worker.
//
// Producers hold the mutex only to move one item into a pre-reserved vector
// (no allocation under the lock); the consumer swaps the whole vector out in
// O(1). So the lock is always short, and a full queue rejects instead of
// blocking. Producers signal the consumer only when the queue reaches the
// wake threshold, not on every push.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace lumen {

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(std::size_t capacity, std::size_t wake_threshold)
      : capacity_(capacity == 0 ? 1 : capacity),
        wake_threshold_(wake_threshold == 0 ? 1 : wake_threshold) {
    items_.reserve(capacity_);
  }

  // False (item untouched) when full or closed.
  bool try_push(T&& item) {
    bool notify;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
      notify = items_.size() == wake_threshold_;
    }
    if (notify) cv_.notify_one();
    return true;
  }

  // Wakes the consumer now (flush, shutdown, consent change).
  void wake() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      woken_ = true;
    }
    cv_.notify_one();
  }

  // Consumer: waits until `deadline`, a wake(), or the wake threshold, then
  // moves everything queued into `out` (which it clears first).
  template <typename Clock, typename Duration>
  void wait_and_drain(std::vector<T>& out, std::chrono::time_point<Clock, Duration> deadline) {
    prepare(out);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return woken_ || items_.size() >= wake_threshold_; });
    woken_ = false;
    swap_out(out);
  }

  // Consumer: takes what is queued without waiting.
  void drain(std::vector<T>& out) {
    prepare(out);
    std::lock_guard<std::mutex> lock(mu_);
    swap_out(out);
  }

  // Rejects further pushes (after shutdown).
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  // Outside the lock: the consumer's buffer becomes the producers' buffer
  // at the swap, so it must already be empty and fully reserved.
  void prepare(std::vector<T>& out) {
    out.clear();
    if (out.capacity() < capacity_) out.reserve(capacity_);
  }
  void swap_out(std::vector<T>& out) { items_.swap(out); }

  const std::size_t capacity_;
  const std::size_t wake_threshold_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
  bool woken_ = false;
  bool closed_ = false;
};

}  // namespace lumen
