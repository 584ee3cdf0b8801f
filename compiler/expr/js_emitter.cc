#include "expr/js_emitter.h"

#include <fmt/format.h>

#include "expr/render.h"

namespace formc::expr {
namespace {

using Kind = Type::Kind;

std::string_view reader(Type t) {
  switch (t.kind()) {
    case Kind::Integer: return "F.int";
    case Kind::Boolean: return "F.bool";
    case Kind::Date: return "F.date";
    case Kind::List: return "F.list";
    case Kind::Document: return "F.docs";
    default: return "F.str";
  }
}

class JsEmitter {
 public:
  explicit JsEmitter(const CheckedExpr& expr) : expr_(expr), ast_(expr.ast()) {}

  std::string run() {
    const NodeId root = expr_.root();
    std::string out = render(root, [this](NodeId id, bool bare, std::vector<Piece>& p) { pieces(id, bare, p); });
    if (is_nullable_bool(root)) out = "F.t(" + out + ")";
    return out;
  }

 private:
  bool is_nullable_bool(NodeId id) const {
    return ast_.node(id).kind == NodeKind::Field && expr_.type_of(id).is(Kind::Boolean);
  }
  Type type(NodeId id) const { return expr_.type_of(id); }

  void boolean_operand(NodeId id, bool bare, std::vector<Piece>& p) const {
    if (is_nullable_bool(id)) {
      p.push_back(Piece::literal("F.t("));
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
      case NodeKind::Null: p.push_back(Piece::literal("null")); return;
      case NodeKind::Boolean: p.push_back(Piece::literal(n.boolean ? "true" : "false")); return;
      case NodeKind::Integer: p.push_back(Piece::literal(std::to_string(n.integer))); return;
      case NodeKind::Decimal: p.push_back(Piece::literal(n.text)); return;
      case NodeKind::String: p.push_back(Piece::literal(js_string_literal(n.text))); return;
      case NodeKind::List: {
        const auto kids = ast_.children(id);
        p.push_back(Piece::literal("["));
        for (std::size_t i = 0; i < kids.size(); ++i) {
          if (i) p.push_back(Piece::literal(", "));
          p.push_back(Piece::child(kids[i]));
        }
        p.push_back(Piece::literal("]"));
        return;
      }
      case NodeKind::Field:
        p.push_back(Piece::literal(fmt::format("{}(d, {})", reader(type(id)), js_string_literal(n.text))));
        return;
      case NodeKind::Call: return call_pieces(id, p);
      case NodeKind::Unary: {
        const NodeId operand = ast_.child(id, 0);
        if (n.op == Op::Not) {
          p.push_back(Piece::literal("!"));
          boolean_operand(operand, false, p);
        } else if (is_literal(ast_.node(operand).kind)) {
          p.push_back(Piece::literal("-"));
          p.push_back(Piece::child(operand));
        } else {
          call(p, type(id).is(Kind::Integer) ? "F.ineg" : "F.dneg", {operand});
        }
        return;
      }
      case NodeKind::Binary: return binary_pieces(id, bare, p);
    }
  }

  std::string_view arithmetic(NodeId id) const {
    const Node& n = ast_.node(id);
    const Type l = type(ast_.child(id, 0)), r = type(ast_.child(id, 1));
    const bool ints = l.is(Kind::Integer) && r.is(Kind::Integer);
    switch (n.op) {
      case Op::Add:
        if (l.is(Kind::Date) || r.is(Kind::Date)) return "F.tadd";
        return ints ? "F.iadd" : "F.dadd";
      case Op::Sub:
        if (l.is(Kind::Date)) return r.is(Kind::Date) ? "F.tdiff" : "F.tsub";
        return ints ? "F.isub" : "F.dsub";
      case Op::Mul: return ints ? "F.imul" : "F.dmul";
      case Op::Div: return "F.ddiv";
      case Op::Mod: return "F.imod";
      default: return "";
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
        if (lnull && rnull) p.push_back(Piece::literal(n.op == Op::Eq ? "true" : "false"));
        else if (lnull || rnull) call(p, n.op == Op::Eq ? "F.isNull" : "!F.isNull", {lnull ? r : l});
        else call(p, n.op == Op::Eq ? "F.eq" : "F.ne", {l, r});
        return;
      }
      case Op::Lt: call(p, "F.lt", {l, r}); return;
      case Op::Le: call(p, "F.le", {l, r}); return;
      case Op::Gt: call(p, "F.gt", {l, r}); return;
      case Op::Ge: call(p, "F.ge", {l, r}); return;
      case Op::In: call(p, "F.inList", {l, r}); return;
      case Op::Contains: call(p, type(l).is(Kind::String) ? "F.containsText" : "F.contains", {l, r}); return;
      default: call(p, arithmetic(id), {l, r}); return;
    }
  }

  void call_pieces(NodeId id, std::vector<Piece>& p) const {
    const NodeInfo& info = expr_.info(id);
    const auto args = ast_.children(id);
    const auto one = [&](std::string_view fn) { call(p, fn, {args[0]}); };
    const auto two = [&](std::string_view fn) { call(p, fn, {args[0], args[1]}); };
    switch (info.function) {
      case Function::Len: one(type(args[0]).is(Kind::String) ? "F.len" : "F.count"); return;
      case Function::Count: one("F.count"); return;
      case Function::Present: one("F.present"); return;
      case Function::Blank: one("F.blank"); return;
      case Function::Matches:
        call(p, "F.matches", {args[0]}, ", " + js_string_literal(expr_.regex_of(id).canonical()));
        return;
      case Function::StartsWith: two("F.startsWith"); return;
      case Function::EndsWith: two("F.endsWith"); return;
      case Function::Today: p.push_back(Piece::literal("F.today()")); return;
      case Function::Date: {
        const rt::Ymd d = rt::civil_from_days(info.date.days);
        p.push_back(Piece::literal(fmt::format("F.ymd({}, {}, {})", d.year, d.month, d.day)));
        return;
      }
      case Function::Year: one("F.year"); return;
      case Function::Month: one("F.month"); return;
      case Function::Day: one("F.day"); return;
      case Function::AnyOf: two("F.anyOf"); return;
      case Function::AllOf: two("F.allOf"); return;
      case Function::NoneOf: two("F.noneOf"); return;
      case Function::None: return;
    }
  }

  const CheckedExpr& expr_;
  const Ast& ast_;
};

}  // namespace

std::string to_js(const CheckedExpr& expr) { return JsEmitter(expr).run(); }

}  // namespace formc::expr
