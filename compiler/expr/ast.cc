#include "expr/ast.h"

#include <algorithm>
#include <cassert>

namespace formc::expr {

std::string_view op_spelling(Op op) {
  switch (op) {
    case Op::None: return "";
    case Op::Neg: return "-";
    case Op::Not: return "not";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::In: return "in";
    case Op::Contains: return "contains";
    case Op::And: return "and";
    case Op::Or: return "or";
  }
  return "";
}

bool is_comparison(Op op) {
  return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge ||
         op == Op::In || op == Op::Contains;
}

bool is_arithmetic(Op op) {
  return op == Op::Mul || op == Op::Div || op == Op::Mod || op == Op::Add || op == Op::Sub;
}

bool is_literal(NodeKind kind) {
  return kind == NodeKind::Null || kind == NodeKind::Boolean || kind == NodeKind::Integer ||
         kind == NodeKind::Decimal || kind == NodeKind::String;
}

NodeId Ast::add(Node node, std::span<const NodeId> children) {
  const auto id = static_cast<NodeId>(nodes_.size());
  NodeId begin = id;
  for (const NodeId c : children) {
    assert(c < id && "children are created before their parent");
    begin = std::min(begin, subtree_begin_[c]);
  }
  node.first_child = static_cast<std::uint32_t>(children_.size());
  node.child_count = static_cast<std::uint32_t>(children.size());
  children_.insert(children_.end(), children.begin(), children.end());
  nodes_.push_back(std::move(node));
  subtree_begin_.push_back(begin);
  return id;
}

}  // namespace formc::expr
