// Text helpers shared by generated validators, the JSON reader and formc.
//
// Contract: lengths are counted in Unicode code points (what JSON Schema's
// minLength/maxLength and ajv count), never in bytes: in UTF-8 that is the
// number of bytes that are not continuation bytes (10xxxxxx). "Present" text
// is the expression language's present(): a string holding at least one
// character other than ASCII whitespace (space, \t, \n, \v, \f, \r) —
// rt::present in expr_runtime.h, the JSON Schema pattern [^\t\n\v\f\r ] and
// the interpreter all use this one definition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace formc::rt {

// Number of code points of UTF-8 text.
[[nodiscard]] inline std::int64_t code_points(std::string_view text) noexcept {
  std::int64_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// True when `text` holds a character other than ASCII whitespace.
[[nodiscard]] inline bool has_text(std::string_view text) noexcept {
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') return true;
  }
  return false;
}
[[nodiscard]] inline bool has_text(const char* text) noexcept { return has_text(std::string_view(text)); }
[[nodiscard]] inline bool has_text(const std::string& text) noexcept { return has_text(std::string_view(text)); }
[[nodiscard]] inline bool has_text(const std::optional<std::string>& text) noexcept {
  return text.has_value() && has_text(std::string_view(*text));
}

// `value` between single quotes for a message: at most 60 code points (then
// "…"), control characters shown as '?' and newlines as \n. Same output as
// formc's support::quote, so interpreter and generated messages agree.
[[nodiscard]] std::string quote(std::string_view value);

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace formc::rt
