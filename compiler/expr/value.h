// Runtime values of the interpreter, and how fields are read from JSON.
//
// Contract: a Value is null or one of boolean, integer (within ±(2^53−1)),
// decimal (finite double), string (UTF-8), date, list of values, or documents.
// read_field() is THE definition of how a flat DataPass JSON document feeds
// an expression (formc-expr.js mirrors it in F.str/F.int/...):
//   - a missing key, JSON null or a value of the wrong JSON type is null;
//   - an integer is a JSON number with an integral value within ±(2^53−1)
//     (36 and 36.0 both read as 36);
//   - a date is a string "YYYY-MM-DD" naming a real day in 0001..9999;
//   - a list (multiselect) is an array of strings; anything else, including
//     an array holding a non-string, reads as the empty list;
//   - documents are an array of objects; anything else reads as empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "expr/types.h"
#include "formc/runtime/expr_runtime.h"

namespace formc::expr {

class Value {
 public:
  using List = std::vector<Value>;
  using Documents = std::vector<rt::Document>;
  using Data = std::variant<std::monostate, bool, std::int64_t, double, std::string, rt::Date, List, Documents>;

  Value() = default;
  explicit Value(Data data) : data_(std::move(data)) {}
  static Value null() { return Value(); }
  static Value boolean(bool b) { return Value(Data(b)); }
  static Value integer(std::int64_t i) { return Value(Data(i)); }
  static Value decimal(double d) { return Value(Data(d)); }
  static Value string(std::string s) { return Value(Data(std::move(s))); }
  static Value date(rt::Date d) { return Value(Data(d)); }
  static Value list(List l) { return Value(Data(std::move(l))); }
  static Value documents(Documents d) { return Value(Data(std::move(d))); }

  [[nodiscard]] bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  [[nodiscard]] const Data& data() const { return data_; }
  template <class T>
  [[nodiscard]] const T* get() const {
    return std::get_if<T>(&data_);
  }
  // True only for the boolean true: the language's boolean context.
  [[nodiscard]] bool truthy() const {
    const bool* b = get<bool>();
    return b != nullptr && *b;
  }

  // JSON rendering: dates as "YYYY-MM-DD", documents as {name, content_type, size}.
  [[nodiscard]] nlohmann::json to_json() const;
  // Compact text for test failures and `formc validate` traces.
  [[nodiscard]] std::string to_string() const { return to_json().dump(); }

  friend bool operator==(const Value& a, const Value& b);

 private:
  Data data_;
};

[[nodiscard]] Value read_field(const nlohmann::json& document, std::string_view name, Type type);

}  // namespace formc::expr
