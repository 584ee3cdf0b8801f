#include "expr/types.h"

namespace formc::expr {

std::string_view kind_name(Type::Kind kind) {
  switch (kind) {
    case Type::Kind::Error: return "<error>";
    case Type::Kind::Any: return "any";
    case Type::Kind::Null: return "null";
    case Type::Kind::Boolean: return "boolean";
    case Type::Kind::Integer: return "integer";
    case Type::Kind::Decimal: return "decimal";
    case Type::Kind::String: return "string";
    case Type::Kind::Date: return "date";
    case Type::Kind::List: return "list";
    case Type::Kind::Document: return "document";
  }
  return "<error>";
}

std::string Type::to_string() const {
  if (kind_ != Kind::List) return std::string(kind_name(kind_));
  if (element_ == Kind::Any) return "empty list";
  return "list of " + std::string(kind_name(element_));
}

std::optional<Type> type_for_field_kind(std::string_view k) {
  if (k == "text" || k == "textarea" || k == "email" || k == "phone" || k == "url" || k == "select" ||
      k == "radio" || k == "string") {
    return Type::string();
  }
  if (k == "integer") return Type::integer();
  if (k == "date") return Type::date();
  if (k == "checkbox" || k == "boolean") return Type::boolean();
  if (k == "multiselect" || k == "scopes") return Type::list(Type::Kind::String);
  if (k == "document" || k == "documents") return Type::document();
  return std::nullopt;
}

}  // namespace formc::expr
