// An iterative template printer shared by the C++ and JavaScript emitters.
//
// Contract: an emitter describes each node as a sequence of pieces: literal
// text, or a child node to print in place (optionally `bare`, i.e. without the
// parentheses it would normally wrap itself in — used to print `a && b && c`
// flat instead of `((a && b) && c)`). render() expands the pieces with an
// explicit stack, so output is linear in size and printing never recurses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "expr/ast.h"

namespace formc::expr {

struct Piece {
  std::string text;
  NodeId node = kNoNode;
  bool bare = false;

  static Piece literal(std::string s) { return Piece{std::move(s), kNoNode, false}; }
  static Piece child(NodeId id, bool bare = false) { return Piece{{}, id, bare}; }
};

// Appends the pieces of `node` to `out`.
using PieceFn = std::function<void(NodeId node, bool bare, std::vector<Piece>& out)>;

[[nodiscard]] std::string render(NodeId root, const PieceFn& pieces);

// "..." escaped for JSON and JavaScript: ASCII only (\uXXXX, surrogate pairs
// for astral code points), with <, >, & escaped so that the text is also safe
// inside HTML and a <script> element.
[[nodiscard]] std::string js_string_literal(std::string_view utf8);

}  // namespace formc::expr
