#include "yaml/tree.h"

#include <algorithm>
#include <charconv>
#include <regex>

namespace formc::yaml {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Expanded-text offset of every value byte of a scalar (plus one past the end),
// found by walking the token as the YAML scanner would.
std::vector<std::uint32_t> value_offsets(const Node& n, const std::string& t) {
  std::vector<std::uint32_t> out;
  out.reserve(n.value.size() + 1);
  const auto size = static_cast<std::uint32_t>(t.size());
  std::uint32_t r = n.expanded_offset;
  const std::string& v = n.value;
  auto skip_line_indent = [&](std::uint32_t from, std::uint32_t max_spaces) {
    std::uint32_t k = 0;
    while (from < size && k < max_spaces && (t[from] == ' ' || t[from] == '\t')) {
      ++from;
      ++k;
    }
    return from;
  };
  if (n.style == ScalarStyle::Literal || n.style == ScalarStyle::Folded) {
    // Skip the header line ("|", "|+", "|-2", comments), then find the indentation.
    while (r < size && t[r] != '\n') ++r;
    if (r < size) ++r;
    std::uint32_t probe = r, indent = 0;
    while (probe < size) {  // first non-blank line decides the indentation
      std::uint32_t s = probe, k = 0;
      while (s < size && t[s] == ' ') {
        ++s;
        ++k;
      }
      if (s < size && t[s] != '\n' && t[s] != '\r') {
        indent = k;
        break;
      }
      while (probe < size && t[probe] != '\n') ++probe;
      ++probe;
    }
    r = skip_line_indent(r, indent);
    for (std::size_t i = 0; i < v.size(); ++i) {
      while (r < size && t[r] == '\r') ++r;
      out.push_back(std::min(r, size));
      if (r < size && t[r] == '\n') {
        r = skip_line_indent(r + 1, indent);
      } else if (r < size) {
        ++r;
      }
    }
    out.push_back(std::min(r, size));
    return out;
  }
  const bool dq = n.style == ScalarStyle::DoubleQuoted;
  const bool sq = n.style == ScalarStyle::SingleQuoted;
  if (dq || sq) ++r;  // opening quote
  std::size_t i = 0;
  while (i < v.size()) {
    if (r >= size) {
      out.push_back(size);
      ++i;
      continue;
    }
    const char c = t[r];
    if (dq && c == '\\' && r + 1 < size) {
      const char e = t[r + 1];
      if (e == '\n' || e == '\r') {  // escaped line break: produces nothing
        r = skip_line_indent(r + 2 + (e == '\r' && r + 2 < size && t[r + 2] == '\n'), ~0u);
        continue;
      }
      std::uint32_t escape_len = 2;
      std::size_t produced = 1;
      if (e == 'x' || e == 'u' || e == 'U') {
        escape_len = e == 'x' ? 4 : (e == 'u' ? 6 : 10);
        std::uint32_t cp = 0;
        const auto digits = t.substr(r + 2, escape_len - 2);
        std::from_chars(digits.data(), digits.data() + digits.size(), cp, 16);
        produced = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      }
      for (std::size_t k = 0; k < produced && i < v.size(); ++k, ++i) out.push_back(r);
      r += escape_len;
      continue;
    }
    if (sq && c == '\'' && r + 1 < size && t[r + 1] == '\'') {
      out.push_back(r);
      ++i;
      r += 2;
      continue;
    }
    if ((c == '\n' || c == '\r') && v[i] != c) {  // folded line break inside a flow scalar
      out.push_back(r);
      ++i;
      while (r < size && (t[r] == '\n' || t[r] == '\r')) ++r;
      r = skip_line_indent(r, ~0u);
      continue;
    }
    out.push_back(r);
    ++i;
    ++r;
  }
  out.push_back(std::min(r, size));
  return out;
}

}  // namespace

bool Node::is_null() const {
  if (kind == NodeKind::Null) return true;
  if (kind != NodeKind::Scalar || style != ScalarStyle::Plain) return false;
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

const MapEntry* Node::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key->value == key) return &e;
  }
  return nullptr;
}

std::optional<bool> Node::as_bool() const {
  if (!is_plain()) return std::nullopt;
  // Psych (YAML 1.1) reads these words, case-insensitively, as booleans.
  for (const char* w : {"true", "yes", "on"}) {
    if (iequals(value, w)) return true;
  }
  for (const char* w : {"false", "no", "off"}) {
    if (iequals(value, w)) return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> Node::as_int() const {
  if (!is_plain() || value.empty() || value.size() > 40) return std::nullopt;
  std::string digits;
  std::size_t i = 0;
  bool negative = false;
  if (value[0] == '+' || value[0] == '-') {
    negative = value[0] == '-';
    i = 1;
  }
  for (; i < value.size(); ++i) {
    if (value[i] == '_') continue;  // YAML 1.1 digit separator
    if (!std::isdigit(static_cast<unsigned char>(value[i]))) return std::nullopt;
    digits += value[i];
  }
  if (digits.empty()) return std::nullopt;
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    // A leading zero means octal in YAML 1.1; with an 8 or a 9 it is a string
    // (DataPass's bare phone number 0184162457).
    if (digits.find_first_of("89") != std::string::npos) return std::nullopt;
    base = 8;
  }
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return negative ? -out : out;
}

std::optional<double> Node::as_float() const {
  if (!is_plain()) return std::nullopt;
  static const std::regex re(R"(^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$)");
  if (value.size() > 60 || !std::regex_match(value, re)) return std::nullopt;
  std::string cleaned;
  std::copy_if(value.begin(), value.end(), std::back_inserter(cleaned), [](char c) { return c != '_'; });
  try {
    return std::stod(cleaned);
  } catch (...) {
    return std::nullopt;
  }
}

support::Span Node::value_span(std::uint32_t begin, std::uint32_t end) const {
  if (kind != NodeKind::Scalar || document == nullptr) return span;
  const auto offsets = value_offsets(*this, document->expanded);
  const auto clamp = [&](std::uint32_t v) { return offsets[std::min<std::size_t>(v, offsets.size() - 1)]; };
  const std::uint32_t b = clamp(begin);
  // The end is where the next value byte starts, so a range ending on an
  // escape ('' or \u00e9) covers the whole escape.
  std::uint32_t e = end > begin ? clamp(end) : b;
  if (end > begin && end < offsets.size() - 1 && e > b) {
    // Do not swallow a folded line break or indentation that follows.
    const std::string& t = document->expanded;
    while (e > b + 1 && (t[e - 1] == ' ' || t[e - 1] == '\n' || t[e - 1] == '\r')) --e;
  }
  if (e < b) e = b;
  return document->map.to_original(document->file, b, e);
}

std::string_view Node::kind_name() const {
  switch (kind) {
    case NodeKind::Null: return "null";
    case NodeKind::Scalar: return "a scalar";
    case NodeKind::Sequence: return "a list";
    case NodeKind::Mapping: return "a mapping";
  }
  return "a value";
}

}  // namespace formc::yaml
