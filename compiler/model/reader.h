// Typed reading of source-tree mappings, with structural diagnostics.
//
// Contract: a MapReader is created over one mapping node with the list of
// keys allowed at that place. Each accessor reads one key, reports
// `wrong-type` when the YAML type does not fit (and returns nullopt), and
// marks the key as seen. finish() reports every key never asked for as
// `unknown-key` with a "did you mean" note, except keys registered as
// ignored (DataPass accepts them but reads nothing: `ignored-key` warning).
// In a mapping DataPass itself reads (a definition, a form, a scope, ...:
// ignore_unknown_keys()), DataPass skips keys it does not know, so finish()
// reports them as `ignored-key` warnings (with the same suggestion) instead.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/ir.h"
#include "support/diagnostics.h"
#include "yaml/tree.h"

namespace formc::model {

class MapReader {
 public:
  MapReader(const yaml::Node& node, std::string what, std::vector<std::string> known_keys,
            support::DiagnosticEngine& diags);

  [[nodiscard]] const yaml::Node* get(std::string_view key);  // null when absent
  // Accepts a key without reading it (it was reported by other means).
  void mark_seen(std::string_view key) { seen_.insert(std::string(key)); }
  // A string; YAML null gives nullopt (DataPass's "fall back"). Numbers and
  // booleans written bare are accepted as their text when `lenient`.
  std::optional<std::string> string(std::string_view key, bool lenient = false);
  std::optional<Located> located_string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key);
  // A list of strings (nested lists are flattened).
  std::optional<std::vector<Located>> string_list(std::string_view key);
  // A list of `{name: x}` maps (DataPass's blocks/steps), or of plain strings.
  std::optional<std::vector<Located>> name_list(std::string_view key);
  void ignore(std::string_view key, std::string why);  // warns `ignored-key` if present
  // Unknown keys are warnings, not errors (a mapping DataPass reads and skips them in).
  MapReader& ignore_unknown_keys() {
    tolerant_ = true;
    return *this;
  }
  // A URL as DataPass serves it and the browser follows it: surrounding
  // whitespace trimmed, an upper-case scheme lowered, each with a
  // `value-normalized` warning. nullopt when absent or null.
  std::optional<std::string> url(std::string_view key);
  // An email address with surrounding whitespace trimmed (`value-normalized`).
  std::optional<std::string> email(std::string_view key);
  // Marks every known key as read: used when an entry is abandoned early so
  // finish() reports only keys that are unknown.
  void accept_known() { seen_.insert(known_.begin(), known_.end()); }
  void finish();
  [[nodiscard]] const yaml::Node& node() const { return node_; }
  // The span of every key's value in this mapping; `fallback` for the rest.
  [[nodiscard]] ValueSpans value_spans(Span fallback) const {
    ValueSpans out;
    out.fallback = fallback;
    for (const auto& e : node_.entries) out.spans[e.key->value] = e.value->span;
    return out;
  }

 private:
  const yaml::Node& node_;
  std::string what_;
  std::vector<std::string> known_;
  std::set<std::string, std::less<>> seen_;
  support::DiagnosticEngine& diags_;
  bool tolerant_ = false;
};

// The URL normalisation of MapReader::url() on a value already read: returns
// the value to use, warning `value-normalized` at `span` when it differs.
[[nodiscard]] std::string normalize_url(const std::string& value, Span span, std::string_view what,
                                        support::DiagnosticEngine& diags);
// Surrounding whitespace trimmed, with the same warning (emails, dates).
[[nodiscard]] std::string normalize_trimmed(const std::string& value, Span span, std::string_view what,
                                            support::DiagnosticEngine& diags);

// Free-standing readers for nodes already in hand.
[[nodiscard]] std::optional<std::string> read_string(const yaml::Node& node, std::string_view what,
                                                     support::DiagnosticEngine& diags, bool lenient = false);
[[nodiscard]] std::optional<bool> read_bool(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags);
[[nodiscard]] bool expect_mapping(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags);
[[nodiscard]] bool expect_sequence(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags);
// Appends the scalars of a possibly nested list (aliases of lists inside lists).
void flatten(const yaml::NodePtr& node, std::vector<yaml::NodePtr>& out, std::size_t& budget);

}  // namespace formc::model
