// Parsing untrusted JSON text with bounds enforced while parsing.
//
// Contract: parse_json() never recurses on the input and never builds a
// value nested deeper than `max_depth` arrays/objects: parsing stops at the
// first container past it, before anything walks the value recursively
// (nlohmann's dump(), merge_patch() and comparisons recurse). Strings must be
// UTF-8 and numbers finite (nlohmann's strict parser). On failure, `error`
// is a French message naming the byte offset, for a 400 answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace formd::http {

inline constexpr std::size_t kMaxJsonDepth = 32;

struct ParsedJson {
  std::optional<nlohmann::json> value;
  std::string error;  // set when value is empty
};

[[nodiscard]] ParsedJson parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace formd::http
