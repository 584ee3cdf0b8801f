// Format checks the compiler applies to values written in definitions.
//
// Contract: thin wrappers over the runtime's formats (one implementation for
// compile time and run time), plus the compile-time-only URL rule for links
// in definitions: absolute http(s), or an application path starting with '/'.
#pragma once

#include <string_view>

#include "formc/runtime/formats.h"

namespace formc::check {

[[nodiscard]] inline bool is_valid_url(std::string_view s, bool allow_app_path) {
  if (allow_app_path && !s.empty() && s[0] == '/' && s.find_first_of(" \t\n\"<>") == std::string_view::npos) return true;
  const bool absolute = s.substr(0, 7) == "http://" || s.substr(0, 8) == "https://";
  return absolute && rt::is_valid_url(s);
}
[[nodiscard]] inline bool is_valid_email(std::string_view s) { return rt::is_valid_email(s); }
[[nodiscard]] inline bool is_valid_date(std::string_view s) { return rt::is_valid_date(s); }
[[nodiscard]] inline bool is_valid_siret(std::string_view s) { return rt::is_valid_siret(s); }
[[nodiscard]] inline bool is_valid_french_phone(std::string_view s, bool mobile) { return rt::is_valid_french_phone(s, mobile); }

}  // namespace formc::check
