// The value of an unstructured header (Subject) as RFC 2047 encoded-words
// when it cannot be written as it is.
//
// Contract: encode_unstructured_header(value, used) takes a value already
// checked to be valid UTF-8 without control characters (email.cc does that)
// and the number of characters already on the header's first line
// ("Subject: " = 9, at most 40). It returns
//   - the value unchanged when it is printable ASCII, does not start or end
//     with a space, does not contain "=?" (a decoder would take it for an
//     encoded-word) and fits on the first line (78 characters);
//   - otherwise one or more `=?utf-8?q?…?=` words (RFC 2047 §4.2, Q encoding,
//     only letters, digits and !*+-/ left as they are, space as '_'),
//     separated by CRLF SP (folding), each line at most 76 characters, a
//     UTF-8 character never split between two words (RFC 2047 §5 (3)).
// Either way the result contains no CR or LF other than the folding CRLF SP.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace formd::notify {

[[nodiscard]] std::string encode_unstructured_header(std::string_view value, std::size_t first_line_used);

}  // namespace formd::notify
