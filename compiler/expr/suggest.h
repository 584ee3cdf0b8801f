// "Did you mean ...?" for unknown names and options.
//
// Contract: closest() returns the candidate with the smallest edit distance
// (Levenshtein, ASCII case-insensitive) when that distance is small relative
// to the name's length (at most a third, at least 1), else nothing. Ties go to
// the earliest candidate, so suggestions follow definition order.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace formc::expr {

[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
[[nodiscard]] std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace formc::expr
