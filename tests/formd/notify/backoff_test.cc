// The retry schedule of the outbox worker.
#include <catch2/catch.hpp>

#include <chrono>
#include <climits>
#include <optional>
#include <vector>

#include "notify/backoff.h"

using namespace std::chrono_literals;
using formd::notify::kDefaultRetryWindow;
using formd::notify::next_attempt_delay;
using formd::notify::RetryPolicy;
using formd::notify::retry_window;

// Pure and constexpr: the schedule can be checked at compile time.
static_assert(next_attempt_delay(1) == std::optional{30s});
static_assert(next_attempt_delay(8) == std::optional{std::chrono::seconds(1h)});
static_assert(!next_attempt_delay(10).has_value());
static_assert(kDefaultRetryWindow == 3h + 3min + 30s);

TEST_CASE("default schedule: 30 s doubling up to 1 h, given up after 10 attempts", "[backoff]") {
  const std::vector<std::chrono::seconds> expected = {30s, 1min, 2min, 4min, 8min, 16min, 32min, 1h, 1h};
  for (int attempts = 1; attempts <= 9; ++attempts) {
    INFO("after attempt " << attempts);
    CHECK(next_attempt_delay(attempts) == expected[static_cast<std::size_t>(attempts - 1)]);
  }
  CHECK_FALSE(next_attempt_delay(10).has_value());
  CHECK_FALSE(next_attempt_delay(11).has_value());
  CHECK_FALSE(next_attempt_delay(INT_MAX).has_value());
}

TEST_CASE("a custom policy: first delay, cap and attempts", "[backoff]") {
  const RetryPolicy policy{.first_delay = 1s, .max_delay = 5s, .max_attempts = 6};
  CHECK(next_attempt_delay(1, policy) == 1s);
  CHECK(next_attempt_delay(2, policy) == 2s);
  CHECK(next_attempt_delay(3, policy) == 4s);
  CHECK(next_attempt_delay(4, policy) == 5s);
  CHECK(next_attempt_delay(5, policy) == 5s);
  CHECK_FALSE(next_attempt_delay(6, policy).has_value());
  CHECK(retry_window(policy) == 17s);
  const RetryPolicy once{.first_delay = 10s, .max_delay = 10s, .max_attempts = 1};
  CHECK_FALSE(next_attempt_delay(1, once).has_value());
}

TEST_CASE("delays never decrease, never pass the cap, never overflow", "[backoff]") {
  const RetryPolicy policy{.first_delay = 1s, .max_delay = std::chrono::seconds(LLONG_MAX / 2 + 1), .max_attempts = INT_MAX};
  std::chrono::seconds previous{0};
  for (int attempts = 1; attempts < 200; ++attempts) {
    const auto delay = next_attempt_delay(attempts, policy);
    REQUIRE(delay.has_value());
    CHECK(*delay >= previous);
    CHECK(*delay <= policy.max_delay);
    previous = *delay;
  }
  CHECK(previous == policy.max_delay);
  CHECK(next_attempt_delay(INT_MAX - 1, policy) == policy.max_delay);
}

TEST_CASE("nonsense arguments are refused", "[backoff]") {
  CHECK_THROWS_AS(next_attempt_delay(0), std::invalid_argument);
  CHECK_THROWS_AS(next_attempt_delay(-3), std::invalid_argument);
  CHECK_THROWS_AS(next_attempt_delay(1, RetryPolicy{.first_delay = 0s}), std::invalid_argument);
  CHECK_THROWS_AS(next_attempt_delay(1, RetryPolicy{.first_delay = 2h, .max_delay = 1h}), std::invalid_argument);
  CHECK_THROWS_AS(next_attempt_delay(1, RetryPolicy{.max_attempts = 0}), std::invalid_argument);
}
