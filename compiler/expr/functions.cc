#include "expr/functions.h"

#include <array>
#include <cassert>

namespace formc::expr {
namespace {

constexpr std::array<FunctionInfo, 15> kFunctions = {{
    {Function::Len, "len", 1, "len(string | list) -> integer"},
    {Function::Count, "count", 1, "count(list | document) -> integer"},
    {Function::Present, "present", 1, "present(any) -> boolean"},
    {Function::Blank, "blank", 1, "blank(any) -> boolean"},
    {Function::Matches, "matches", 2, "matches(string, \"pattern\") -> boolean"},
    {Function::StartsWith, "starts_with", 2, "starts_with(string, string) -> boolean"},
    {Function::EndsWith, "ends_with", 2, "ends_with(string, string) -> boolean"},
    {Function::Today, "today", 0, "today() -> date"},
    {Function::Date, "date", 1, "date(\"YYYY-MM-DD\") -> date"},
    {Function::Year, "year", 1, "year(date) -> integer"},
    {Function::Month, "month", 1, "month(date) -> integer"},
    {Function::Day, "day", 1, "day(date) -> integer"},
    {Function::AnyOf, "any_of", 2, "any_of(list, list) -> boolean"},
    {Function::AllOf, "all_of", 2, "all_of(list, list) -> boolean"},
    {Function::NoneOf, "none_of", 2, "none_of(list, list) -> boolean"},
}};

}  // namespace

std::span<const FunctionInfo> functions() { return kFunctions; }

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FunctionInfo& function_info(Function f) {
  for (const auto& entry : kFunctions) {
    if (entry.id == f) return entry;
  }
  assert(false && "unknown function id");
  return kFunctions[0];
}

}  // namespace formc::expr
