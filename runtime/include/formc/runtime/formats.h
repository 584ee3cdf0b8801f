// Value formats shared by the compiler's checks and the generated validators.
//
// Contract: header-only, standard library only, no regex engine (these run
// for every submitted field, so they are hand-written scanners). Each check
// has a twin ECMAScript pattern (k*Pattern) that the JSON Schema generator
// emits, and tests/unit/formats_test.cc proves both accept the same strings.
//  - email: Ruby's URI::MailTo::EMAIL_REGEXP, as DataPass validates contacts;
//  - url:   DataPass's cadre juridique URL rule (scheme optional, a dotted host);
//  - date:  a real calendar date written YYYY-MM-DD;
//  - siret: 14 digits passing the Luhn check;
//  - phone: French numbers (0X + 8 digits, +33, overseas +590/594/596/262/269
//           with 9 digits, +508/681/687/689 with 6), separators space . -;
//           mobile: 06/07 or +33 6/7.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace formc::rt {

inline constexpr const char* kEmailPattern =
    "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$";
inline constexpr const char* kUrlPattern =
    "^(?:https?://)?[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}(?:/[A-Za-z0-9_\\-.~:/?#\\[\\]@!$&'()*+,;%=]*)?$";
inline constexpr const char* kDatePattern = "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$";
inline constexpr const char* kSiretPattern = "^[0-9]{14}$";
inline constexpr const char* kPhonePattern =
    "^(?:0[1-9](?:[ .-]*[0-9]){8}|\\+33[ .-]*(?:\\(0\\)[ .-]*)?[1-9](?:[ .-]*[0-9]){8}"
    "|\\+(?:590|594|596|262|269)(?:[ .-]*[0-9]){9}|\\+(?:508|681|687|689)(?:[ .-]*[0-9]){6})$";
inline constexpr const char* kMobilePhonePattern =
    "^(?:0[67](?:[ .-]*[0-9]){8}|\\+33[ .-]*(?:\\(0\\)[ .-]*)?[67](?:[ .-]*[0-9]){8})$";

namespace detail {
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline bool is_separator(char c) { return c == ' ' || c == '.' || c == '-'; }

// Counts digits after position i, allowing separators before each digit;
// returns the index past the last digit or npos if fewer than `count`.
inline std::size_t digits_with_separators(std::string_view s, std::size_t i, int count) {
  for (int k = 0; k < count; ++k) {
    while (i < s.size() && is_separator(s[i])) ++i;
    if (i >= s.size() || !is_digit(s[i])) return std::string_view::npos;
    ++i;
  }
  return i;
}

inline bool label_ok(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (!is_alnum(label.front()) || !is_alnum(label.back())) return false;
  for (char c : label) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}
}  // namespace detail

inline bool is_valid_email(std::string_view s) {
  const std::size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos) return false;
  static constexpr std::string_view kLocalSpecials = ".!#$%&'*+/=?^_`{|}~-";
  for (std::size_t i = 0; i < at; ++i) {
    if (!detail::is_alnum(s[i]) && kLocalSpecials.find(s[i]) == std::string_view::npos) return false;
  }
  std::string_view domain = s.substr(at + 1);
  if (domain.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!detail::label_ok(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

inline bool is_valid_url(std::string_view s) {
  std::size_t i = 0;
  if (s.substr(0, 8) == "https://") i = 8;
  else if (s.substr(0, 7) == "http://") i = 7;
  // Host: [a-zA-Z0-9.-]+ ending with "." + 2+ letters (greedy, like the regex).
  const std::size_t host_start = i;
  while (i < s.size() && (detail::is_alnum(s[i]) || s[i] == '.' || s[i] == '-')) ++i;
  const std::string_view host = s.substr(host_start, i - host_start);
  const std::size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view tld = host.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!detail::is_alpha(c)) return false;
  }
  if (i == s.size()) return true;
  if (s[i] != '/') return false;
  static constexpr std::string_view kPathChars = "_-.~:/?#[]@!$&'()*+,;%=";
  for (; i < s.size(); ++i) {
    if (!detail::is_alnum(s[i]) && kPathChars.find(s[i]) == std::string_view::npos) return false;
  }
  return true;
}

inline bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!detail::is_digit(s[i])) return false;
  }
  const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int m = (s[5] - '0') * 10 + (s[6] - '0');
  const int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// The calendar part of is_valid_date that a JSON Schema pattern cannot say
// (February 30th): kDatePattern accepts it, so the generator documents it.
inline bool is_valid_siret(std::string_view s) {
  if (s.size() != 14) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 14; ++i) {
    if (!detail::is_digit(s[i])) return false;
    int d = s[i] - '0';
    if (i % 2 == 0) {  // from the left, odd positions are doubled for 14 digits
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

inline bool is_valid_french_phone(std::string_view s, bool mobile = false) {
  using detail::digits_with_separators;
  auto after_plus33 = [&](std::size_t i) -> std::size_t {
    while (i < s.size() && detail::is_separator(s[i])) ++i;
    if (s.substr(i, 3) == "(0)") {
      i += 3;
      while (i < s.size() && detail::is_separator(s[i])) ++i;
    }
    return i;
  };
  if (!s.empty() && s[0] == '0') {
    if (s.size() < 2 || !detail::is_digit(s[1]) || s[1] == '0') return false;
    if (mobile && s[1] != '6' && s[1] != '7') return false;
    return digits_with_separators(s, 2, 8) == s.size();
  }
  if (s.substr(0, 3) == "+33") {
    const std::size_t i = after_plus33(3);
    if (i >= s.size() || !detail::is_digit(s[i]) || s[i] == '0') return false;
    if (mobile && s[i] != '6' && s[i] != '7') return false;
    return digits_with_separators(s, i + 1, 8) == s.size();
  }
  if (mobile) return false;
  for (std::string_view prefix : {"+590", "+594", "+596", "+262", "+269"}) {
    if (s.substr(0, 4) == prefix) return digits_with_separators(s, 4, 9) == s.size();
  }
  for (std::string_view prefix : {"+508", "+681", "+687", "+689"}) {
    if (s.substr(0, 4) == prefix) return digits_with_separators(s, 4, 6) == s.size();
  }
  return false;
}

}  // namespace formc::rt
