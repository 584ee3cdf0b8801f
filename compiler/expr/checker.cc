#include "expr/checker.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "expr/suggest.h"

namespace formc::expr {
namespace {

using support::DiagCode;
using Kind = Type::Kind;

// "an integer", "a list of string": types as words inside messages.
std::string with_article(Type t) {
  const std::string s = t.to_string();
  if (t.is(Kind::List) && t.element() == Kind::Any) return "an empty list";
  if (t.is(Kind::Document)) return "a document list";
  const char c = s.empty() ? 'x' : s[0];
  return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ? "an " : "a ") + s;
}

bool comparable(Kind a, Kind b) {
  if (a == Kind::Any || b == Kind::Any) return true;
  const auto numeric = [](Kind k) { return k == Kind::Integer || k == Kind::Decimal; };
  return a == b || (numeric(a) && numeric(b));
}

class Checker {
 public:
  Checker(const Ast& ast, const FieldScope& scope, const OffsetMapper& map, support::DiagnosticEngine& diags)
      : ast_(ast), scope_(scope), map_(map), diags_(diags), info_(ast.size()) {}

  bool run(Type expected) {
    for (NodeId id = 0; id < ast_.size(); ++id) {
      const Node& n = ast_.node(id);
      NodeInfo& out = info_[id];
      bool all_constant = true;
      for (const NodeId k : ast_.children(id)) all_constant = all_constant && info_[k].constant;
      out.constant = all_constant;
      switch (n.kind) {
        case NodeKind::Null: out.type = Type::null(); break;
        case NodeKind::Boolean: out.type = Type::boolean(); break;
        case NodeKind::Integer: out.type = Type::integer(); break;
        case NodeKind::Decimal: out.type = Type::decimal(); break;
        case NodeKind::String: out.type = Type::string(); break;
        case NodeKind::List: out.type = check_list(id); break;
        case NodeKind::Field: out.type = check_field(id); break;
        case NodeKind::Call: out.type = check_call(id); break;
        case NodeKind::Unary: out.type = check_unary(id); break;
        case NodeKind::Binary: out.type = check_binary(id); break;
      }
    }
    check_result(expected);
    return !failed_;
  }

  std::vector<NodeInfo> take_info() { return std::move(info_); }
  std::vector<FieldSignature> take_fields() { return std::move(fields_); }
  std::vector<std::shared_ptr<const rt::Regex>> take_regexes() { return std::move(regexes_); }

 private:
  // ---- reporting -----------------------------------------------------------
  support::Span span(TextRange r) const { return map_(r.begin, r.end); }
  // Where to point for a node: its token for leaves, the whole node otherwise.
  TextRange where(NodeId id) const {
    const Node& n = ast_.node(id);
    return n.kind == NodeKind::Binary || n.kind == NodeKind::Unary || n.kind == NodeKind::Call ||
                   n.kind == NodeKind::List
               ? n.range
               : n.token;
  }
  void error(DiagCode code, TextRange r, std::string message) {
    diags_.report(code, span(r), std::move(message));
    failed_ = true;
  }
  void note(TextRange r, std::string message) { diags_.note(span(r), std::move(message)); }

  Type type(NodeId id) const { return info_[id].type; }

  std::string describe(NodeId id) const {
    const Node& n = ast_.node(id);
    if (n.kind == NodeKind::Field) return fmt::format("'{}' ({})", n.text, type(id).to_string());
    return with_article(type(id));
  }

  bool is_literalish(NodeId id) const {
    const Node& n = ast_.node(id);
    return is_literal(n.kind) || n.kind == NodeKind::List || (n.kind == NodeKind::Call && n.text == "date") ||
           (n.kind == NodeKind::Unary && n.op == Op::Neg && is_literal(ast_.node(ast_.child(id, 0)).kind));
  }

  // Which operand of a mismatched pair to blame: the literal if exactly one
  // side is a literal (`duree > "36"` points at "36"), else the right one.
  NodeId blame(NodeId left, NodeId right) const {
    if (is_literalish(left) && !is_literalish(right)) return left;
    return right;
  }

  bool any_error(NodeId id) const {
    for (const NodeId k : ast_.children(id)) {
      if (type(k).is_error()) return true;
    }
    return false;
  }

  // `null` is only an operand of == and !=; everywhere else it is an error.
  bool reject_null(NodeId operand) {
    if (!type(operand).is(Kind::Null)) return false;
    error(DiagCode::ExprTypeMismatch, ast_.node(operand).token,
          "null can only be compared with == or != (e.g. x == null); use present(x) or blank(x)");
    return true;
  }

  bool reject_nulls(NodeId a, NodeId b) {
    const bool x = reject_null(a);
    const bool y = reject_null(b);
    return x || y;
  }

  // ---- options of select / multiselect fields ----------------------------------
  std::optional<std::string> option_spelling(NodeId id) const {
    const Node& n = ast_.node(id);
    if (n.kind == NodeKind::String) return n.text;
    if (n.kind == NodeKind::Integer) return std::to_string(n.integer);
    if (n.kind == NodeKind::Unary && n.op == Op::Neg && ast_.node(ast_.child(id, 0)).kind == NodeKind::Integer) {
      return "-" + std::to_string(ast_.node(ast_.child(id, 0)).integer);
    }
    return std::nullopt;
  }

  // If `field` is a field with options and `value` a literal (or a list
  // literal), every literal value must be one of the options.
  void check_options(NodeId field, NodeId value) {
    const Node& f = ast_.node(field);
    if (f.kind != NodeKind::Field || type(field).is_error()) return;
    const FieldSignature* sig = scope_.find(f.text);
    if (sig == nullptr || sig->options.empty()) return;
    std::vector<NodeId> values;
    if (ast_.node(value).kind == NodeKind::List) {
      for (const NodeId k : ast_.children(value)) values.push_back(k);
    } else {
      values.push_back(value);
    }
    for (const NodeId v : values) {
      const auto spelling = option_spelling(v);
      if (!spelling) continue;
      if (std::find(sig->options.begin(), sig->options.end(), *spelling) != sig->options.end()) continue;
      const TextRange at = ast_.node(v).kind == NodeKind::Unary ? ast_.node(v).range : ast_.node(v).token;
      error(DiagCode::ExprUnknownOption, at, fmt::format("'{}' is not an option of '{}'", *spelling, f.text));
      if (const auto guess = closest(*spelling, sig->options)) note(at, fmt::format("did you mean '{}'?", *guess));
      std::string list;
      const std::size_t shown = std::min<std::size_t>(sig->options.size(), 12);
      for (std::size_t i = 0; i < shown; ++i) list += (i ? ", '" : "'") + sig->options[i] + "'";
      if (shown < sig->options.size()) list += fmt::format(" and {} more", sig->options.size() - shown);
      note(f.token, fmt::format("options of '{}': {}", f.text, list));
    }
  }

  // The empty list literal `[]` takes the element type of the other operand,
  // so that emitters know what std::array to write.
  void settle_empty_list(NodeId list, Kind element) {
    if (ast_.node(list).kind == NodeKind::List && type(list).is_list() && type(list).element() == Kind::Any &&
        element != Kind::Any) {
      info_[list].type = Type::list(element);
    }
  }

  // ---- node kinds ----------------------------------------------------------------
  Type check_list(NodeId id) {
    const auto kids = ast_.children(id);
    if (any_error(id)) return Type::error();
    Kind element = Kind::Any;
    bool ok = true;
    for (const NodeId k : kids) {
      const Node& n = ast_.node(k);
      const bool literal_value =
          (is_literal(n.kind) && n.kind != NodeKind::Null) || (n.kind == NodeKind::Call && n.text == "date") ||
          (n.kind == NodeKind::Unary && n.op == Op::Neg && is_literal(ast_.node(ast_.child(k, 0)).kind));
      if (!literal_value) {
        error(DiagCode::ExprInvalidLiteral, where(k),
              "list elements must be literal values (strings, numbers, booleans or date(\"...\")); compare fields "
              "with '==' and 'or' instead");
        ok = false;
        continue;
      }
      const Kind kind = type(k).kind();
      if (element == Kind::Any) {
        element = kind;
      } else if (!comparable(element, kind)) {
        error(DiagCode::ExprTypeMismatch, where(k),
              fmt::format("list elements must all have the same type: {} after {}", with_article(type(k)),
                          with_article(Type::list(element).element_type())));
        ok = false;
      } else if (element != kind) {
        element = Kind::Decimal;  // integers and decimals mix as decimals
      }
    }
    return ok ? Type::list(element) : Type::error();
  }

  Type check_field(NodeId id) {
    info_[id].constant = false;
    const Node& n = ast_.node(id);
    const FieldSignature* sig = scope_.find(n.text);
    if (sig == nullptr) {
      if (find_function(n.text)) {
        error(DiagCode::ExprUnknownField, n.token,
              fmt::format("'{}' is a function; call it: {}(...)", n.text, n.text));
        return Type::error();
      }
      error(DiagCode::ExprUnknownField, n.token, fmt::format("unknown field '{}'", n.text));
      if (const auto guess = closest(n.text, scope_.names())) note(n.token, fmt::format("did you mean '{}'?", *guess));
      return Type::error();
    }
    std::int32_t index = -1;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].name == sig->name) index = static_cast<std::int32_t>(i);
    }
    if (index < 0) {
      fields_.push_back(*sig);
      index = static_cast<std::int32_t>(fields_.size() - 1);
    }
    info_[id].field = index;
    return sig->type;
  }

  Type check_unary(NodeId id) {
    if (any_error(id)) return Type::error();
    const Node& n = ast_.node(id);
    const NodeId operand = ast_.child(id, 0);
    if (reject_null(operand)) return Type::error();
    const Type t = type(operand);
    if (n.op == Op::Neg) {
      if (t.is_numeric()) return t;
      error(DiagCode::ExprTypeMismatch, where(operand), fmt::format("unary '-' needs a number, not {}", describe(operand)));
      return Type::error();
    }
    if (t.is(Kind::Boolean)) return t;
    error(DiagCode::ExprTypeMismatch, where(operand), fmt::format("'not' needs a boolean, not {}", describe(operand)));
    return Type::error();
  }

  Type check_binary(NodeId id) {
    if (any_error(id)) return Type::error();
    const Node& n = ast_.node(id);
    const NodeId l = ast_.child(id, 0), r = ast_.child(id, 1);
    const Type lt = type(l), rt = type(r);
    switch (n.op) {
      case Op::And:
      case Op::Or: {
        bool ok = true;
        for (const NodeId k : {l, r}) {
          if (reject_null(k)) {
            ok = false;
          } else if (!type(k).is(Kind::Boolean)) {
            error(DiagCode::ExprTypeMismatch, where(k),
                  fmt::format("'{}' needs boolean operands; this is {}", op_spelling(n.op), describe(k)));
            ok = false;
          }
        }
        return ok ? Type::boolean() : Type::error();
      }
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod: return check_arithmetic(id, l, r);
      case Op::Eq:
      case Op::Ne: {
        if (lt.is(Kind::Null) && rt.is(Kind::Null)) return Type::boolean();
        if (lt.is(Kind::Null) || rt.is(Kind::Null)) {
          const NodeId other = lt.is(Kind::Null) ? r : l;
          if (!type(other).is_scalar()) {
            error(DiagCode::ExprTypeMismatch, ast_.node(lt.is(Kind::Null) ? l : r).token,
                  fmt::format("{} is never null (it is empty instead); use present(...) or blank(...)",
                              describe(other)));
            return Type::error();
          }
          return Type::boolean();
        }
        if (!lt.is_scalar() || !rt.is_scalar()) {
          const NodeId bad = !lt.is_scalar() ? l : r;
          error(DiagCode::ExprTypeMismatch, where(bad),
                fmt::format("'{}' compares single values, not {}; use 'in', 'contains', any_of(), all_of() or "
                            "count()",
                            op_spelling(n.op), describe(bad)));
          return Type::error();
        }
        if (!comparable(lt.kind(), rt.kind())) return mismatch_compare(id, l, r);
        check_options(l, r);
        check_options(r, l);
        return Type::boolean();
      }
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: {
        if (reject_nulls(l, r)) return Type::error();
        for (const NodeId k : {l, r}) {
          const Type t = type(k);
          if (!(t.is_numeric() || t.is(Kind::String) || t.is(Kind::Date))) {
            error(DiagCode::ExprTypeMismatch, where(k),
                  fmt::format("'{}' orders numbers, strings or dates, not {}", op_spelling(n.op), describe(k)));
            return Type::error();
          }
        }
        if (!comparable(lt.kind(), rt.kind())) return mismatch_compare(id, l, r);
        return Type::boolean();
      }
      case Op::In: {
        if (reject_nulls(l, r)) return Type::error();
        if (!rt.is_list()) {
          std::string hint;
          if (rt.is(Kind::String) && lt.is(Kind::String)) hint = "; for a substring write: text contains \"part\"";
          error(DiagCode::ExprTypeMismatch, where(r),
                fmt::format("the right side of 'in' must be a list, not {}{}", describe(r), hint));
          return Type::error();
        }
        if (!lt.is_scalar()) {
          error(DiagCode::ExprTypeMismatch, where(l),
                fmt::format("the left side of 'in' must be a single value, not {}; use any_of() or all_of()",
                            describe(l)));
          return Type::error();
        }
        if (!comparable(lt.kind(), rt.element())) return mismatch_element(l, r);
        settle_empty_list(r, lt.kind());
        check_options(l, r);
        check_options(r, l);
        return Type::boolean();
      }
      case Op::Contains: {
        if (reject_nulls(l, r)) return Type::error();
        if (lt.is(Kind::String)) {
          if (!rt.is(Kind::String)) {
            error(DiagCode::ExprTypeMismatch, where(r),
                  fmt::format("a string can only contain a string, not {}", describe(r)));
            return Type::error();
          }
          return Type::boolean();
        }
        if (!lt.is_list()) {
          error(DiagCode::ExprTypeMismatch, where(l),
                fmt::format("the left side of 'contains' must be a list or a string, not {}", describe(l)));
          return Type::error();
        }
        if (!rt.is_scalar()) {
          error(DiagCode::ExprTypeMismatch, where(r),
                fmt::format("the right side of 'contains' must be a single value, not {}; use any_of() or all_of()",
                            describe(r)));
          return Type::error();
        }
        if (!comparable(rt.kind(), lt.element())) return mismatch_element(r, l);
        check_options(l, r);
        return Type::boolean();
      }
      default: return Type::error();
    }
  }

  Type mismatch_compare(NodeId id, NodeId l, NodeId r) {
    const NodeId bad = blame(l, r);
    const NodeId other = bad == l ? r : l;
    error(DiagCode::ExprTypeMismatch, where(bad),
          fmt::format("'{}' cannot compare {} with {}", op_spelling(ast_.node(id).op), describe(other),
                      with_article(type(bad))));
    return Type::error();
  }

  Type mismatch_element(NodeId value, NodeId list) {
    const NodeId bad = blame(value, list);
    error(DiagCode::ExprTypeMismatch, where(bad),
          fmt::format("cannot look for {} in {}", bad == value ? with_article(type(value)) : describe(value),
                      bad == list ? with_article(type(list)) : describe(list)));
    return Type::error();
  }

  Type check_arithmetic(NodeId id, NodeId l, NodeId r) {
    if (reject_nulls(l, r)) return Type::error();
    const Op op = ast_.node(id).op;
    const Type lt = type(l), rt = type(r);
    const bool li = lt.is(Kind::Integer), ri = rt.is(Kind::Integer);
    const bool ld = lt.is(Kind::Date), rd = rt.is(Kind::Date);
    if (lt.is_numeric() && rt.is_numeric()) {
      if (op == Op::Div) return Type::decimal();
      if (op == Op::Mod) {
        if (li && ri) return Type::integer();
        const NodeId bad = !li ? l : r;
        error(DiagCode::ExprTypeMismatch, where(bad), fmt::format("'%' needs integers, not {}", describe(bad)));
        return Type::error();
      }
      return li && ri ? Type::integer() : Type::decimal();
    }
    if (op == Op::Add && ((ld && ri) || (li && rd))) return Type::date();
    if (op == Op::Sub && ld && ri) return Type::date();
    if (op == Op::Sub && ld && rd) return Type::integer();
    // Blame the operand that cannot take part in arithmetic at all, if any.
    const auto arithmetic_kind = [](Type t) { return t.is_numeric() || t.is(Kind::Date); };
    NodeId bad = r;
    if (!arithmetic_kind(lt) && arithmetic_kind(rt)) bad = l;
    else if (arithmetic_kind(lt) && arithmetic_kind(rt)) bad = blame(l, r);
    std::string hint;
    if (ld || rd) hint = " (dates support date + days, date - days and date - date)";
    error(DiagCode::ExprTypeMismatch, where(bad),
          fmt::format("'{}' cannot combine {} and {}{}", op_spelling(op), describe(l), describe(r), hint));
    return Type::error();
  }

  bool expect_arg(NodeId call, NodeId arg, bool ok, std::string_view wanted) {
    if (ok) return true;
    const auto& f = function_info(info_[call].function);
    error(DiagCode::ExprTypeMismatch, where(arg), fmt::format("{}() needs {}, not {}", f.name, wanted, describe(arg)));
    note(ast_.node(call).token, std::string(f.signature));
    return false;
  }

  Type check_call(NodeId id) {
    const Node& n = ast_.node(id);
    const FunctionInfo* f = find_function(n.text);
    if (f == nullptr) {
      if (scope_.find(n.text)) {
        error(DiagCode::ExprUnknownFunction, n.token, fmt::format("'{}' is a field, not a function", n.text));
        return Type::error();
      }
      error(DiagCode::ExprUnknownFunction, n.token, fmt::format("unknown function '{}'", n.text));
      std::vector<std::string> names;
      for (const auto& fn : functions()) names.emplace_back(fn.name);
      if (const auto guess = closest(n.text, names)) note(n.token, fmt::format("did you mean '{}'?", *guess));
      return Type::error();
    }
    info_[id].function = f->id;
    const auto args = ast_.children(id);
    if (args.size() != f->arity) {
      error(DiagCode::ExprArity, n.token,
            fmt::format("{}() takes {} argument{}, not {}", f->name, f->arity, f->arity == 1 ? "" : "s", args.size()));
      note(n.token, std::string(f->signature));
      return Type::error();
    }
    if (any_error(id)) return Type::error();
    for (const NodeId a : args) {
      if (reject_null(a)) return Type::error();
    }
    const auto arg = [&](std::size_t i) { return args[i]; };
    const auto t = [&](std::size_t i) { return type(args[i]); };
    switch (f->id) {
      case Function::Len:
        if (!expect_arg(id, arg(0), t(0).is(Kind::String) || t(0).is_list(), "a string or a list")) break;
        return Type::integer();
      case Function::Count:
        if (!expect_arg(id, arg(0), t(0).is_list() || t(0).is(Kind::Document),
                        t(0).is(Kind::String) ? "a list or documents (len() counts characters)" : "a list or documents")) {
          break;
        }
        return Type::integer();
      case Function::Present:
      case Function::Blank: return Type::boolean();
      case Function::Matches: {
        if (!expect_arg(id, arg(0), t(0).is(Kind::String), "a string")) break;
        const Node& pattern = ast_.node(arg(1));
        if (pattern.kind != NodeKind::String) {
          error(DiagCode::ExprTypeMismatch, where(arg(1)),
                "the pattern of matches() must be a string literal, so that formc can check it");
          break;
        }
        auto re = std::make_shared<const rt::Regex>(pattern.text);
        if (!re->ok()) {
          error(DiagCode::ExprInvalidRegex, pattern.token,
                fmt::format("invalid regular expression: {} (at byte {} of the pattern)", re->error(),
                            re->error_offset()));
          break;
        }
        regexes_.push_back(std::move(re));
        info_[id].regex = static_cast<std::int32_t>(regexes_.size() - 1);
        return Type::boolean();
      }
      case Function::StartsWith:
      case Function::EndsWith:
        if (!expect_arg(id, arg(0), t(0).is(Kind::String), "a string") ||
            !expect_arg(id, arg(1), t(1).is(Kind::String), "a string")) {
          break;
        }
        return Type::boolean();
      case Function::Today: info_[id].constant = false; return Type::date();
      case Function::Date: {
        const Node& lit = ast_.node(arg(0));
        if (lit.kind != NodeKind::String) {
          error(DiagCode::ExprTypeMismatch, where(arg(0)), "date() takes a string literal: date(\"2024-01-31\")");
          break;
        }
        const auto d = rt::parse_date(lit.text);
        if (!d) {
          error(DiagCode::ExprInvalidLiteral, lit.token,
                fmt::format("'{}' is not a valid date: write date(\"YYYY-MM-DD\") with a real calendar day between "
                            "0001-01-01 and 9999-12-31",
                            lit.text));
          break;
        }
        info_[id].date = *d;
        return Type::date();
      }
      case Function::Year:
      case Function::Month:
      case Function::Day:
        if (!expect_arg(id, arg(0), t(0).is(Kind::Date), "a date")) break;
        return Type::integer();
      case Function::AnyOf:
      case Function::AllOf:
      case Function::NoneOf: {
        if (!expect_arg(id, arg(0), t(0).is_list(), "a list as its first argument") ||
            !expect_arg(id, arg(1), t(1).is_list(), "a list as its second argument")) {
          break;
        }
        if (!comparable(t(0).element(), t(1).element())) {
          error(DiagCode::ExprTypeMismatch, where(arg(1)),
                fmt::format("{}() compares {} with {}", f->name, describe(arg(0)), with_article(t(1))));
          break;
        }
        settle_empty_list(arg(0), t(1).element());
        settle_empty_list(arg(1), t(0).element());
        check_options(arg(0), arg(1));
        return Type::boolean();
      }
      case Function::None: break;
    }
    return Type::error();
  }

  void check_result(Type expected) {
    if (failed_ || ast_.empty()) return;
    const NodeId root = ast_.root();
    const Type t = type(root);
    if (t.is_error() || expected.is(Kind::Any)) return;
    const bool ok = t == expected || (expected.is(Kind::Decimal) && t.is(Kind::Integer)) ||
                    (expected.is_list() && t.is_list() && comparable(expected.element(), t.element()));
    if (ok) return;
    if (expected.is(Kind::Boolean)) {
      std::string hint;
      const Node& n = ast_.node(root);
      if (n.kind == NodeKind::Field) {
        hint = fmt::format("; e.g. present({}) or {} == ...", n.text, n.text);
      }
      error(DiagCode::ExprNotBoolean, ast_.node(root).range,
            fmt::format("a condition must be boolean, but this is {}{}", describe(root), hint));
      return;
    }
    error(DiagCode::ExprTypeMismatch, ast_.node(root).range,
          fmt::format("expected {}, but this is {}", with_article(expected), describe(root)));
  }

  const Ast& ast_;
  const FieldScope& scope_;
  const OffsetMapper& map_;
  support::DiagnosticEngine& diags_;
  std::vector<NodeInfo> info_;
  std::vector<FieldSignature> fields_;
  std::vector<std::shared_ptr<const rt::Regex>> regexes_;
  bool failed_ = false;
};

}  // namespace

std::shared_ptr<const CheckedExpr> check(Ast ast, const FieldScope& scope, const OffsetMapper& map,
                                         support::DiagnosticEngine& diags, Type expected) {
  if (ast.empty()) return nullptr;
  Checker checker(ast, scope, map, diags);
  if (!checker.run(expected)) return nullptr;
  return std::make_shared<const CheckedExpr>(std::move(ast), checker.take_info(), checker.take_fields(),
                                             checker.take_regexes());
}

}  // namespace formc::expr
