// formc::expr — the expression language (visible_if, required_if, rules[].check,
// eligibility outcomes). This is the header the rest of the compiler includes.
//
// Contract:
// - compile() parses and type-checks one expression against the fields in
//   scope. Every error goes into `diags` at the exact token, mapped into the
//   YAML file by `map`; it returns nullptr when it reported an error, and
//   never throws.
// - The result is immutable and self-contained; hand it to evaluate()
//   (interpreter.h), to_cpp() (cpp_emitter.h), to_js() (js_emitter.h) and
//   to_json_schema() (json_schema_emitter.h). All four implement the one
//   meaning documented in schema/EXPRESSIONS.md.
// - Nothing here recurses on the expression's size: 100,000-term chains are
//   fine; nesting (parentheses, prefix operators) is limited to 256 levels.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/checked_expr.h"
#include "expr/cpp_emitter.h"
#include "expr/interpreter.h"
#include "expr/js_emitter.h"
#include "expr/json_schema_emitter.h"
#include "expr/parser.h"
#include "expr/scope.h"
#include "expr/types.h"
#include "expr/value.h"
#include "support/diagnostics.h"

namespace formc::expr {

using Date = rt::Date;

[[nodiscard]] std::shared_ptr<const CheckedExpr> compile(std::string_view text, const OffsetMapper& map,
                                                         const FieldScope& scope, support::DiagnosticEngine& diags,
                                                         Type expected = Type::boolean());

// The fields the expression reads, once each, in order of first appearance
// (dependency tracking, data-* attributes of the HTML page).
[[nodiscard]] std::vector<std::string> referenced_fields(const CheckedExpr& expr);

}  // namespace formc::expr
