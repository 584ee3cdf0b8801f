#include "documents/file_name.h"

#include <cctype>
#include <cstdint>

namespace formd::documents {

namespace {

// The length of the valid UTF-8 sequence starting at s[i], 0 if invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) n = 2, cp = b & 0x1F;
  else if ((b & 0xF0) == 0xE0) n = 3, cp = b & 0x0F;
  else if ((b & 0xF8) == 0xF0) n = 4, cp = b & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  // C1 controls, bidi overrides and isolates: they can disguise an extension.
  if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return 0;
  return n;
}

constexpr std::size_t kMaxNameBytes = 200;

}  // namespace

std::string sanitize_file_name(std::string_view raw) {
  const auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw = raw.substr(slash + 1);
  std::string out;
  for (std::size_t i = 0; i < raw.size();) {
    const std::size_t n = utf8_length(raw, i);
    if (n == 0) {
      ++i;
      continue;
    }
    const char c = raw[i];
    if (n == 1) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b == 0x7f) {
        ++i;
        continue;
      }
      if (c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*') {
        out += '_';
        ++i;
        continue;
      }
    }
    if (out.size() + n > kMaxNameBytes) break;
    out.append(raw.substr(i, n));
    i += n;
  }
  const auto first = out.find_first_not_of(" .");
  out = first == std::string::npos ? std::string() : out.substr(first);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.empty()) return "document";
  return out;
}

std::string attachment_disposition(std::string_view name) {
  std::string ascii, encoded;
  static const char* hex = "0123456789ABCDEF";
  for (const char c : name) {
    const auto b = static_cast<unsigned char>(c);
    // One '_' per non-ASCII character (its continuation bytes add none).
    if ((b & 0xC0) != 0x80) ascii += (b >= 0x20 && b < 0x7f && c != '"' && c != '\\' && c != '%') ? c : '_';
    if (std::isalnum(b) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += hex[b >> 4];
      encoded += hex[b & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace formd::documents
