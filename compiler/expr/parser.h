// The ANTLR adapter: expression text -> formc::expr::Ast.
//
// Contract: parse() is the only function in formc that sees ANTLR. It never
// throws and never lets an ANTLR type escape. Every problem becomes one
// diagnostic at the exact token (through `map`): invalid UTF-8, a stray
// character or unterminated string, the first syntax error (later ones would
// mostly be echoes of it), nesting deeper than `max_nesting` (checked on the
// token stream before parsing, because only nesting makes ANTLR recurse),
// chained comparisons (`a < b < c`), and every literal that is out of range or
// badly escaped. It returns nullopt when it reported an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "expr/ast.h"
#include "expr/scope.h"
#include "support/diagnostics.h"

namespace formc::expr {

struct ParseOptions {
  // Parentheses, brackets, call parentheses and prefix operators (`-`, `not`)
  // open a nesting level; deeper expressions get expr-too-complex.
  std::uint32_t max_nesting = 256;
};

[[nodiscard]] std::optional<Ast> parse(std::string_view text, const OffsetMapper& map,
                                       support::DiagnosticEngine& diags, const ParseOptions& options = {});

}  // namespace formc::expr
