// The built-in functions of the expression language.
//
// Contract: one table, in the order schema/EXPRESSIONS.md documents them. The
// checker resolves calls through find_function(); emitters switch on Function.
// Argument types are checked in checker.cc (they are not a simple list: len()
// takes a string or a list, matches() needs a literal pattern, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace formc::expr {

enum class Function : std::uint8_t {
  None,
  Len, Count, Present, Blank,
  Matches, StartsWith, EndsWith,
  Today, Date, Year, Month, Day,
  AnyOf, AllOf, NoneOf,
};

struct FunctionInfo {
  Function id;
  std::string_view name;
  std::uint8_t arity;
  std::string_view signature;  // shown in notes: "len(string | list) -> integer"
};

[[nodiscard]] std::span<const FunctionInfo> functions();
[[nodiscard]] const FunctionInfo* find_function(std::string_view name);
[[nodiscard]] const FunctionInfo& function_info(Function f);

}  // namespace formc::expr
