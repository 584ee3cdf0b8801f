// The type checker: Ast + FieldScope -> CheckedExpr.
//
// Contract: reports every independent error (a node whose operand already
// failed is not reported again) into `diags` at the token that causes it,
// mapped through `map`: unknown fields and functions (with "did you mean"),
// arity, type mismatches (at the literal when one side is a literal, e.g. the
// string in `duree > "36"`), values that are not among a select field's
// options, invalid regular expressions and dates, and a result that is not the
// `expected` type (expr-not-boolean for conditions; Type::any() accepts any).
// Returns nullptr when it reported an error. Iterative over the post-order
// arena: no recursion.
#pragma once

#include <memory>

#include "expr/ast.h"
#include "expr/checked_expr.h"
#include "expr/scope.h"
#include "support/diagnostics.h"

namespace formc::expr {

[[nodiscard]] std::shared_ptr<const CheckedExpr> check(Ast ast, const FieldScope& scope, const OffsetMapper& map,
                                                       support::DiagnosticEngine& diags,
                                                       Type expected = Type::boolean());

}  // namespace formc::expr
