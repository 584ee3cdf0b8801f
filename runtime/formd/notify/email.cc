#include "notify/email.h"

#include <cstddef>
#include <string_view>

#include "notify/address.h"
#include "notify/encoded_words.h"
#include "notify/quoted_printable.h"
#include "notify/utc_time.h"
#include "support/text.h"

namespace formd::notify {

namespace {

constexpr std::size_t kMaxMessageId = 250;
constexpr std::size_t kMaxHeaderLine = 78;

bool is_message_id(std::string_view id) {
  if (id.size() > kMaxMessageId) return false;
  const std::size_t at = id.find('@');
  if (at == std::string_view::npos) return false;
  return is_dot_atom(id.substr(0, at)) && is_dot_atom(id.substr(at + 1));
}

// C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F):
// the text is known to be valid UTF-8, so C1 can only appear as that pair.
bool has_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

void check(const Email& email) {
  if (!is_valid_address(email.from)) throw InvalidEmail("email: the sender is not a valid address");
  if (email.to.empty()) throw InvalidEmail("email: no recipient");
  if (email.to.size() > kMaxRecipients) throw InvalidEmail("email: more than 100 recipients");
  for (std::size_t i = 0; i < email.to.size(); ++i) {
    if (!is_valid_address(email.to[i])) {
      throw InvalidEmail("email: recipient " + std::to_string(i + 1) + " is not a valid address");
    }
  }
  if (!is_message_id(email.message_id)) throw InvalidEmail("email: the Message-ID is not left@right");
  if (!formc::support::is_valid_utf8(email.subject)) throw InvalidEmail("email: the subject is not valid UTF-8");
  if (has_control_character(email.subject)) throw InvalidEmail("email: the subject contains a control character");
  if (!formc::support::is_valid_utf8(email.text_body)) throw InvalidEmail("email: the body is not valid UTF-8");
}

// "To: a@b, c@d" folded before an address that would pass 78 columns.
std::string to_header(const std::vector<std::string>& recipients) {
  std::string out = "To:";
  std::size_t column = out.size();
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    const std::string& address = recipients[i];
    const std::size_t needed = 1 + address.size() + (i + 1 < recipients.size() ? 1 : 0);  // " addr" + ","
    if (i > 0 && column + needed > kMaxHeaderLine) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += address;
    column += 1 + address.size();
    if (i + 1 < recipients.size()) {
      out += ',';
      ++column;
    }
  }
  out += "\r\n";
  return out;
}

}  // namespace

std::string render_rfc5322(const Email& email, std::int64_t unix_time) {
  check(email);
  std::string out;
  out.reserve(512 + email.text_body.size() * 3 / 2);
  out += "Date: " + rfc5322_date(unix_time) + "\r\n";
  out += "From: " + email.from + "\r\n";
  out += to_header(email.to);
  constexpr std::string_view kSubject = "Subject: ";
  out += std::string(kSubject) + encode_unstructured_header(email.subject, kSubject.size()) + "\r\n";
  out += "Message-ID: <" + email.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += encode_quoted_printable_text(email.text_body);
  return out;
}

}  // namespace formd::notify
