// Small text utilities shared by every phase.
//
// Contract: pure functions, no allocation surprises, UTF-8 aware where it
// matters (code-point counts, validation). `closest_match` implements the
// "did you mean" suggestions of diagnostics.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace formc::support {

// Returns true when `text` is well-formed UTF-8 (no overlongs, no surrogates).
[[nodiscard]] bool is_valid_utf8(std::string_view text);
// Byte offset of the first invalid UTF-8 sequence, or npos.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view text);
[[nodiscard]] std::size_t count_code_points(std::string_view text);

[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a plausible
// typo (distance ≤ max(1, len/3)); ties go to the first candidate.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

[[nodiscard]] std::string trim(std::string_view text);
[[nodiscard]] bool starts_with(std::string_view text, std::string_view prefix);
[[nodiscard]] std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Quotes a value for a diagnostic message: 'value' (shortened past 60 code points).
[[nodiscard]] std::string quote(std::string_view value);

}  // namespace formc::support
