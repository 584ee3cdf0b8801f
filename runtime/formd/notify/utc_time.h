// Calendar fields of a Unix time in UTC, for the Date header and .eml file
// names. Locale-independent (no strftime: "%a" would follow the locale).
//
// Contract: utc_fields(t) converts any t between 1970-01-01 and
// 9999-12-31T23:59:59Z; outside that range it throws std::out_of_range
// (a clock that far off is a bug worth stopping on).
#pragma once

#include <cstdint>
#include <string>

namespace formd::notify {

struct UtcFields {
  int year;
  int month;    // 1..12
  int day;      // 1..31
  int weekday;  // 0 = Sunday
  int hour;
  int minute;
  int second;
};

[[nodiscard]] UtcFields utc_fields(std::int64_t unix_time);

// RFC 5322 §3.3 date-time: "Thu, 01 Feb 2024 09:05:00 +0000".
[[nodiscard]] std::string rfc5322_date(std::int64_t unix_time);

// Compact ISO 8601 basic format, sortable as text: "20240201T090500Z".
[[nodiscard]] std::string compact_utc_timestamp(std::int64_t unix_time);

}  // namespace formd::notify
