// C++ code generation for expressions.
//
// Contract: to_cpp() returns one C++20 expression that calls formc::rt
// (runtime/include/formc/runtime/expr_runtime.h) and compiles cleanly under
// -Wall -Wextra -Werror -pedantic. A boolean expression yields `bool` (null is
// false); any other expression yields the runtime's value type
// (std::optional<std::int64_t>, std::optional<double>, std::optional<rt::Date>,
// std::int64_t for len()/count(), ...). Field reads come from `naming.field`,
// which must return an expression of the member type the generated class uses:
//   text/textarea/email/phone/url/select/radio  std::optional<std::string>
//   integer                                     std::optional<std::int64_t>
//   date                                        std::optional<formc::rt::Date>
//   checkbox                                    std::optional<bool>
//   multiselect (scopes, modalities)            std::vector<std::string>
//   document                                    std::vector<formc::rt::Document>
// Literals become C++ literals (strings escaped, non-ASCII as octal escapes),
// list literals std::array, dates formc::rt::date(y, m, d); chains of `and` /
// `or` are printed flat. Output depends only on the expression (no state).
#pragma once

#include <functional>
#include <string>

#include "expr/checked_expr.h"

namespace formc::expr {

struct CppNaming {
  // The C++ expression reading a field, e.g. "self.scopes".
  std::function<std::string(const FieldSignature& field)> field;
  // The C++ expression for today(); the default reads the system clock (UTC).
  std::string today = "formc::rt::today()";
};

[[nodiscard]] std::string to_cpp(const CheckedExpr& expr, const CppNaming& naming);

// A C++ string literal for `utf8` (ASCII printable kept, the rest escaped).
[[nodiscard]] std::string cpp_string_literal(std::string_view utf8);

}  // namespace formc::expr
