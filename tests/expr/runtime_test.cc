// formc::rt on its own, compiled like generated code (-Wall -Wextra -Werror
// -pedantic) and linked against nothing but the standard library and Catch2.
#include <climits>
#include <limits>

#include <catch2/catch.hpp>

#include "formc/runtime/expr_runtime.h"

namespace formc::rt {
namespace {

using OptI = std::optional<std::int64_t>;
using OptS = std::optional<std::string>;

TEST_CASE("rt: every date from 0001-01-01 to 9999-12-31 round-trips") {
  std::int64_t days = kMinDateDays;
  for (std::int64_t y = 1; y <= 9999; ++y) {
    for (std::int64_t m = 1; m <= 12; ++m) {
      for (std::int64_t d = 1; d <= 31; ++d) {
        if (!valid_ymd(y, m, d)) continue;
        REQUIRE(days_from_civil(y, m, d) == days);
        const Ymd back = civil_from_days(days);
        REQUIRE((back.year == y && back.month == m && back.day == d));
        ++days;
      }
    }
  }
  CHECK(days == kMaxDateDays + 1);
  CHECK(days_from_civil(1970, 1, 1) == 0);
  static_assert(date(2024, 2, 29).days == 19782);
}

TEST_CASE("rt: parse_date and format_date") {
  CHECK(parse_date("2024-02-29") == date(2024, 2, 29));
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK_FALSE(parse_date("1900-02-29"));
  CHECK(parse_date("2000-02-29"));
  CHECK_FALSE(parse_date("0000-01-01"));
  CHECK(parse_date("0001-01-01"));
  CHECK_FALSE(parse_date("2024-1-01"));
  CHECK_FALSE(parse_date("2024-01-01 "));
  CHECK_FALSE(parse_date("2024/01/01"));
  CHECK_FALSE(parse_date("+024-01-01"));
  CHECK(format_date(date(1, 2, 3)) == "0001-02-03");
  CHECK(format_date(date(2024, 12, 31)) == "2024-12-31");
}

TEST_CASE("rt: comparisons with null are false, except is_null") {
  const OptI none;
  const OptI five = 5;
  CHECK(gt(five, 4));
  CHECK_FALSE(gt(none, 4));
  CHECK_FALSE(lt(none, 4));
  CHECK_FALSE(eq(none, none));
  CHECK(ne(none, none));
  CHECK(is_null(none));
  CHECK_FALSE(is_null(five));
  CHECK(eq(five, 5.0));
  CHECK(lt(five, 5.5));
  // Values outside the language's domain read as null.
  CHECK(is_null(OptI(INT64_MAX)));
  CHECK_FALSE(gt(OptI(kMaxSafeInteger + 1), 0));
  CHECK(is_null(std::optional<double>(std::numeric_limits<double>::infinity())));
  CHECK(is_null(std::optional<Date>(Date{INT32_MAX})));
  CHECK(eq(OptS("a"), "a"));
  CHECK(lt(OptS("B"), std::string_view("a")));
  CHECK(lt(std::string("z"), "\xC3\xA9"));  // unsigned bytes: code point order
  CHECK(truthy(std::optional<bool>(true)));
  CHECK_FALSE(truthy(std::optional<bool>()));
}

TEST_CASE("rt: arithmetic is exact within ±(2^53-1) and null beyond") {
  CHECK(add(OptI(kMaxSafeInteger - 1), 1) == OptI(kMaxSafeInteger));
  CHECK(add(OptI(kMaxSafeInteger), 1) == std::nullopt);
  CHECK(sub(OptI(-kMaxSafeInteger), 1) == std::nullopt);
  CHECK(mul(OptI(94906265), 94906265) == OptI(9007199136250225));
  CHECK(mul(OptI(94906266), 94906266) == std::nullopt);
  CHECK(mul(OptI(-94906266), 94906266) == std::nullopt);
  CHECK(mul(OptI(kMaxSafeInteger), -1) == OptI(-kMaxSafeInteger));
  CHECK(mul(OptI(0), kMaxSafeInteger) == OptI(0));
  CHECK(mod(OptI(-7), 3) == OptI(-1));
  CHECK(mod(OptI(7), 0) == std::nullopt);
  CHECK(div(OptI(7), 2) == std::optional<double>(3.5));
  CHECK(div(OptI(7), 0) == std::nullopt);
  CHECK(div(1.0, -0.0) == std::nullopt);
  CHECK(mul(1e200, 1e200) == std::nullopt);
  CHECK(add(OptI(), 1) == std::nullopt);
  CHECK(neg(OptI(3)) == OptI(-3));
  CHECK(add(date(2024, 2, 28), 1) == std::optional<Date>(date(2024, 2, 29)));
  CHECK(add(1, date(9999, 12, 31)) == std::nullopt);
  CHECK(sub(date(2024, 3, 1), date(2024, 2, 1)) == OptI(29));
  CHECK(year(std::optional<Date>(date(2024, 6, 15))) == OptI(2024));
  CHECK(year(std::optional<Date>()) == std::nullopt);
}

TEST_CASE("rt: text, presence and lists") {
  CHECK(len(OptS("\xF0\x9F\x98\x80\xC3\xA9")) == 2);
  CHECK(len(OptS()) == 0);
  CHECK(present(OptS(" x ")));
  CHECK_FALSE(present(OptS(" \t\r\n\v\f")));
  CHECK_FALSE(present(OptS()));
  CHECK(present(std::optional<bool>(false)));
  CHECK(present(OptI(0)));
  CHECK(blank(std::vector<std::string>{}));
  CHECK(present(std::vector<Document>{Document{"a.pdf", "application/pdf", 1}}));
  CHECK(contains_text(OptS("abc"), "b"));
  CHECK_FALSE(contains_text(OptS(), ""));
  CHECK(starts_with(OptS("abc"), "ab"));
  CHECK(ends_with(OptS("abc"), "bc"));
  CHECK_FALSE(ends_with(OptS("c"), "bc"));
  const std::vector<std::string> scopes{"a", "b"};
  CHECK(in("a", scopes));
  CHECK(contains(scopes, "b"));
  CHECK_FALSE(in(OptS(), scopes));
  CHECK(in(OptI(2), std::array<double, 2>{1.0, 2.0}));
  CHECK(any_of(scopes, std::array<std::string_view, 2>{"z", "b"}));
  CHECK(all_of(scopes, std::array<std::string_view, 0>{}));
  CHECK_FALSE(all_of(scopes, std::array<std::string_view, 2>{"a", "z"}));
  CHECK(none_of(scopes, std::array<std::string_view, 1>{"z"}));
  CHECK(count(scopes) == 2);
  CHECK(matches(OptS("75001"), "^[0-9]{5}$"));
  CHECK_FALSE(matches(OptS(), "^"));
  CHECK_FALSE(matches(OptS("a"), "(?=a)"));  // invalid here means never matches
}

}  // namespace
}  // namespace formc::rt
