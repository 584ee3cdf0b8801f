#include "notify/utc_time.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace formd::notify {

namespace {

constexpr std::int64_t kMaxUnixTime = 253402300799;  // 9999-12-31T23:59:59Z
constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

UtcFields utc_fields(std::int64_t unix_time) {
  if (unix_time < 0 || unix_time > kMaxUnixTime) throw std::out_of_range("unix time outside 1970..9999");
  using namespace std::chrono;
  const sys_seconds point{seconds{unix_time}};
  const sys_days day_point = floor<days>(point);
  const year_month_day date{day_point};
  const hh_mm_ss<seconds> time{point - day_point};
  return UtcFields{
      .year = static_cast<int>(date.year()),
      .month = static_cast<int>(static_cast<unsigned>(date.month())),
      .day = static_cast<int>(static_cast<unsigned>(date.day())),
      .weekday = static_cast<int>(weekday{day_point}.c_encoding()),
      .hour = static_cast<int>(time.hours().count()),
      .minute = static_cast<int>(time.minutes().count()),
      .second = static_cast<int>(time.seconds().count()),
  };
}

std::string rfc5322_date(std::int64_t unix_time) {
  const UtcFields f = utc_fields(unix_time);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kWeekdays[f.weekday], f.day,
                kMonths[f.month - 1], f.year, f.hour, f.minute, f.second);
  return buffer;
}

std::string compact_utc_timestamp(std::int64_t unix_time) {
  const UtcFields f = utc_fields(unix_time);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02dZ", f.year, f.month, f.day, f.hour, f.minute, f.second);
  return buffer;
}

}  // namespace formd::notify
