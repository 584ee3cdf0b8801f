// When the outbox worker tries an email again after a temporary failure.
//
// Contract of next_attempt_delay(attempts_made, policy):
//   - attempts_made is how many attempts have been made so far (1 after the
//     first one failed); all of them failed temporarily (a permanent failure
//     is given up at once, whatever this says);
//   - returns the wait before the next attempt: policy.first_delay, doubled
//     after each further attempt, never more than policy.max_delay;
//   - returns std::nullopt once attempts_made reaches policy.max_attempts:
//     the email is given up;
//   - pure (no clock, no randomness: a worker that wants jitter adds it);
//     attempts_made < 1 or an inconsistent policy throws std::invalid_argument.
// With the default policy: 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min,
// 1 h, 1 h, then given up after the 10th attempt, 3 h 03 min 30 s after the
// first one (kDefaultRetryWindow). A relay down for an afternoon loses mail;
// one restarted within the hour does not.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>

namespace formd::notify {

struct RetryPolicy {
  std::chrono::seconds first_delay{30};
  std::chrono::seconds max_delay{std::chrono::hours(1)};
  int max_attempts = 10;
};

constexpr std::optional<std::chrono::seconds> next_attempt_delay(int attempts_made, const RetryPolicy& policy = {}) {
  if (attempts_made < 1) throw std::invalid_argument("next_attempt_delay: attempts_made must be at least 1");
  if (policy.first_delay.count() <= 0 || policy.max_delay < policy.first_delay || policy.max_attempts < 1) {
    throw std::invalid_argument("next_attempt_delay: inconsistent retry policy");
  }
  if (attempts_made >= policy.max_attempts) return std::nullopt;
  // Doubling stops at the cap, so the loop is short and cannot overflow.
  std::chrono::seconds delay = policy.first_delay;
  for (int attempt = 1; attempt < attempts_made && delay < policy.max_delay; ++attempt) {
    delay = delay > policy.max_delay / 2 ? policy.max_delay : delay * 2;
  }
  return delay;
}

// Sum of every wait of a policy: how long after the first attempt an email
// is given up at the latest.
constexpr std::chrono::seconds retry_window(const RetryPolicy& policy = {}) {
  std::chrono::seconds total{0};
  for (int attempts = 1; const auto delay = next_attempt_delay(attempts, policy); ++attempts) total += *delay;
  return total;
}

inline constexpr std::chrono::seconds kDefaultRetryWindow = retry_window();

}  // namespace formd::notify
