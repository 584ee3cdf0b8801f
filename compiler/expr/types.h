// Static types of the expression language.
//
// Contract: a Type is a small value. Scalars are Boolean, Integer, Decimal,
// String, Date; List has a scalar element kind; Document is the value of a
// document (file upload) field, a list of file metadata that only count(),
// present() and blank() accept. Null is the type of the literal `null` only.
// Error marks a node whose type could not be computed (already reported), and
// Any is only ever passed as the `expected` type of compile() ("no
// expectation"). The mapping from the block library's field kinds lives here
// too, so that the loader and the tests agree on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace formc::expr {

class Type {
 public:
  enum class Kind : std::uint8_t { Error, Any, Null, Boolean, Integer, Decimal, String, Date, List, Document };

  constexpr Type() = default;
  static constexpr Type error() { return Type(Kind::Error); }
  static constexpr Type any() { return Type(Kind::Any); }
  static constexpr Type null() { return Type(Kind::Null); }
  static constexpr Type boolean() { return Type(Kind::Boolean); }
  static constexpr Type integer() { return Type(Kind::Integer); }
  static constexpr Type decimal() { return Type(Kind::Decimal); }
  static constexpr Type string() { return Type(Kind::String); }
  static constexpr Type date() { return Type(Kind::Date); }
  static constexpr Type document() { return Type(Kind::Document); }
  // A list of scalars. `element` Any is the type of the empty list literal `[]`.
  static constexpr Type list(Kind element) { return Type(Kind::List, element); }

  [[nodiscard]] constexpr Kind kind() const { return kind_; }
  [[nodiscard]] constexpr Kind element() const { return element_; }
  [[nodiscard]] constexpr bool is(Kind k) const { return kind_ == k; }
  [[nodiscard]] constexpr bool is_error() const { return kind_ == Kind::Error; }
  [[nodiscard]] constexpr bool is_numeric() const { return kind_ == Kind::Integer || kind_ == Kind::Decimal; }
  [[nodiscard]] constexpr bool is_scalar() const {
    return kind_ == Kind::Boolean || is_numeric() || kind_ == Kind::String || kind_ == Kind::Date;
  }
  [[nodiscard]] constexpr bool is_list() const { return kind_ == Kind::List; }
  // The element type of a list (Any for `[]`).
  [[nodiscard]] constexpr Type element_type() const { return Type(element_); }

  // "integer", "list of string", ... as used in diagnostics.
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(const Type&, const Type&) = default;

 private:
  constexpr explicit Type(Kind k, Kind element = Kind::Error) : kind_(k), element_(element) {}
  Kind kind_ = Kind::Error;
  Kind element_ = Kind::Error;
};

[[nodiscard]] std::string_view kind_name(Type::Kind kind);

// The expression type of a block-library field kind ("text", "integer",
// "multiselect", ...), or nullopt for a kind that has no value in expressions.
[[nodiscard]] std::optional<Type> type_for_field_kind(std::string_view field_kind);

}  // namespace formc::expr
