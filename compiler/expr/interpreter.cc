#include "expr/interpreter.h"

#include <string_view>
#include <variant>

namespace formc::expr {
namespace {

// A value seen as a formc::rt scalar (what the rt templates operate on).
using Scalar = std::variant<std::monostate, bool, std::int64_t, double, std::string_view, rt::Date>;

Scalar scalar(const Value& v) {
  struct Visitor {
    Scalar operator()(std::monostate) const { return {}; }
    Scalar operator()(bool b) const { return b; }
    Scalar operator()(std::int64_t i) const { return i; }
    Scalar operator()(double d) const { return d; }
    Scalar operator()(const std::string& s) const { return std::string_view(s); }
    Scalar operator()(rt::Date d) const { return d; }
    Scalar operator()(const Value::List&) const { return {}; }
    Scalar operator()(const Value::Documents&) const { return {}; }
  };
  return std::visit(Visitor{}, v.data());
}

Value from(const std::optional<std::int64_t>& v) { return v ? Value::integer(*v) : Value::null(); }
Value from(const std::optional<double>& v) { return v ? Value::decimal(*v) : Value::null(); }
Value from(const std::optional<rt::Date>& v) { return v ? Value::date(*v) : Value::null(); }

// rt::compare on two present scalars; nullopt when either is null. (The
// checker guarantees the kinds are comparable.)
std::optional<int> compare(const Value& a, const Value& b) {
  return std::visit(
      [](const auto& x, const auto& y) -> std::optional<int> {
        if constexpr (requires { rt::compare(x, y); }) {
          return rt::compare(x, y);
        } else {
          return std::nullopt;
        }
      },
      scalar(a), scalar(b));
}

Value arithmetic(Op op, const Value& a, const Value& b) {
  return std::visit(
      [op](const auto& x, const auto& y) -> Value {
        switch (op) {
          case Op::Add:
            if constexpr (requires { rt::detail::add(x, y); }) return from(rt::detail::add(x, y));
            break;
          case Op::Sub:
            if constexpr (requires { rt::detail::sub(x, y); }) return from(rt::detail::sub(x, y));
            break;
          case Op::Mul:
            if constexpr (requires { rt::detail::mul(x, y); }) return from(rt::detail::mul(x, y));
            break;
          case Op::Div:
            if constexpr (requires { rt::detail::div(x, y); }) return from(rt::detail::div(x, y));
            break;
          case Op::Mod:
            if constexpr (requires { rt::detail::mod(x, y); }) return from(rt::detail::mod(x, y));
            break;
          default: break;
        }
        return Value::null();  // a null operand (monostate) lands here
      },
      scalar(a), scalar(b));
}

bool list_has(const Value& list, const Value& x) {
  const auto* l = list.get<Value::List>();
  if (l == nullptr || x.is_null()) return false;
  for (const auto& e : *l) {
    const auto c = compare(x, e);
    if (c && *c == 0) return true;
  }
  return false;
}

std::optional<std::string_view> text(const Value& v) {
  if (const auto* s = v.get<std::string>()) return std::string_view(*s);
  return std::nullopt;
}

std::optional<rt::Date> date_of(const Value& v) {
  if (const auto* d = v.get<rt::Date>()) return *d;
  return std::nullopt;
}

std::size_t size_of(const Value& v) {
  if (const auto* l = v.get<Value::List>()) return l->size();
  if (const auto* d = v.get<Value::Documents>()) return d->size();
  return 0;
}

class Interpreter {
 public:
  Interpreter(const CheckedExpr& expr, const nlohmann::json& document, rt::Date today)
      : expr_(expr), ast_(expr.ast()), document_(document), today_(today) {}

  Value run(NodeId node) {
    const NodeId begin = ast_.subtree_begin(node);
    values_.assign(node - begin + 1, Value());
    begin_ = begin;
    // Post-order arena: every child is evaluated before its parent. Both sides
    // of and/or are evaluated; evaluation has no effects, so this is only a cost.
    for (NodeId id = begin; id <= node; ++id) at(id) = eval(id);
    return std::move(at(node));
  }

 private:
  Value& at(NodeId id) { return values_[id - begin_]; }
  const Value& arg(NodeId id, std::size_t i) { return at(ast_.child(id, i)); }

  Value eval(NodeId id) {
    const Node& n = ast_.node(id);
    switch (n.kind) {
      case NodeKind::Null: return Value::null();
      case NodeKind::Boolean: return Value::boolean(n.boolean);
      case NodeKind::Integer: return Value::integer(n.integer);
      case NodeKind::Decimal: return Value::decimal(n.decimal);
      case NodeKind::String: return Value::string(n.text);
      case NodeKind::List: {
        Value::List out;
        for (const NodeId k : ast_.children(id)) out.push_back(at(k));
        return Value::list(std::move(out));
      }
      case NodeKind::Field: return read_field(document_, n.text, expr_.type_of(id));
      case NodeKind::Call: return call(id);
      case NodeKind::Unary: {
        const Value& v = arg(id, 0);
        if (n.op == Op::Not) return Value::boolean(!v.truthy());
        if (const auto* i = v.get<std::int64_t>()) return from(rt::detail::neg(*i));
        if (const auto* d = v.get<double>()) return from(rt::detail::neg(*d));
        return Value::null();
      }
      case NodeKind::Binary: return binary(id);
    }
    return Value::null();
  }

  Value binary(NodeId id) {
    const Node& n = ast_.node(id);
    const Value& a = arg(id, 0);
    const Value& b = arg(id, 1);
    const NodeId l = ast_.child(id, 0), r = ast_.child(id, 1);
    switch (n.op) {
      case Op::And: return Value::boolean(a.truthy() && b.truthy());
      case Op::Or: return Value::boolean(a.truthy() || b.truthy());
      case Op::Eq:
      case Op::Ne: {
        bool equal = false;
        const bool lnull = ast_.node(l).kind == NodeKind::Null, rnull = ast_.node(r).kind == NodeKind::Null;
        if (lnull && rnull) {
          equal = true;
        } else if (lnull || rnull) {
          equal = (lnull ? b : a).is_null();  // `x == null`
        } else {
          const auto c = compare(a, b);
          equal = c && *c == 0;
        }
        return Value::boolean(n.op == Op::Eq ? equal : !equal);
      }
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: {
        const auto c = compare(a, b);
        if (!c) return Value::boolean(false);
        const bool result = n.op == Op::Lt ? *c < 0 : n.op == Op::Le ? *c <= 0 : n.op == Op::Gt ? *c > 0 : *c >= 0;
        return Value::boolean(result);
      }
      case Op::In: return Value::boolean(list_has(b, a));
      case Op::Contains:
        if (expr_.type_of(l).is(Type::Kind::String)) {
          return Value::boolean(rt::contains_text(text(a), text(b)));
        }
        return Value::boolean(list_has(a, b));
      default: return arithmetic(n.op, a, b);
    }
  }

  Value call(NodeId id) {
    const NodeInfo& info = expr_.info(id);
    const auto a = [&](std::size_t i) -> const Value& { return arg(id, i); };
    switch (info.function) {
      case Function::Len:
        if (expr_.type_of(ast_.child(id, 0)).is(Type::Kind::String)) return Value::integer(rt::len(text(a(0))));
        return Value::integer(static_cast<std::int64_t>(size_of(a(0))));
      case Function::Count: return Value::integer(static_cast<std::int64_t>(size_of(a(0))));
      case Function::Present:
      case Function::Blank: {
        const Value& v = a(0);
        bool present = false;
        if (v.get<Value::List>() || v.get<Value::Documents>()) present = size_of(v) > 0;
        else if (const auto s = text(v)) present = rt::present(s);
        else present = !v.is_null();
        return Value::boolean(info.function == Function::Present ? present : !present);
      }
      case Function::Matches: {
        const auto s = text(a(0));
        return Value::boolean(s && expr_.regex_of(id).search(*s));
      }
      case Function::StartsWith: return Value::boolean(rt::starts_with(text(a(0)), text(a(1))));
      case Function::EndsWith: return Value::boolean(rt::ends_with(text(a(0)), text(a(1))));
      case Function::Today: return Value::date(today_);
      case Function::Date: return Value::date(info.date);
      case Function::Year: return from(rt::year(date_of(a(0))));
      case Function::Month: return from(rt::month(date_of(a(0))));
      case Function::Day: return from(rt::day(date_of(a(0))));
      case Function::AnyOf:
      case Function::AllOf:
      case Function::NoneOf: {
        const auto* wanted = a(1).get<Value::List>();
        bool any = false, all = true;
        if (wanted) {
          for (const auto& w : *wanted) {
            const bool has = list_has(a(0), w);
            any = any || has;
            all = all && has;
          }
        }
        if (info.function == Function::AnyOf) return Value::boolean(any);
        if (info.function == Function::AllOf) return Value::boolean(all);
        return Value::boolean(!any);
      }
      case Function::None: break;
    }
    return Value::null();
  }

  const CheckedExpr& expr_;
  const Ast& ast_;
  const nlohmann::json& document_;
  rt::Date today_;
  std::vector<Value> values_;
  NodeId begin_ = 0;
};

}  // namespace

Value evaluate_node(const CheckedExpr& expr, NodeId node, const nlohmann::json& document, rt::Date today) {
  return Interpreter(expr, document, today).run(node);
}

Value evaluate(const CheckedExpr& expr, const nlohmann::json& document, rt::Date today) {
  Value v = evaluate_node(expr, expr.root(), document, today);
  if (expr.type().is(Type::Kind::Boolean) && v.is_null()) return Value::boolean(false);
  return v;
}

}  // namespace formc::expr
