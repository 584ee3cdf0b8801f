#include "expr/render.h"

#include <fmt/format.h>

#include "formc/runtime/expr_regex.h"

namespace formc::expr {

std::string render(NodeId root, const PieceFn& pieces) {
  std::string out;
  std::vector<Piece> stack{Piece::child(root)};
  std::vector<Piece> expansion;
  while (!stack.empty()) {
    Piece p = std::move(stack.back());
    stack.pop_back();
    if (p.node == kNoNode) {
      out += p.text;
      continue;
    }
    expansion.clear();
    pieces(p.node, p.bare, expansion);
    for (auto it = expansion.rbegin(); it != expansion.rend(); ++it) stack.push_back(std::move(*it));
  }
  return out;
}

std::string js_string_literal(std::string_view utf8) {
  std::string out = "\"";
  for (const char32_t c : rt::Regex::decode(utf8)) {
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c >= 0x20 && c < 0x7F && c != '<' && c != '>' && c != '&') {
      out += static_cast<char>(c);
    } else if (c < 0x10000) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(c));
    } else {
      const char32_t v = c - 0x10000;
      out += fmt::format("\\u{:04x}\\u{:04x}", static_cast<std::uint32_t>(0xD800 + (v >> 10)),
                         static_cast<std::uint32_t>(0xDC00 + (v & 0x3FF)));
    }
  }
  out += '"';
  return out;
}

}  // namespace formc::expr
