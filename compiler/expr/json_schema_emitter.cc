#include "expr/json_schema_emitter.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "expr/interpreter.h"

namespace formc::expr {
namespace {

using Json = nlohmann::ordered_json;
using Kind = Type::Kind;

constexpr const char* kDatePattern =
    "^(?:(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-"
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|"
    "02-(?:0[1-9]|1[0-9]|2[0-8]))|"
    "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)$";

// Strings with a non-whitespace character: present() on text.
constexpr const char* kNonSpacePattern = "[^\\t\\n\\v\\f\\r ]";

Json scalar_json(const Value& v) {
  if (const auto* b = v.get<bool>()) return *b;
  if (const auto* i = v.get<std::int64_t>()) return *i;
  if (const auto* d = v.get<double>()) return *d;
  if (const auto* s = v.get<std::string>()) return *s;
  if (const auto* t = v.get<rt::Date>()) return rt::format_date(*t);
  return nullptr;
}

// The schema of a well-formed (non-null) value of a field, as read_field() defines it.
Json valid_value(Type t) {
  switch (t.kind()) {
    case Kind::String: return Json{{"type", "string"}};
    case Kind::Integer:
      return Json{{"type", "integer"}, {"minimum", -rt::kMaxSafeInteger}, {"maximum", rt::kMaxSafeInteger}};
    case Kind::Boolean: return Json{{"type", "boolean"}};
    case Kind::Date: return Json{{"type", "string"}, {"pattern", kDatePattern}};
    case Kind::List: return Json{{"type", "array"}, {"items", Json{{"type", "string"}}}};
    case Kind::Document: return Json{{"type", "array"}, {"items", Json{{"type", "object"}}}};
    default: return Json(true);
  }
}

// The instance has field `name`, and its value satisfies `property`.
Json has_field(const std::string& name, Json property) {
  return Json{{"type", "object"}, {"required", Json::array({name})}, {"properties", Json{{name, std::move(property)}}}};
}
// If the instance has field `name`, its value satisfies `property`.
Json if_field(const std::string& name, Json property) {
  return Json{{"type", "object"}, {"properties", Json{{name, std::move(property)}}}};
}
Json negate(Json s) {
  if (s.is_boolean()) return !s.get<bool>();
  return Json{{"not", std::move(s)}};
}

// The distinct values of a constant list, in order (JSON Schema wants enum
// items unique). A set of their JSON spellings keeps this linear-logarithmic.
Json distinct_values(const Value& list) {
  Json values = Json::array();
  std::set<std::string> seen;
  if (const auto* l = list.get<Value::List>()) {
    for (const auto& e : *l) {
      Json j = scalar_json(e);
      if (seen.insert(j.dump()).second) values.push_back(std::move(j));
    }
  }
  return values;
}

Op flip(Op op) {
  switch (op) {
    case Op::Lt: return Op::Gt;
    case Op::Le: return Op::Ge;
    case Op::Gt: return Op::Lt;
    case Op::Ge: return Op::Le;
    default: return op;
  }
}

class SchemaEmitter {
 public:
  explicit SchemaEmitter(const CheckedExpr& expr)
      : expr_(expr), ast_(expr.ast()), schemas_(ast_.size()), parent_(ast_.size(), kNoNode) {
    for (NodeId id = 0; id < ast_.size(); ++id) {
      for (const NodeId k : ast_.children(id)) parent_[k] = id;
    }
  }

  std::optional<Json> run() {
    if (!expr_.type().is(Kind::Boolean)) return std::nullopt;
    for (NodeId id = 0; id < ast_.size(); ++id) {
      if (!expr_.type_of(id).is(Kind::Boolean)) continue;
      // A constant inside a constant is folded with its parent, once.
      if (expr_.info(id).constant && parent_[id] != kNoNode && expr_.info(parent_[id]).constant) continue;
      schemas_[id] = schema(id);
    }
    return std::move(schemas_[expr_.root()]);
  }

 private:
  Type type(NodeId id) const { return expr_.type_of(id); }
  bool is_field(NodeId id) const { return ast_.node(id).kind == NodeKind::Field; }
  const std::string& name(NodeId id) const { return ast_.node(id).text; }
  bool is_constant(NodeId id) const { return expr_.info(id).constant; }
  Value constant(NodeId id) const { return evaluate_node(expr_, id, nlohmann::json::object(), rt::Date{}); }

  std::optional<Json> take(NodeId id) {
    std::optional<Json> s = std::move(schemas_[id]);
    schemas_[id].reset();
    return s;
  }

  std::optional<Json> schema(NodeId id) {
    const Node& n = ast_.node(id);
    if (is_constant(id)) return Json(constant(id).truthy());
    switch (n.kind) {
      case NodeKind::Field: return has_field(n.text, Json{{"const", true}});
      case NodeKind::Unary: {
        auto s = take(ast_.child(id, 0));
        if (!s) return std::nullopt;
        return negate(std::move(*s));
      }
      case NodeKind::Binary:
        if (n.op == Op::And || n.op == Op::Or) return logic(id);
        return comparison(id);
      case NodeKind::Call: return call(id);
      default: return std::nullopt;
    }
  }

  std::optional<Json> logic(NodeId id) {
    const Node& n = ast_.node(id);
    const char* keyword = n.op == Op::And ? "allOf" : "anyOf";
    const NodeId l = ast_.child(id, 0), r = ast_.child(id, 1);
    auto ls = take(l);
    auto rs = take(r);
    if (!ls || !rs) return std::nullopt;
    // Take over the left operand's list when it is the same connective, so a
    // long chain is one flat allOf/anyOf built in linear time.
    const Node& left = ast_.node(l);
    Json out;
    if (left.kind == NodeKind::Binary && left.op == n.op && ls->is_object() && ls->size() == 1 &&
        ls->contains(keyword)) {
      out = std::move(*ls);
    } else {
      out = Json{{keyword, Json::array({std::move(*ls)})}};
    }
    out[keyword].push_back(std::move(*rs));
    return out;
  }

  // `len(field)` / `count(field)`: the field node, else kNoNode.
  NodeId measured_field(NodeId id) const {
    const Node& n = ast_.node(id);
    if (n.kind != NodeKind::Call) return kNoNode;
    const Function f = expr_.info(id).function;
    if (f != Function::Len && f != Function::Count) return kNoNode;
    const NodeId arg = ast_.child(id, 0);
    return is_field(arg) ? arg : kNoNode;
  }

  std::optional<Json> comparison(NodeId id) {
    const Node& n = ast_.node(id);
    NodeId l = ast_.child(id, 0), r = ast_.child(id, 1);
    Op op = n.op;
    if (op == Op::Contains) {
      // `list contains x` is `x in list`; `text contains "part"` is a pattern.
      if (type(l).is(Kind::String)) {
        if (!is_field(l) || !is_constant(r)) return std::nullopt;
        const Value v = constant(r);
        const auto* s = v.get<std::string>();
        if (!s) return Json(false);
        return has_field(name(l), Json{{"type", "string"}, {"pattern", rt::Regex::escape_literal(*s)}});
      }
      std::swap(l, r);
      op = Op::In;
    }
    if (op == Op::In) {
      if (is_field(l) && is_constant(r)) {
        // field in [constants]
        Json values = distinct_values(constant(r));
        if (values.empty()) return Json(false);
        return has_field(name(l), Json{{"enum", std::move(values)}});
      }
      if (is_constant(l) && is_field(r)) {
        // constant in list field
        const Json v = scalar_json(constant(l));
        if (v.is_null()) return Json(false);
        Json property = valid_value(type(r));
        property["contains"] = Json{{"const", v}};
        return has_field(name(r), std::move(property));
      }
      return std::nullopt;
    }
    // == != < <= > >=, with the constant on the right.
    if (is_constant(l) && !is_constant(r)) {
      std::swap(l, r);
      op = flip(op);
    }
    if (!is_constant(r)) return std::nullopt;
    if (op == Op::Ne) {
      auto eq = compare_with_constant(l, Op::Eq, r);
      if (!eq) return std::nullopt;
      return negate(std::move(*eq));
    }
    return compare_with_constant(l, op, r);
  }

  std::optional<Json> compare_with_constant(NodeId l, Op op, NodeId r) {
    if (const NodeId field = measured_field(l); field != kNoNode) return length_comparison(field, op, r);
    if (!is_field(l)) return std::nullopt;
    const std::string& f = name(l);
    if (ast_.node(r).kind == NodeKind::Null) {  // field == null
      return negate(has_field(f, valid_value(type(l))));
    }
    const Value v = constant(r);
    if (v.is_null()) return Json(false);  // comparisons with null are false
    if (op == Op::Eq) return has_field(f, Json{{"const", scalar_json(v)}});
    // Ordering: JSON Schema only orders numbers.
    if (!type(l).is(Kind::Integer)) return std::nullopt;
    Json property = Json{{"type", "integer"}};
    const Json bound = scalar_json(v);
    switch (op) {
      case Op::Lt: property["minimum"] = -rt::kMaxSafeInteger, property["exclusiveMaximum"] = bound; break;
      case Op::Le: property["minimum"] = -rt::kMaxSafeInteger, property["maximum"] = bound; break;
      case Op::Gt: property["maximum"] = rt::kMaxSafeInteger, property["exclusiveMinimum"] = bound; break;
      case Op::Ge: property["maximum"] = rt::kMaxSafeInteger, property["minimum"] = bound; break;
      default: return std::nullopt;
    }
    return has_field(f, std::move(property));
  }

  // len(field) / count(field) compared with a constant number. len(null) and
  // the count of a malformed list are 0, which the schema must accept too.
  std::optional<Json> length_comparison(NodeId field, Op op, NodeId r) {
    const Value v = constant(r);
    double c = 0;
    if (const auto* i = v.get<std::int64_t>()) c = static_cast<double>(*i);
    else if (const auto* d = v.get<double>()) c = *d;
    else return Json(false);
    // The integers k >= 0 with `k op c`, as [lo, hi] (hi < 0: unbounded).
    double lo = 0, hi = -1;
    switch (op) {
      case Op::Eq:
        if (std::floor(c) != c) return Json(false);
        lo = hi = c;
        break;
      case Op::Lt: hi = std::ceil(c) - 1; break;
      case Op::Le: hi = std::floor(c); break;
      case Op::Gt: lo = std::floor(c) + 1; break;
      case Op::Ge: lo = std::ceil(c); break;
      default: return std::nullopt;
    }
    const bool bounded = op == Op::Eq || op == Op::Lt || op == Op::Le;
    lo = std::max(lo, 0.0);
    if (bounded && hi < lo) return Json(false);
    const Type t = type(field);
    const bool text = t.is(Kind::String);
    Json property = valid_value(t);
    if (lo > 0) property[text ? "minLength" : "minItems"] = static_cast<std::int64_t>(lo);
    if (bounded) property[text ? "maxLength" : "maxItems"] = static_cast<std::int64_t>(hi);
    const bool zero_holds = lo == 0;  // absent or malformed: the length is 0
    if (zero_holds) return if_field(name(field), Json{{"anyOf", Json::array({negate(valid_value(t)), property})}});
    return has_field(name(field), std::move(property));
  }

  std::optional<Json> call(NodeId id) {
    const Function f = expr_.info(id).function;
    const auto args = ast_.children(id);
    switch (f) {
      case Function::Present:
      case Function::Blank: {
        if (!is_field(args[0])) return std::nullopt;
        const Type t = type(args[0]);
        Json property = valid_value(t);
        if (t.is(Kind::String)) property["pattern"] = kNonSpacePattern;
        if (t.is_list() || t.is(Kind::Document)) property["minItems"] = 1;
        Json present = has_field(name(args[0]), std::move(property));
        return f == Function::Present ? present : negate(std::move(present));
      }
      case Function::Matches:
        if (!is_field(args[0])) return std::nullopt;
        return has_field(name(args[0]), Json{{"type", "string"}, {"pattern", expr_.regex_of(id).canonical()}});
      case Function::StartsWith:
      case Function::EndsWith: {
        if (!is_field(args[0]) || !is_constant(args[1])) return std::nullopt;
        const Value v = constant(args[1]);
        const auto* s = v.get<std::string>();
        if (!s) return Json(false);
        const std::string literal = rt::Regex::escape_literal(*s);
        return has_field(name(args[0]), Json{{"type", "string"},
                                             {"pattern", f == Function::StartsWith ? "^" + literal : literal + "$"}});
      }
      case Function::AnyOf:
      case Function::AllOf:
      case Function::NoneOf: {
        if (!is_field(args[0]) || !is_constant(args[1])) return std::nullopt;
        Json values = distinct_values(constant(args[1]));
        const std::string& field = name(args[0]);
        if (f == Function::AllOf) {
          if (values.empty()) return Json(true);  // vacuous: even a malformed list
          Json property = valid_value(type(args[0]));
          Json all = Json::array();
          for (auto& value : values) all.push_back(Json{{"contains", Json{{"const", std::move(value)}}}});
          property["allOf"] = std::move(all);
          return has_field(field, std::move(property));
        }
        Json any = Json(false);
        if (!values.empty()) {
          Json property = valid_value(type(args[0]));
          property["contains"] = Json{{"enum", std::move(values)}};
          any = has_field(field, std::move(property));
        }
        return f == Function::AnyOf ? any : negate(std::move(any));
      }
      default: return std::nullopt;
    }
  }

  const CheckedExpr& expr_;
  const Ast& ast_;
  std::vector<std::optional<Json>> schemas_;
  std::vector<NodeId> parent_;
};

}  // namespace

const char* json_schema_date_pattern() { return kDatePattern; }

std::optional<nlohmann::ordered_json> to_json_schema(const CheckedExpr& expr) { return SchemaEmitter(expr).run(); }

}  // namespace formc::expr
