// The interpreter: evaluates a CheckedExpr over a flat JSON document.
//
// Contract: total (never throws, never fails) and iterative. Fields are read
// with read_field() (value.h); `today` is what today() returns. Semantics are
// the language's (schema/EXPRESSIONS.md) and go through formc::rt, the same
// runtime generated C++ calls. A boolean result is never null: at the root,
// null counts as false, as it does for generated C++ and JavaScript.
#pragma once

#include <nlohmann/json.hpp>

#include "expr/checked_expr.h"
#include "expr/value.h"

namespace formc::expr {

[[nodiscard]] Value evaluate(const CheckedExpr& expr, const nlohmann::json& document, rt::Date today);

// The value of the subtree rooted at `node` (no boolean-root rule). Used by
// the JSON Schema emitter to fold constant subexpressions.
[[nodiscard]] Value evaluate_node(const CheckedExpr& expr, NodeId node, const nlohmann::json& document,
                                  rt::Date today);

}  // namespace formc::expr
