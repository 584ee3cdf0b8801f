// Session and CSRF tokens, and how they are kept at rest.
//
// Contract:
//   - new_token(): 256 random bits from the kernel, as 64 lower-case hex
//     digits (the cookie value). Throws std::system_error if the kernel
//     cannot give randomness.
//   - digest(): SHA-256 of a token, 64 hex digits: what the database keeps.
//     A copy of the database gives no usable session.
//   - csrf_token(): the CSRF token of a session, derived from its token (a
//     keyed SHA-256), so it is never stored and a page's token cannot be
//     turned back into the session cookie.
//   - sign(): HMAC-SHA256 of `message` under `key`, hex (the login form's
//     CSRF token, for visitors who have no session yet).
#pragma once

#include <string>
#include <string_view>

namespace formd::auth {

inline constexpr std::size_t kTokenHexLength = 64;

[[nodiscard]] std::string new_token();
[[nodiscard]] std::string digest(std::string_view token);
[[nodiscard]] std::string csrf_token(std::string_view session_token);
[[nodiscard]] std::string sign(std::string_view key, std::string_view message);
// A 64-digit lower-case hex string (what new_token() makes).
[[nodiscard]] bool looks_like_token(std::string_view text);

}  // namespace formd::auth
