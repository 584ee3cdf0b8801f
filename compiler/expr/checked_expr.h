// CheckedExpr: an expression that parsed and type-checked.
//
// Contract: immutable once built (compile() hands out shared_ptr<const>), and
// self-contained: it owns its text, its AST, the signature of every field it
// reads and its compiled regular expressions, so it outlives the FieldScope it
// was checked against. Every consumer (interpreter, emitters) reads only this.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/functions.h"
#include "expr/scope.h"
#include "expr/types.h"
#include "formc/runtime/expr_runtime.h"

namespace formc::expr {

// What the checker learned about one node.
struct NodeInfo {
  Type type;
  Function function = Function::None;  // Call nodes
  rt::Date date{};                     // date("...") calls
  std::int32_t regex = -1;             // matches() calls: index into regexes
  std::int32_t field = -1;             // Field nodes: index into fields()
  bool constant = false;               // reads no field and no today(): value known at compile time
};

class CheckedExpr {
 public:
  CheckedExpr(Ast ast, std::vector<NodeInfo> info, std::vector<FieldSignature> fields,
              std::vector<std::shared_ptr<const rt::Regex>> regexes)
      : ast_(std::move(ast)), info_(std::move(info)), fields_(std::move(fields)), regexes_(std::move(regexes)) {}

  [[nodiscard]] const Ast& ast() const { return ast_; }
  [[nodiscard]] NodeId root() const { return ast_.root(); }
  [[nodiscard]] std::string_view text() const { return ast_.source(); }
  [[nodiscard]] Type type() const { return info_[root()].type; }
  [[nodiscard]] const NodeInfo& info(NodeId id) const { return info_[id]; }
  [[nodiscard]] Type type_of(NodeId id) const { return info_[id].type; }
  // Every field the expression reads, once each, in order of first reference.
  [[nodiscard]] const std::vector<FieldSignature>& fields() const { return fields_; }
  [[nodiscard]] const FieldSignature& field_of(NodeId id) const {
    return fields_[static_cast<std::size_t>(info_[id].field)];
  }
  [[nodiscard]] const rt::Regex& regex_of(NodeId id) const {
    return *regexes_[static_cast<std::size_t>(info_[id].regex)];
  }

 private:
  Ast ast_;
  std::vector<NodeInfo> info_;
  std::vector<FieldSignature> fields_;
  std::vector<std::shared_ptr<const rt::Regex>> regexes_;
};

}  // namespace formc::expr
