#include "expr/cpp_emitter.h"

#include <fmt/format.h>

#include "expr/render.h"

namespace formc::expr {
namespace {

using Kind = Type::Kind;

std::string_view element_cpp_type(Kind k) {
  switch (k) {
    case Kind::Integer: return "std::int64_t";
    case Kind::Decimal: return "double";
    case Kind::Boolean: return "bool";
    case Kind::Date: return "formc::rt::Date";
    default: return "std::string_view";
  }
}

std::string_view rt_function(Function f) {
  switch (f) {
    case Function::Count: return "formc::rt::count";
    case Function::Present: return "formc::rt::present";
    case Function::Blank: return "formc::rt::blank";
    case Function::StartsWith: return "formc::rt::starts_with";
    case Function::EndsWith: return "formc::rt::ends_with";
    case Function::Year: return "formc::rt::year";
    case Function::Month: return "formc::rt::month";
    case Function::Day: return "formc::rt::day";
    case Function::AnyOf: return "formc::rt::any_of";
    case Function::AllOf: return "formc::rt::all_of";
    case Function::NoneOf: return "formc::rt::none_of";
    default: return "";
  }
}

std::string_view rt_operator(Op op) {
  switch (op) {
    case Op::Eq: return "formc::rt::eq";
    case Op::Ne: return "formc::rt::ne";
    case Op::Lt: return "formc::rt::lt";
    case Op::Le: return "formc::rt::le";
    case Op::Gt: return "formc::rt::gt";
    case Op::Ge: return "formc::rt::ge";
    case Op::In: return "formc::rt::in";
    case Op::Add: return "formc::rt::add";
    case Op::Sub: return "formc::rt::sub";
    case Op::Mul: return "formc::rt::mul";
    case Op::Div: return "formc::rt::div";
    case Op::Mod: return "formc::rt::mod";
    default: return "";
  }
}

class CppEmitter {
 public:
  CppEmitter(const CheckedExpr& expr, const CppNaming& naming) : expr_(expr), ast_(expr.ast()), naming_(naming) {}

  std::string run() {
    const NodeId root = expr_.root();
    std::string out = render(root, [this](NodeId id, bool bare, std::vector<Piece>& p) { pieces(id, bare, p); });
    // Conditions are plain bool: a checkbox read directly is std::optional<bool>.
    if (is_optional_bool(root)) out = "formc::rt::truthy(" + out + ")";
    return out;
  }

 private:
  bool is_optional_bool(NodeId id) const {
    return ast_.node(id).kind == NodeKind::Field && expr_.type_of(id).is(Kind::Boolean);
  }

  // A boolean operand of &&, || or !.
  void boolean_operand(NodeId id, bool bare, std::vector<Piece>& p) const {
    if (is_optional_bool(id)) {
      p.push_back(Piece::literal("formc::rt::truthy("));
      p.push_back(Piece::child(id));
      p.push_back(Piece::literal(")"));
    } else {
      p.push_back(Piece::child(id, bare));
    }
  }

  static void call(std::vector<Piece>& p, std::string_view fn, std::initializer_list<NodeId> args,
                   std::string_view extra = {}) {
    p.push_back(Piece::literal(std::string(fn) + "("));
    bool first = true;
    for (const NodeId a : args) {
      if (!first) p.push_back(Piece::literal(", "));
      p.push_back(Piece::child(a));
      first = false;
    }
    if (!extra.empty()) p.push_back(Piece::literal(std::string(extra)));
    p.push_back(Piece::literal(")"));
  }

  void pieces(NodeId id, bool bare, std::vector<Piece>& p) const {
    const Node& n = ast_.node(id);
    switch (n.kind) {
      case NodeKind::Null: p.push_back(Piece::literal("std::nullopt")); return;
      case NodeKind::Boolean: p.push_back(Piece::literal(n.boolean ? "true" : "false")); return;
      case NodeKind::Integer: p.push_back(Piece::literal(std::to_string(n.integer))); return;
      case NodeKind::Decimal: p.push_back(Piece::literal(n.text)); return;
      case NodeKind::String: p.push_back(Piece::literal(cpp_string_literal(n.text))); return;
      case NodeKind::List: {
        const Kind element = expr_.type_of(id).element();
        const auto kids = ast_.children(id);
        p.push_back(Piece::literal(fmt::format("std::array<{}, {}>{{", element_cpp_type(element), kids.size())));
        for (std::size_t i = 0; i < kids.size(); ++i) {
          if (i) p.push_back(Piece::literal(", "));
          p.push_back(Piece::child(kids[i]));
          // An integer element of a decimal list: keep the array homogeneous.
          if (element == Kind::Decimal && expr_.type_of(kids[i]).is(Kind::Integer)) p.push_back(Piece::literal(".0"));
        }
        p.push_back(Piece::literal("}"));
        return;
      }
      case NodeKind::Field: p.push_back(Piece::literal(naming_.field(expr_.field_of(id)))); return;
      case NodeKind::Call: return call_pieces(id, p);
      case NodeKind::Unary:
        if (n.op == Op::Not) {
          p.push_back(Piece::literal("!"));
          boolean_operand(ast_.child(id, 0), false, p);
        } else if (is_literal(ast_.node(ast_.child(id, 0)).kind)) {
          // A negative number literal stays a plain literal (list elements need that).
          p.push_back(Piece::literal("-"));
          p.push_back(Piece::child(ast_.child(id, 0)));
        } else {
          call(p, "formc::rt::neg", {ast_.child(id, 0)});
        }
        return;
      case NodeKind::Binary: return binary_pieces(id, bare, p);
    }
  }

  void binary_pieces(NodeId id, bool bare, std::vector<Piece>& p) const {
    const Node& n = ast_.node(id);
    const NodeId l = ast_.child(id, 0), r = ast_.child(id, 1);
    switch (n.op) {
      case Op::And:
      case Op::Or: {
        const Node& left = ast_.node(l);
        const bool chain = left.kind == NodeKind::Binary && left.op == n.op;
        if (!bare) p.push_back(Piece::literal("("));
        boolean_operand(l, chain, p);
        p.push_back(Piece::literal(n.op == Op::And ? " && " : " || "));
        boolean_operand(r, false, p);
        if (!bare) p.push_back(Piece::literal(")"));
        return;
      }
      case Op::Eq:
      case Op::Ne: {
        const bool lnull = ast_.node(l).kind == NodeKind::Null, rnull = ast_.node(r).kind == NodeKind::Null;
        if (lnull && rnull) {
          p.push_back(Piece::literal(n.op == Op::Eq ? "true" : "false"));
        } else if (lnull || rnull) {
          call(p, n.op == Op::Eq ? "formc::rt::is_null" : "!formc::rt::is_null", {lnull ? r : l});
        } else {
          call(p, rt_operator(n.op), {l, r});
        }
        return;
      }
      case Op::Contains:
        call(p, expr_.type_of(l).is(Kind::String) ? "formc::rt::contains_text" : "formc::rt::contains", {l, r});
        return;
      default: call(p, rt_operator(n.op), {l, r}); return;
    }
  }

  void call_pieces(NodeId id, std::vector<Piece>& p) const {
    const NodeInfo& info = expr_.info(id);
    const auto args = ast_.children(id);
    switch (info.function) {
      case Function::Len:
        call(p, expr_.type_of(args[0]).is(Kind::String) ? "formc::rt::len" : "formc::rt::count", {args[0]});
        return;
      case Function::Matches:
        call(p, "formc::rt::matches", {args[0]}, ", " + cpp_string_literal(expr_.regex_of(id).canonical()));
        return;
      case Function::Today: p.push_back(Piece::literal(naming_.today)); return;
      case Function::Date: {
        const rt::Ymd d = rt::civil_from_days(info.date.days);
        p.push_back(Piece::literal(fmt::format("formc::rt::date({}, {}, {})", d.year, d.month, d.day)));
        return;
      }
      default: break;
    }
    if (args.size() == 1) call(p, rt_function(info.function), {args[0]});
    else call(p, rt_function(info.function), {args[0], args[1]});
  }

  const CheckedExpr& expr_;
  const Ast& ast_;
  const CppNaming& naming_;
};

}  // namespace

std::string cpp_string_literal(std::string_view utf8) {
  std::string out = "\"";
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7F) {
      // Octal escapes take at most three digits, so a following digit is never
      // swallowed (unlike \x escapes).
      out += fmt::format("\\{:03o}", c);
    } else if (c == '?' && out.back() == '?') {
      out += "\\?";  // "??=" and friends: trigraphs (-Wtrigraphs under -Wall) stay two '?'
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

std::string to_cpp(const CheckedExpr& expr, const CppNaming& naming) { return CppEmitter(expr, naming).run(); }

}  // namespace formc::expr
