// Email addresses as formd writes them into SMTP commands and headers.
//
// Contract: is_valid_address(text) is true exactly for an ASCII addr-spec
// `local@domain` where
//   - local is a dot-atom (RFC 5322 atext: letters, digits and
//     !#$%&'*+-/=?^_`{|}~, dots only between atoms), at most 64 bytes;
//   - domain is a host name: dot-separated labels of 1 to 63 letters, digits
//     and hyphens, no hyphen at either end of a label, at most 253 bytes
//     (a single label such as `localhost` is accepted);
//   - the whole address is at most 254 bytes (RFC 5321 path limit).
// Everything else is refused, although some of it is legal somewhere:
// display names ("Nom <a@b>"), quoted local parts, address literals
// ([127.0.0.1]), comments, non-ASCII (SMTPUTF8). formd never needs them, and
// each one is syntax that could be smuggled into an SMTP command or a header;
// with this grammar an address can be pasted anywhere verbatim.
#pragma once

#include <string_view>

namespace formd::notify {

[[nodiscard]] bool is_valid_address(std::string_view text);

// The same grammar as `local` and `domain` above, for callers that build
// identifiers of the same shape (Message-ID: dot-atom "@" dot-atom).
[[nodiscard]] bool is_dot_atom(std::string_view text);

}  // namespace formd::notify
