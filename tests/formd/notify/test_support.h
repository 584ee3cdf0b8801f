// Helpers shared by formd_notify's tests: a temporary directory, and small
// decoders for what the rendering encodes (written from the RFCs, separately
// from the encoders, so a round trip checks one against the other; the SMTP
// server test checks against Python's email package as well).
#pragma once

#include <stdlib.h>

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../temp_dir.h"

namespace formd::notify::testing {

// A fresh directory for one test (tests/formd/temp_dir.h).
class TempDir : public formd::testing::TempDir {
 public:
  TempDir() : formd::testing::TempDir("formd-notify") {}
};


inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw std::invalid_argument(std::string("not an upper-case hex digit: ") + c);
}

// RFC 2045 §6.7 decoding; hard line breaks (CRLF) come back as "\n".
inline std::string decode_quoted_printable(std::string_view encoded) {
  std::string out;
  for (std::size_t i = 0; i < encoded.size();) {
    if (encoded.substr(i).starts_with("=\r\n")) {
      i += 3;
    } else if (encoded[i] == '=') {
      if (i + 2 >= encoded.size()) throw std::invalid_argument("truncated =XX");
      out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 3;
    } else if (encoded.substr(i).starts_with("\r\n")) {
      out += '\n';
      i += 2;
    } else {
      out += encoded[i];
      ++i;
    }
  }
  return out;
}

// One "=?utf-8?q?...?=" word's payload, decoded (RFC 2047 §4.2).
inline std::string decode_q(std::string_view payload) {
  std::string out;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    if (payload[i] == '_') {
      out += ' ';
    } else if (payload[i] == '=') {
      if (i + 2 >= payload.size()) throw std::invalid_argument("truncated =XX in a Q word");
      out += static_cast<char>(hex_value(payload[i + 1]) * 16 + hex_value(payload[i + 2]));
      i += 2;
    } else {
      out += payload[i];
    }
  }
  return out;
}

// The encoded-words of an unstructured header value, unfolded and decoded.
// A value without "=?" is returned as it is. Only the shape the rendering
// produces is accepted (utf-8, Q, words separated by folding whitespace).
inline std::vector<std::string> encoded_word_payloads(std::string_view value) {
  std::vector<std::string> words;
  constexpr std::string_view kStart = "=?utf-8?q?";
  std::size_t i = 0;
  while (i < value.size()) {
    if (!value.substr(i).starts_with(kStart)) throw std::invalid_argument("expected an encoded-word");
    const std::size_t end = value.find("?=", i + kStart.size());
    if (end == std::string_view::npos) throw std::invalid_argument("unterminated encoded-word");
    words.emplace_back(value.substr(i + kStart.size(), end - i - kStart.size()));
    i = end + 2;
    if (value.substr(i).starts_with("\r\n ")) {
      i += 3;
    } else if (i != value.size()) {
      throw std::invalid_argument("encoded-words must be separated by CRLF SP");
    }
  }
  return words;
}

inline std::string decode_unstructured(std::string_view value) {
  if (value.find("=?") == std::string_view::npos) return std::string(value);
  std::string out;
  for (const std::string& payload : encoded_word_payloads(value)) out += decode_q(payload);
  return out;
}

// Physical lines of a CRLF text (without their CRLF).
inline std::vector<std::string> crlf_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The raw value of header `name` (folded lines kept with their CRLF SP), or
// throws when the message has no such header.
inline std::string header_value(std::string_view message, std::string_view name) {
  const std::size_t end_of_headers = message.find("\r\n\r\n");
  const std::string_view headers = message.substr(0, end_of_headers + 2);
  const std::string prefix = std::string(name) + ": ";
  std::size_t start = 0;
  while (start < headers.size()) {
    std::size_t end = headers.find("\r\n", start);
    while (end + 2 < headers.size() && headers[end + 2] == ' ') end = headers.find("\r\n", end + 2);
    const std::string_view line = headers.substr(start, end - start);
    if (line.starts_with(prefix)) return std::string(line.substr(prefix.size()));
    start = end + 2;
  }
  throw std::invalid_argument("no header " + std::string(name));
}

// The body: everything after the blank line ending the headers.
inline std::string body_of(std::string_view message) {
  const std::size_t end_of_headers = message.find("\r\n\r\n");
  if (end_of_headers == std::string_view::npos) throw std::invalid_argument("no blank line after the headers");
  return std::string(message.substr(end_of_headers + 4));
}

// Structure only (lead bytes and continuation bytes): enough to see that a
// string does not start or end in the middle of a character.
inline bool is_whole_utf8_sequences(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) length = 3;
    else if (c >= 0xF0 && c <= 0xF4) length = 4;
    else return false;
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace formd::notify::testing
