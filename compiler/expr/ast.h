// The expression AST: formc's own tree, built by parser.cc from ANTLR's.
//
// Contract: nodes live in one arena in post-order. A node's children are
// created before it, so every child id is smaller than its parent's, the root
// is the last node, and a subtree is the contiguous id range
// [subtree_begin(n), n]. Every later pass (checker, interpreter, emitters)
// walks the arena with loops or explicit stacks, never by recursion, so a
// 100,000-term expression cannot overflow the stack.
//
// Offsets are byte offsets into the expression text (not into the YAML file);
// the caller's OffsetMapper turns them into file spans for diagnostics.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace formc::expr {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

// A byte range [begin, end) of the expression text.
struct TextRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

enum class NodeKind : std::uint8_t {
  Null,     // null
  Boolean,  // true / false
  Integer,  // 36
  Decimal,  // 0.5
  String,   // "person" (value already unescaped)
  List,     // [a, b]
  Field,    // duree_conservation_donnees_caractere_personnel
  Call,     // present(x)
  Unary,    // -x, not x
  Binary,   // x + y, x == y, x in y, x and y ...
};

enum class Op : std::uint8_t {
  None,
  Neg, Not,                             // unary
  Mul, Div, Mod, Add, Sub,              // arithmetic
  Eq, Ne, Lt, Le, Gt, Ge, In, Contains, // comparison
  And, Or,                              // logic
};

[[nodiscard]] std::string_view op_spelling(Op op);
[[nodiscard]] bool is_comparison(Op op);
[[nodiscard]] bool is_arithmetic(Op op);
[[nodiscard]] bool is_literal(NodeKind kind);

struct Node {
  NodeKind kind = NodeKind::Null;
  Op op = Op::None;
  bool parenthesized = false;  // written inside (...) in the source
  TextRange range;             // the whole node
  TextRange token;             // operator, name or literal token: where diagnostics point
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  bool boolean = false;        // Boolean literal
  std::int64_t integer = 0;    // Integer literal
  double decimal = 0;          // Decimal literal
  std::string text;            // String value, field or function name, decimal spelling
};

class Ast {
 public:
  explicit Ast(std::string source = {}) : source_(std::move(source)) {}

  // Appends a node whose children already exist; returns its id.
  NodeId add(Node node, std::span<const NodeId> children);

  [[nodiscard]] const Node& node(NodeId id) const { return nodes_[id]; }
  [[nodiscard]] Node& mutable_node(NodeId id) { return nodes_[id]; }
  [[nodiscard]] std::span<const NodeId> children(NodeId id) const {
    const Node& n = nodes_[id];
    return std::span<const NodeId>(children_).subspan(n.first_child, n.child_count);
  }
  [[nodiscard]] NodeId child(NodeId id, std::size_t i) const { return children(id)[i]; }
  [[nodiscard]] NodeId root() const { return nodes_.empty() ? kNoNode : static_cast<NodeId>(nodes_.size() - 1); }
  [[nodiscard]] std::size_t size() const { return nodes_.size(); }
  [[nodiscard]] bool empty() const { return nodes_.empty(); }
  // First id of the subtree rooted at `id` (see the contract above).
  [[nodiscard]] NodeId subtree_begin(NodeId id) const { return subtree_begin_[id]; }
  [[nodiscard]] std::string_view source() const { return source_; }
  [[nodiscard]] std::string_view text_of(TextRange r) const {
    return std::string_view(source_).substr(r.begin, r.end - r.begin);
  }

 private:
  std::string source_;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
  std::vector<NodeId> subtree_begin_;
};

}  // namespace formc::expr
