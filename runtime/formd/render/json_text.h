// Small readings of attribute values shared by the slot filler and the form
// post reader.
//
// Contract: pure functions of a JSON value; nothing here throws on odd data
// (a request's stored values are user data, not trusted to be well-formed).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace formd::render {

// ASCII whitespace (space, \t, \n, \v, \f, \r): what "blank" ignores.
[[nodiscard]] constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
[[nodiscard]] bool is_blank_text(std::string_view text);

// The text of a scalar: strings as is, integers in decimal, floats as JSON
// writes them; nullopt for null, booleans, arrays and objects.
[[nodiscard]] std::optional<std::string> scalar_text(const nlohmann::json& value);

// File names of a document field's value: an array of strings or of objects
// with a string "filename"; other entries (and non-arrays) give nothing.
[[nodiscard]] std::vector<std::string> document_names(const nlohmann::json& value);

// Compact JSON, UTF-8 kept as is (ensure_ascii off); invalid UTF-8 in a
// string is replaced (U+FFFD) rather than thrown.
[[nodiscard]] std::string dump_json(const nlohmann::json& value);

}  // namespace formd::render
