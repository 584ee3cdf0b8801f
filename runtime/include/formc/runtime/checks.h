// The checks generated validate() functions call.
//
// Contract: generated code spells out, field by field, which checks apply
// (readable, and branch-predictable); what needs a loop or a formatted
// message lives here. Checker appends to the caller's error vector and never
// allocates unless it reports an error or checks a list of more than
// kPairwiseItems items for repeats. The order of the errors is the
// interpreter's (compiler/validate/validator.cc): for a list, each item's
// duplicate error then its option error; for documents, the count, then per
// file its size then its content type.
//
// Lists come from the request, so every check is linear in their length and
// the number of errors is bounded by the definition, never by the request:
// a list longer than its bound (a multiselect's options or `max_items`, the
// definition's scopes, a document field's `max_count`) gets one error
// (too_many_items, too_many_files) and its items are not checked one by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formc/runtime/expr_runtime.h"
#include "formc/runtime/metadata.h"
#include "formc/runtime/validation.h"

namespace formc::rt {

class Checker {
 public:
  // No bound on a list's length (items() called by code generated before bounds existed).
  static constexpr std::int64_t kNoItemLimit = std::numeric_limits<std::int64_t>::max();
  // Up to this many items, repeats are found by comparing pairs (at most 120
  // comparisons, no allocation: real requests' lists are short); above, with
  // a hash set (linear).
  static constexpr std::size_t kPairwiseItems = 16;

  Checker(std::vector<Error>& out, const InputErrors& input) noexcept : out_(out), input_(input) {}

  // Reports what reading the JSON found wrong with `slot`; true when there
  // was something (the value is then not checked further, nor required).
  bool input(int slot, bool visible = true) {
    if (input_.empty() || !input_.has(slot)) return false;
    input_.report(slot, visible, out_);
    return true;
  }
  // The unknown keys and other document-level problems (first in the result).
  void document() {
    if (!input_.empty()) input_.report_document(out_);
  }

  void fail(std::string_view field, std::string_view code, std::string message) {
    out_.push_back(Error{std::string(field), std::string(code), std::move(message)});
  }

  // `value` is not one of the options of a select or radio field.
  void not_an_option(std::string_view field, std::string_view label, std::string_view value);

  // The items of a multiselect: more than `max_items` is one `too_many_items`
  // and nothing else; otherwise a repeated item is `duplicate` (its first
  // occurrence is not) and, with `is_option`, an item it rejects is
  // `not_an_option`. formc passes the field's bound (model::list_bound); the
  // default, no bound, keeps code generated before bounds existed compiling.
  void items(std::string_view field, std::string_view label, const std::vector<std::string>& values,
             bool (*is_option)(std::string_view), std::int64_t max_items = kNoItemLimit);
  // The items of a scopes field: `scope_index` maps a value to the
  // definition's scope index (-1: unknown); `allowed` is the form's
  // FormInfo::allowed_scopes. `allowed` has one entry per definition scope,
  // so more items than that cannot all be distinct scopes: such a list is one
  // `too_many_items`. Otherwise, per item, `duplicate` then `not_an_option`.
  void scopes(std::string_view field, std::string_view label, const std::vector<std::string>& values,
              int (*scope_index)(std::string_view), std::span<const bool> allowed);
  // Uploaded files: at most `max_count` (more is one `too_many_files`, and
  // the files are then not checked one by one), each at most `max_size`
  // bytes (< 0: no limit) and of one of `content_types` (empty: any).
  void documents(std::string_view field, std::string_view label, const std::vector<Document>& files,
                 std::int64_t max_count, std::int64_t max_size, std::span<const std::string_view> content_types);
  // Date bounds whose message shows the bound (a "today" bound is only known at run time).
  void date_min(std::string_view field, std::string_view label, Date value, Date bound);
  void date_max(std::string_view field, std::string_view label, Date value, Date bound);

 private:
  // More than `max_items` values: reports too_many_items and returns true.
  bool too_many(std::string_view field, std::string_view label, std::size_t count, std::int64_t max_items);

  std::vector<Error>& out_;
  const InputErrors& input_;
};

// The blocks completely validated in `context` for `form` (bit i: the
// definition's block i). Reports `unknown_form` (a form of another
// definition) or `unknown_step` and returns nullopt when it cannot say.
[[nodiscard]] std::optional<std::uint64_t> validated_blocks(const Context& context, const FormInfo& form,
                                                            const DefinitionInfo& definition, std::vector<Error>& out);

// today(), computed once per validation and only if a rule asks for it.
class LazyToday {
 public:
  explicit LazyToday(const Context& context) noexcept : context_(context) {}
  Date operator()() {
    if (!value_) value_ = context_.today_or_now();
    return *value_;
  }

 private:
  const Context& context_;
  std::optional<Date> value_;
};

// Enum helpers for generated option enums (found through ADL: every
// generated enum E has `to_string(E)` and `from_string(std::string_view, E&)`).
template <class E>
[[nodiscard]] std::optional<E> as_enum(std::string_view text) {
  E value{};
  if (from_string(text, value)) return value;
  return std::nullopt;
}
template <class E>
[[nodiscard]] std::optional<E> as_enum(const char* text) {
  return as_enum<E>(std::string_view(text));
}
template <class E>
[[nodiscard]] std::optional<E> as_enum(const std::string& text) {
  return as_enum<E>(std::string_view(text));
}
template <class E>
[[nodiscard]] std::optional<E> as_enum(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return as_enum<E>(std::string_view(*text));
}
// The items of a list that are options of E, in order (others are skipped).
template <class E>
[[nodiscard]] std::vector<E> as_enums(const std::vector<std::string>& texts) {
  std::vector<E> out;
  for (const auto& t : texts) {
    if (const auto e = as_enum<E>(std::string_view(t))) out.push_back(*e);
  }
  return out;
}
template <class E>
void set_enum(std::optional<std::string>& member, E value) {
  member = std::string(to_string(value));
}
// `text` is an option of E (what generated validators check).
template <class E>
[[nodiscard]] bool is_option(std::string_view text) {
  E value{};
  return from_string(text, value);
}
// The position of `text` among E's options, or -1 (E's enumerators are 0, 1, ... in order).
template <class E>
[[nodiscard]] int enum_index(std::string_view text) {
  E value{};
  return from_string(text, value) ? static_cast<int>(value) : -1;
}

// The text an expression sees for a radio field with integer options.
[[nodiscard]] inline std::optional<std::string> integer_text(const std::optional<std::int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

// Adds `values` to a list, then sorts it and drops repeats (DataPass's array
// setter, which prefill() follows for `scopes`).
void merge_sorted_unique(std::vector<std::string>& list, std::initializer_list<std::string_view> values);

}  // namespace formc::rt
