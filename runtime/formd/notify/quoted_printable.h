// Quoted-printable (RFC 2045 §6.7) for the text body of an email.
//
// Contract: encode_quoted_printable_text(text) takes any bytes (formd passes
// UTF-8 text) and returns 7-bit ASCII in which
//   - a line break of the input ("\n" or "\r\n") becomes a hard CRLF; a lone
//     "\r" is data (=0D); the result ends with CRLF, and a final line break in
//     the input does not add an empty line (so "a\n" and "a" both give "a\r\n");
//   - no encoded line is longer than 76 characters (soft breaks "=\r\n");
//   - printable ASCII stays readable; '=', non-ASCII bytes, controls and
//     whitespace at the end of a line are =XX (upper-case hex);
//   - no physical line starts with "." or "From " (RFC 2049 §3 (8): the first
//     is eaten by careless SMTP code, the second mangled by mbox writers).
// Decoding the result gives back the input with CRLF line breaks.
#pragma once

#include <string>
#include <string_view>

namespace formd::notify {

[[nodiscard]] std::string encode_quoted_printable_text(std::string_view text);

}  // namespace formd::notify
