// JSON Schema (2020-12) for expressions.
//
// Contract: to_json_schema() returns a schema fragment that an instance (the
// flat JSON object of a submission) satisfies exactly when the boolean
// expression evaluates to true under the interpreter's rules, including its
// null and malformed-value rules; or nullopt when JSON Schema cannot say that
// exactly (then the caller warns with expr-not-in-schema and the generated
// schema is less strict than the C++ validator). Expressible: and / or / not,
// a field compared with a constant (== != < <= > >=, in), present / blank,
// len() / count() of a field against a constant, matches / starts_with /
// ends_with / contains on a text field, in / contains / any_of / all_of /
// none_of on a list field, and constant subexpressions (folded). Not
// expressible: two fields compared, arithmetic on fields, string or date
// ordering, today(), year()/month()/day(). Keywords are strict-mode clean for
// ajv (every type-specific keyword comes with its type).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "expr/checked_expr.h"

namespace formc::expr {

[[nodiscard]] std::optional<nlohmann::ordered_json> to_json_schema(const CheckedExpr& expr);

// The exact set of strings read_field() accepts as a date, as a JSON Schema
// pattern (real calendar days from 0001-01-01 to 9999-12-31).
[[nodiscard]] const char* json_schema_date_pattern();

}  // namespace formc::expr
