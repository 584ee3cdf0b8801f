#include "expr/expr.h"

#include "expr/checker.h"

namespace formc::expr {

std::shared_ptr<const CheckedExpr> compile(std::string_view text, const OffsetMapper& map, const FieldScope& scope,
                                           support::DiagnosticEngine& diags, Type expected) {
  std::optional<Ast> ast = parse(text, map, diags);
  if (!ast) return nullptr;
  return check(std::move(*ast), scope, map, diags, expected);
}

std::vector<std::string> referenced_fields(const CheckedExpr& expr) {
  std::vector<std::string> out;
  out.reserve(expr.fields().size());
  for (const auto& f : expr.fields()) out.push_back(f.name);
  return out;
}

}  // namespace formc::expr
