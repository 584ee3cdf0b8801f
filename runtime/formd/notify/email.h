// An email formd sends, and its rendering as an RFC 5322 message.
//
// Contract of render_rfc5322(email, unix_time):
//   - returns a complete message, 7-bit ASCII with CRLF line breaks, ready for
//     SMTP DATA or an .eml file; lines are at most 78 characters, except a
//     header holding one address or a Message-ID longer than that (still far
//     below the 998 of RFC 5322 §2.1.1). The headers, in this order:
//       Date, From, To, Subject, Message-ID, MIME-Version: 1.0,
//       Content-Type: text/plain; charset=utf-8,
//       Content-Transfer-Encoding: quoted-printable,
//       Auto-Submitted: auto-generated (RFC 3834: no vacation auto-replies),
//     then the body in quoted-printable (see quoted_printable.h);
//   - the Subject is written as it is when plain short ASCII, otherwise as
//     RFC 2047 encoded-words (see encoded_words.h), so French subjects survive;
//   - header injection is impossible by construction: every value that
//     reaches a header is either checked against a grammar without CR, LF or
//     any other control character (addresses, Message-ID) or encoded
//     (Subject); a value that does not pass throws InvalidEmail, and nothing
//     is rendered. Checked: `from` and every `to` are addresses (address.h),
//     `to` is not empty (at most 100), `message_id` is `left@right` (two
//     dot-atoms, at most 250 bytes, written without angle brackets, which the
//     rendering adds), `subject` is valid UTF-8 without control characters
//     (C0, DEL, C1), `text_body` is valid UTF-8 (line breaks "\n" or "\r\n";
//     it is encoded, so any character is safe there);
//   - InvalidEmail messages name the field, never echo the value (a refused
//     value may hold the very control characters that would forge a log line).
// Every recipient is listed in To (there is no Bcc: formd has no use for one).
// unix_time (the Date header) must lie in 1970..9999, else std::out_of_range.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace formd::notify {

struct Email {
  std::string from;             // envelope sender and From header
  std::vector<std::string> to;  // envelope recipients and To header
  std::string subject;          // UTF-8
  std::string text_body;        // UTF-8 plain text
  std::string message_id;       // "left@right", unique per email, stable across retries
};

class InvalidEmail : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

inline constexpr std::size_t kMaxRecipients = 100;

[[nodiscard]] std::string render_rfc5322(const Email& email, std::int64_t unix_time);

}  // namespace formd::notify
