#include "notify/encoded_words.h"

#include <stdexcept>

namespace formd::notify {

namespace {

constexpr std::size_t kMaxPlainLine = 78;  // RFC 5322 §2.1.1 "SHOULD"
constexpr std::size_t kMaxWordLine = 76;   // RFC 2047 §2, lines with encoded-words
constexpr std::size_t kMaxFirstLineUsed = 40;
constexpr std::string_view kWordStart = "=?utf-8?q?";
constexpr std::string_view kWordEnd = "?=";
constexpr char kHex[] = "0123456789ABCDEF";

bool is_plain(std::string_view value, std::size_t first_line_used) {
  if (first_line_used + value.size() > kMaxPlainLine) return false;
  if (value.starts_with(' ') || value.ends_with(' ')) return false;
  if (value.find("=?") != std::string_view::npos) return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Length in bytes of the UTF-8 sequence starting with `lead` (the value is
// valid UTF-8, so this only has to tell the sequence lengths apart).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  return 2;
}

// RFC 2047 §5 (3): the characters that may stay as they are in any header
// context; everything else is =XX.
void append_q(unsigned char c, std::string& out) {
  const bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
                       c == '*' || c == '+' || c == '-' || c == '/';
  if (literal) {
    out += static_cast<char>(c);
  } else if (c == ' ') {
    out += '_';
  } else {
    out += '=';
    out += kHex[c >> 4];
    out += kHex[c & 0x0F];
  }
}

}  // namespace

std::string encode_unstructured_header(std::string_view value, std::size_t first_line_used) {
  if (first_line_used > kMaxFirstLineUsed) {
    throw std::invalid_argument("encode_unstructured_header: header name too long");
  }
  if (is_plain(value, first_line_used)) return std::string(value);

  const std::size_t overhead = kWordStart.size() + kWordEnd.size();
  std::string out;
  std::string payload;
  std::size_t budget = kMaxWordLine - first_line_used - overhead;
  auto flush = [&] {
    out += kWordStart;
    out += payload;
    out += kWordEnd;
    payload.clear();
  };
  std::string character;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t length = sequence_length(static_cast<unsigned char>(value[i]));
    character.clear();
    for (std::size_t k = 0; k < length && i + k < value.size(); ++k) {
      append_q(static_cast<unsigned char>(value[i + k]), character);
    }
    i += length;
    if (!payload.empty() && payload.size() + character.size() > budget) {
      flush();
      out += "\r\n ";
      budget = kMaxWordLine - 1 - overhead;  // the folding space starts the line
    }
    payload += character;
  }
  flush();
  return out;
}

}  // namespace formd::notify
