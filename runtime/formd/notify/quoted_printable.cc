#include "notify/quoted_printable.h"

#include <cstddef>

namespace formd::notify {

namespace {

constexpr std::size_t kMaxLine = 76;  // RFC 2045 §6.7 (5), the soft-break '=' included
constexpr char kHex[] = "0123456789ABCDEF";

std::string escaped(unsigned char c) { return {'=', kHex[c >> 4], kHex[c & 0x0F]}; }

// The encoding of line[i], given whether it would start a physical line.
std::string token_for(std::string_view line, std::size_t i, bool at_line_start) {
  const auto c = static_cast<unsigned char>(line[i]);
  const bool last = i + 1 == line.size();
  if (at_line_start && (c == '.' || line.substr(i).starts_with("From "))) return escaped(c);
  if (c >= 33 && c <= 126 && c != '=') return std::string(1, static_cast<char>(c));
  // Whitespace is kept except at the end of a line, where transports strip it.
  if ((c == ' ' || c == '\t') && !last) return std::string(1, static_cast<char>(c));
  return escaped(c);
}

void encode_line(std::string_view line, std::string& out) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    std::string token = token_for(line, i, column == 0);
    const bool last = i + 1 == line.size();
    // The last token may use the 76th column; others must leave it to '='.
    const std::size_t limit = last ? kMaxLine : kMaxLine - 1;
    if (column + token.size() > limit) {
      out += "=\r\n";
      column = 0;
      token = token_for(line, i, true);
    }
    out += token;
    column += token.size();
  }
  out += "\r\n";
}

}  // namespace

std::string encode_quoted_printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 2);
  if (text.ends_with("\r\n")) {
    text.remove_suffix(2);
  } else if (text.ends_with('\n')) {
    text.remove_suffix(1);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = text.find('\n', start);
    std::string_view line = text.substr(start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (newline != std::string_view::npos && line.ends_with('\r')) line.remove_suffix(1);
    encode_line(line, out);
    if (newline == std::string_view::npos) return out;
    start = newline + 1;
  }
}

}  // namespace formd::notify
