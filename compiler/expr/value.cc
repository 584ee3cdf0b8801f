#include "expr/value.h"

#include <cmath>

namespace formc::expr {

bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

nlohmann::json Value::to_json() const {
  struct Visitor {
    nlohmann::json operator()(std::monostate) const { return nullptr; }
    nlohmann::json operator()(bool b) const { return b; }
    nlohmann::json operator()(std::int64_t i) const { return i; }
    nlohmann::json operator()(double d) const { return d; }
    nlohmann::json operator()(const std::string& s) const { return s; }
    nlohmann::json operator()(rt::Date d) const { return rt::format_date(d); }
    nlohmann::json operator()(const List& l) const {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : l) out.push_back(v.to_json());
      return out;
    }
    nlohmann::json operator()(const Documents& docs) const {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& d : docs) out.push_back({{"name", d.name}, {"content_type", d.content_type}, {"size", d.size}});
      return out;
    }
  };
  return std::visit(Visitor{}, data_);
}

namespace {

std::optional<std::int64_t> integral(const nlohmann::json& v) {
  if (v.is_number_integer()) {
    // Unsigned values beyond int64 are out of range anyway.
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(rt::kMaxSafeInteger)) {
      return std::nullopt;
    }
    const auto i = v.get<std::int64_t>();
    if (i < -rt::kMaxSafeInteger || i > rt::kMaxSafeInteger) return std::nullopt;
    return i;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > static_cast<double>(rt::kMaxSafeInteger)) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

Value read_field(const nlohmann::json& document, std::string_view name, Type type) {
  const nlohmann::json* v = nullptr;
  if (document.is_object()) {
    const auto it = document.find(name);
    if (it != document.end()) v = &*it;
  }
  switch (type.kind()) {
    case Type::Kind::String:
      if (v && v->is_string()) return Value::string(v->get<std::string>());
      return Value::null();
    case Type::Kind::Integer:
      if (v) {
        if (const auto i = integral(*v)) return Value::integer(*i);
      }
      return Value::null();
    case Type::Kind::Decimal:
      if (v && v->is_number() && std::isfinite(v->get<double>())) return Value::decimal(v->get<double>());
      return Value::null();
    case Type::Kind::Boolean:
      if (v && v->is_boolean()) return Value::boolean(v->get<bool>());
      return Value::null();
    case Type::Kind::Date:
      if (v && v->is_string()) {
        if (const auto d = rt::parse_date(v->get_ref<const std::string&>())) return Value::date(*d);
      }
      return Value::null();
    case Type::Kind::List: {
      Value::List out;
      if (v && v->is_array()) {
        out.reserve(v->size());  // a request's list can be long: one allocation, not log2(n) regrowths
        for (const auto& e : *v) {
          if (!e.is_string()) return Value::list({});
          out.push_back(Value::string(e.get<std::string>()));
        }
      }
      return Value::list(std::move(out));
    }
    case Type::Kind::Document: {
      Value::Documents out;
      if (v && v->is_array()) {
        out.reserve(v->size());
        for (const auto& e : *v) {
          if (!e.is_object()) return Value::documents({});
          rt::Document d;
          if (const auto it = e.find("name"); it != e.end() && it->is_string()) d.name = it->get<std::string>();
          if (const auto it = e.find("content_type"); it != e.end() && it->is_string()) {
            d.content_type = it->get<std::string>();
          }
          if (const auto it = e.find("size"); it != e.end()) d.size = integral(*it).value_or(0);
          out.push_back(std::move(d));
        }
      }
      return Value::documents(std::move(out));
    }
    default: return Value::null();
  }
}

}  // namespace formc::expr
