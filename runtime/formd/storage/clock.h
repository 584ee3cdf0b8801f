// The time the store writes (created_at, expires_at, …) and compares
// against (session expiry). The store owns no clock: it is given one, so
// tests can move time instead of waiting or writing negative lifetimes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace formd::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix seconds.
  [[nodiscard]] virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock tests set and advance (thread-safe).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start) : now_(start) {}
  [[nodiscard]] std::int64_t now() const override { return now_.load(); }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace formd::storage
