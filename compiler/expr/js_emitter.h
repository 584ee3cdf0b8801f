// JavaScript code generation for expressions.
//
// Contract: to_js() returns one JavaScript expression over two names: `d`, the
// flat object of field values (the same JSON document evaluate() reads) and
// `F`, the runtime object of runtime/static/formc-expr.js. Field names are
// always string literals (F.str(d, "intitule")), never identifiers, and every
// string literal is ASCII with <, >, & and U+2028/2029 escaped, so the output
// can be pasted into any static .js file safely. A boolean expression yields
// true or false (never null). The caller wraps it, e.g. `(d, F) => <expr>`, in
// a static file: formc never needs eval or new Function.
#pragma once

#include <string>

#include "expr/checked_expr.h"

namespace formc::expr {

[[nodiscard]] std::string to_js(const CheckedExpr& expr);

}  // namespace formc::expr
