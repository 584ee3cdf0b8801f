// formc::rt — the runtime that generated C++ expression code calls.
//
// Contract (the language reference is schema/EXPRESSIONS.md):
// - Header-only, C++20, standard library only. Every function is total: no
//   exception and no undefined behaviour for any argument, including values a
//   caller stored in a generated class by hand.
// - Generated members and literals are passed as they are; the templates below
//   accept a plain value or a std::optional of it:
//     text, select, radio, url, email, phone  std::optional<std::string>
//     integer                                 std::optional<std::int64_t>
//     date                                    std::optional<formc::rt::Date>
//     checkbox                                std::optional<bool>
//     multiselect (scopes, modalities)        std::vector<std::string>
//     document                                std::vector<formc::rt::Document>
//   Literals are emitted as plain C++ literals, list literals as std::array.
// - Null: an empty optional is null, and so is a value outside the language's
//   domain (an integer beyond ±(2^53−1), a non-finite double, a date outside
//   0001-01-01..9999-12-31). Comparisons with null are false; arithmetic with
//   null is null; truthy(null) is false. Lists are never null (empty instead).
// - These rules are implemented a second time, independently, in
//   runtime/static/formc-expr.js; tests/expr/cases.json keeps them identical.
#pragma once

#include <array>
#include <chrono>
#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "formc/runtime/expr_regex.h"

namespace formc::rt {

// Generated code may static_assert on this to detect a runtime/compiler mismatch.
inline constexpr int kExprAbiVersion = 1;

// The largest integer JavaScript represents exactly: formc integers stay within ±this.
inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;

// ---- dates -----------------------------------------------------------------

// A calendar date (proleptic Gregorian) as days since 1970-01-01.
struct Date {
  std::int32_t days = 0;
  friend constexpr bool operator==(Date, Date) = default;
  friend constexpr auto operator<=>(Date, Date) = default;
};

// Howard Hinnant's days_from_civil / civil_from_days: exact integer arithmetic,
// mirrored line by line in formc-expr.js.
constexpr std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Ymd {
  std::int64_t year = 1970, month = 1, day = 1;
};

constexpr Ymd civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

inline constexpr std::int64_t kMinDateDays = days_from_civil(1, 1, 1);
inline constexpr std::int64_t kMaxDateDays = days_from_civil(9999, 12, 31);

constexpr bool valid_ymd(std::int64_t y, std::int64_t m, std::int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  constexpr std::int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29 : kDays[m - 1]);
}

// For literals the compiler has already validated.
constexpr Date date(std::int64_t y, std::int64_t m, std::int64_t d) {
  return Date{static_cast<std::int32_t>(days_from_civil(y, m, d))};
}

// Strict "YYYY-MM-DD" with a real calendar date in 0001..9999; anything else is null.
constexpr std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  std::int64_t part[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      part[k] = part[k] * 10 + (s[i] - '0');
    }
  }
  if (!valid_ymd(part[0], part[1], part[2])) return std::nullopt;
  return date(part[0], part[1], part[2]);
}

inline std::string format_date(Date d) {
  const Ymd ymd = civil_from_days(d.days);
  std::string out = std::to_string(ymd.year);
  out.insert(0, 4 - std::min<std::size_t>(4, out.size()), '0');
  out += ymd.month < 10 ? "-0" : "-";
  out += std::to_string(ymd.month);
  out += ymd.day < 10 ? "-0" : "-";
  out += std::to_string(ymd.day);
  return out;
}

// Today's date in UTC. Servers that care about the local calendar day pass
// their own value instead (the generated code reads whatever CppNaming::today says).
inline Date today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date{static_cast<std::int32_t>(now.time_since_epoch().count())};
}

// One uploaded file. Expressions only count documents; the metadata is here
// so that generated classes have one type to store.
struct Document {
  std::string name;
  std::string content_type;
  std::int64_t size = 0;
  friend bool operator==(const Document&, const Document&) = default;
};

// ---- normalisation (implementation detail of the operations below) ---------
namespace detail {

template <class T>
struct optional_traits {
  static constexpr bool is_optional = false;
  using value_type = T;
};
template <class T>
struct optional_traits<std::optional<T>> {
  static constexpr bool is_optional = true;
  using value_type = T;
};
template <class X>
using value_t = typename optional_traits<std::remove_cvref_t<X>>::value_type;

template <class T>
inline constexpr bool is_text_v = std::is_convertible_v<const T&, std::string_view>;

// Every scalar becomes one of bool, std::int64_t, double, std::string_view, Date.
template <class T>
constexpr auto norm(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_same_v<T, Date>) {
    return v;
  } else {
    static_assert(is_text_v<T>, "formc::rt: unsupported value type");
    return std::string_view(v);
  }
}

template <class X>
using norm_t = decltype(norm(std::declval<const value_t<X>&>()));

constexpr bool in_domain(bool) { return true; }
constexpr bool in_domain(std::int64_t v) { return v >= -kMaxSafeInteger && v <= kMaxSafeInteger; }
inline bool in_domain(double v) { return std::isfinite(v); }
constexpr bool in_domain(std::string_view) { return true; }
constexpr bool in_domain(Date d) { return d.days >= kMinDateDays && d.days <= kMaxDateDays; }

// The normalised value of x, or nullopt when x is null or outside the domain.
template <class X>
std::optional<norm_t<X>> get(const X& x) {
  if constexpr (optional_traits<std::remove_cvref_t<X>>::is_optional) {
    if (!x.has_value()) return std::nullopt;
    const auto v = norm(*x);
    if (!in_domain(v)) return std::nullopt;
    return v;
  } else {
    const auto v = norm(x);
    if (!in_domain(v)) return std::nullopt;
    return v;
  }
}

inline std::optional<std::int64_t> checked(std::int64_t v) {
  return in_domain(v) ? std::optional<std::int64_t>(v) : std::nullopt;
}
inline std::optional<double> checked(double v) { return in_domain(v) ? std::optional<double>(v) : std::nullopt; }
inline std::optional<Date> checked_date(std::int64_t days) {
  if (days < kMinDateDays || days > kMaxDateDays) return std::nullopt;
  return Date{static_cast<std::int32_t>(days)};
}

// Operand values are in the domain, so |a|, |b| <= 2^53 - 1 and sums cannot overflow int64.
inline std::optional<std::int64_t> add(std::int64_t a, std::int64_t b) { return checked(a + b); }
inline std::optional<double> add(double a, double b) { return checked(a + b); }
inline std::optional<double> add(std::int64_t a, double b) { return checked(static_cast<double>(a) + b); }
inline std::optional<double> add(double a, std::int64_t b) { return checked(a + static_cast<double>(b)); }
inline std::optional<Date> add(Date a, std::int64_t days) { return checked_date(a.days + days); }
inline std::optional<Date> add(std::int64_t days, Date a) { return checked_date(a.days + days); }

inline std::optional<std::int64_t> sub(std::int64_t a, std::int64_t b) { return checked(a - b); }
inline std::optional<double> sub(double a, double b) { return checked(a - b); }
inline std::optional<double> sub(std::int64_t a, double b) { return checked(static_cast<double>(a) - b); }
inline std::optional<double> sub(double a, std::int64_t b) { return checked(a - static_cast<double>(b)); }
inline std::optional<Date> sub(Date a, std::int64_t days) { return checked_date(a.days - days); }
inline std::optional<std::int64_t> sub(Date a, Date b) {
  return checked(static_cast<std::int64_t>(a.days) - static_cast<std::int64_t>(b.days));
}

inline std::optional<std::int64_t> mul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return std::int64_t{0};
  const std::int64_t ua = a < 0 ? -a : a, ub = b < 0 ? -b : b;
  if (ua > kMaxSafeInteger / ub) return std::nullopt;  // exact test of |a*b| <= 2^53 - 1
  return a * b;
}
inline std::optional<double> mul(double a, double b) { return checked(a * b); }
inline std::optional<double> mul(std::int64_t a, double b) { return checked(static_cast<double>(a) * b); }
inline std::optional<double> mul(double a, std::int64_t b) { return checked(a * static_cast<double>(b)); }

// `/` always yields a decimal: the one division JavaScript computes identically.
inline std::optional<double> div(double a, double b) {
  if (b == 0) return std::nullopt;
  return checked(a / b);
}
inline std::optional<double> div(std::int64_t a, std::int64_t b) {
  return div(static_cast<double>(a), static_cast<double>(b));
}
inline std::optional<double> div(std::int64_t a, double b) { return div(static_cast<double>(a), b); }
inline std::optional<double> div(double a, std::int64_t b) { return div(a, static_cast<double>(b)); }

// Truncated remainder, sign of the dividend (C++ and JavaScript agree on this).
inline std::optional<std::int64_t> mod(std::int64_t a, std::int64_t b) {
  if (b == 0) return std::nullopt;
  return a % b;
}

inline std::optional<std::int64_t> neg(std::int64_t a) { return -a; }
inline std::optional<double> neg(double a) { return -a; }

}  // namespace detail

// ---- comparison ---------------------------------------------------------------

// Three-way comparison of normalised, present values. Strings compare byte-wise
// as unsigned UTF-8, which is code point order (what formc-expr.js implements).
constexpr int compare(std::int64_t a, std::int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }
constexpr int compare(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }
// Integers in the domain convert to double exactly, so mixed comparison is exact.
constexpr int compare(std::int64_t a, double b) { return compare(static_cast<double>(a), b); }
constexpr int compare(double a, std::int64_t b) { return compare(a, static_cast<double>(b)); }
constexpr int compare(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
constexpr int compare(Date a, Date b) { return compare(std::int64_t{a.days}, std::int64_t{b.days}); }
constexpr int compare(bool a, bool b) { return compare(std::int64_t{a}, std::int64_t{b}); }

// `x == null` in the language.
template <class X>
bool is_null(const X& x) {
  return !detail::get(x).has_value();
}

// `==`: true only when both sides have a value and the values are equal.
template <class A, class B>
bool eq(const A& a, const B& b) {
  const auto x = detail::get(a);
  const auto y = detail::get(b);
  return x && y && compare(*x, *y) == 0;
}
// `!=` is exactly `not (a == b)`: true when either side is null.
template <class A, class B>
bool ne(const A& a, const B& b) {
  return !eq(a, b);
}
template <class A, class B>
bool lt(const A& a, const B& b) {
  const auto x = detail::get(a);
  const auto y = detail::get(b);
  return x && y && compare(*x, *y) < 0;
}
template <class A, class B>
bool le(const A& a, const B& b) {
  const auto x = detail::get(a);
  const auto y = detail::get(b);
  return x && y && compare(*x, *y) <= 0;
}
template <class A, class B>
bool gt(const A& a, const B& b) {
  return lt(b, a);
}
template <class A, class B>
bool ge(const A& a, const B& b) {
  return le(b, a);
}

// Boolean context: null is false.
constexpr bool truthy(bool b) { return b; }
constexpr bool truthy(const std::optional<bool>& b) { return b.value_or(false); }

// ---- arithmetic (null in, null out; out-of-domain results are null) -----------

#define FORMC_RT_BINARY(name)                                           \
  template <class A, class B>                                           \
  auto name(const A& a, const B& b)->decltype(detail::name(*detail::get(a), *detail::get(b))) { \
    const auto x = detail::get(a);                                      \
    const auto y = detail::get(b);                                      \
    if (!x || !y) return std::nullopt;                                  \
    return detail::name(*x, *y);                                        \
  }
FORMC_RT_BINARY(add)
FORMC_RT_BINARY(sub)
FORMC_RT_BINARY(mul)
FORMC_RT_BINARY(div)
FORMC_RT_BINARY(mod)
#undef FORMC_RT_BINARY

template <class A>
auto neg(const A& a) -> decltype(detail::neg(*detail::get(a))) {
  const auto x = detail::get(a);
  if (!x) return std::nullopt;
  return detail::neg(*x);
}

// ---- dates --------------------------------------------------------------------

template <class D>
std::optional<std::int64_t> year(const D& d) {
  const auto x = detail::get(d);
  if (!x) return std::nullopt;
  return civil_from_days(x->days).year;
}
template <class D>
std::optional<std::int64_t> month(const D& d) {
  const auto x = detail::get(d);
  if (!x) return std::nullopt;
  return civil_from_days(x->days).month;
}
template <class D>
std::optional<std::int64_t> day(const D& d) {
  const auto x = detail::get(d);
  if (!x) return std::nullopt;
  return civil_from_days(x->days).day;
}

// ---- text ---------------------------------------------------------------------

// Number of code points (UTF-8 lead bytes); null counts as the empty string.
template <class S>
std::int64_t len(const S& s) {
  const auto x = detail::get(s);
  if (!x) return 0;
  std::int64_t n = 0;
  for (const char c : *x) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Substring test (byte-wise on UTF-8, which is code point-wise).
template <class S, class T>
bool contains_text(const S& s, const T& t) {
  const auto x = detail::get(s);
  const auto y = detail::get(t);
  return x && y && x->find(*y) != std::string_view::npos;
}
template <class S, class T>
bool starts_with(const S& s, const T& t) {
  const auto x = detail::get(s);
  const auto y = detail::get(t);
  return x && y && x->substr(0, y->size()) == *y;
}
template <class S, class T>
bool ends_with(const S& s, const T& t) {
  const auto x = detail::get(s);
  const auto y = detail::get(t);
  return x && y && x->size() >= y->size() && x->substr(x->size() - y->size()) == *y;
}

// The compiled form of a pattern, built once per thread and pattern. The
// compiler validated the pattern; an invalid one here simply never matches.
inline const Regex& regex(std::string_view pattern) {
  thread_local std::map<std::string, std::unique_ptr<Regex>, std::less<>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(std::string(pattern), std::make_unique<Regex>(pattern)).first;
  return *it->second;
}

// `matches(s, "pattern")`: the pattern matches somewhere in s (see expr_regex.h).
template <class S>
bool matches(const S& s, std::string_view pattern) {
  const auto x = detail::get(s);
  return x && regex(pattern).search(*x);
}

// ---- presence -----------------------------------------------------------------

namespace detail {
template <class X>
inline constexpr bool is_list_v = !is_text_v<value_t<X>> && requires(const X& x) { std::begin(x); };

constexpr bool has_non_space(std::string_view s) {
  for (const char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') return true;
  }
  return false;
}
}  // namespace detail

// A value is present when it is not null; a string must also contain a
// non-whitespace character (ASCII whitespace); a list must not be empty.
template <class X>
bool present(const X& x) {
  if constexpr (detail::is_list_v<X>) {
    return std::begin(x) != std::end(x);
  } else {
    const auto v = detail::get(x);
    if (!v) return false;
    if constexpr (std::is_same_v<detail::norm_t<X>, std::string_view>) {
      return detail::has_non_space(*v);
    } else {
      return true;
    }
  }
}
template <class X>
bool blank(const X& x) {
  return !present(x);
}

// ---- lists --------------------------------------------------------------------

template <class L>
std::int64_t count(const L& list) {
  return static_cast<std::int64_t>(std::distance(std::begin(list), std::end(list)));
}

// `x in list`: x has a value equal to one of the elements.
template <class X, class L>
bool in(const X& x, const L& list) {
  const auto v = detail::get(x);
  if (!v) return false;
  for (const auto& element : list) {
    const auto e = detail::get(element);
    if (e && compare(*v, *e) == 0) return true;
  }
  return false;
}
// `list contains x`.
template <class L, class X>
bool contains(const L& list, const X& x) {
  return in(x, list);
}
// Some element of `wanted` is in `list`.
template <class L, class W>
bool any_of(const L& list, const W& wanted) {
  for (const auto& w : wanted) {
    if (in(w, list)) return true;
  }
  return false;
}
// Every element of `wanted` is in `list` (true when `wanted` is empty).
template <class L, class W>
bool all_of(const L& list, const W& wanted) {
  for (const auto& w : wanted) {
    if (!in(w, list)) return false;
  }
  return true;
}
template <class L, class W>
bool none_of(const L& list, const W& wanted) {
  return !any_of(list, wanted);
}

}  // namespace formc::rt
