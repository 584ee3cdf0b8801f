// Comparisons used by the generated C++ case test (expr_cases_cpp): a value
// produced by generated code against the expected JSON of cases.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/expr_runtime.h"

namespace formc::expr_cases {

inline nlohmann::json to_json(bool b) { return b; }
inline nlohmann::json to_json(std::int64_t i) { return i; }
inline nlohmann::json to_json(const std::optional<std::int64_t>& i) { return i ? nlohmann::json(*i) : nullptr; }
inline nlohmann::json to_json(const std::optional<double>& d) { return d ? nlohmann::json(*d) : nullptr; }
inline nlohmann::json to_json(const std::optional<bool>& b) { return b ? nlohmann::json(*b) : nullptr; }
inline nlohmann::json to_json(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nullptr; }
inline nlohmann::json to_json(const std::optional<formc::rt::Date>& d) {
  return d ? nlohmann::json(formc::rt::format_date(*d)) : nullptr;
}
inline nlohmann::json to_json(const formc::rt::Date& d) { return formc::rt::format_date(d); }
inline nlohmann::json to_json(const std::vector<std::string>& l) { return l; }
// A string literal would otherwise convert to bool.
nlohmann::json to_json(const char*) = delete;

template <class T>
bool same(const T& value, const char* expected_json) {
  return to_json(value) == nlohmann::json::parse(expected_json);
}

}  // namespace formc::expr_cases
