#include "model/reader.h"

#include <cctype>

#include <fmt/format.h>

#include "support/text.h"

namespace formc::model {

using support::DiagCode;

std::optional<std::string> read_string(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags,
                                       bool lenient) {
  if (node.is_null()) return std::nullopt;
  if (node.kind != yaml::NodeKind::Scalar) {
    diags.report(DiagCode::WrongType, node.span, fmt::format("{} must be a string, not {}", what, node.kind_name()));
    return std::nullopt;
  }
  if (!lenient && node.is_plain() && node.as_bool()) {
    // YAML 1.1 reads a bare yes/no/on/off as a boolean: DataPass would get true/false.
    diags.report(DiagCode::WrongType, node.span,
                 fmt::format("{} must be a string, but YAML 1.1 reads bare '{}' as a boolean; quote it", what, node.value));
    return std::nullopt;
  }
  return node.value;
}

std::optional<bool> read_bool(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags) {
  if (node.is_null()) return std::nullopt;
  if (auto b = node.as_bool()) return b;
  diags.report(DiagCode::WrongType, node.span,
               fmt::format("{} must be a boolean (true or false), not {}", what,
                           node.is_scalar() ? support::quote(node.value) : std::string(node.kind_name())));
  return std::nullopt;
}

bool expect_mapping(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags) {
  if (node.is_mapping()) return true;
  diags.report(DiagCode::WrongType, node.span, fmt::format("{} must be a mapping, not {}", what, node.kind_name()));
  return false;
}

bool expect_sequence(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags) {
  if (node.is_sequence()) return true;
  diags.report(DiagCode::WrongType, node.span, fmt::format("{} must be a list, not {}", what, node.kind_name()));
  return false;
}

void flatten(const yaml::NodePtr& node, std::vector<yaml::NodePtr>& out, std::size_t& budget) {
  // Aliases share nodes, so a hostile file can describe an exponential tree:
  // the budget bounds the work whatever the input.
  if (budget == 0) return;
  if (node->is_sequence()) {
    for (const auto& item : node->items) {
      if (budget == 0) return;
      flatten(item, out, budget);
    }
    return;
  }
  --budget;
  out.push_back(node);
}

MapReader::MapReader(const yaml::Node& node, std::string what, std::vector<std::string> known_keys,
                     support::DiagnosticEngine& diags)
    : node_(node), what_(std::move(what)), known_(std::move(known_keys)), diags_(diags) {}

const yaml::Node* MapReader::get(std::string_view key) {
  seen_.insert(std::string(key));
  const auto* entry = node_.find(key);
  return entry ? entry->value.get() : nullptr;
}

std::optional<std::string> MapReader::string(std::string_view key, bool lenient) {
  const auto* n = get(key);
  if (!n) return std::nullopt;
  return read_string(*n, fmt::format("'{}' of {}", key, what_), diags_, lenient);
}

std::optional<Located> MapReader::located_string(std::string_view key) {
  const auto* n = get(key);
  if (!n) return std::nullopt;
  auto s = read_string(*n, fmt::format("'{}' of {}", key, what_), diags_);
  if (!s) return std::nullopt;
  return Located{*s, n->span};
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  const auto* n = get(key);
  if (!n) return std::nullopt;
  return read_bool(*n, fmt::format("'{}' of {}", key, what_), diags_);
}

std::optional<std::int64_t> MapReader::integer(std::string_view key) {
  const auto* n = get(key);
  if (!n || n->is_null()) return std::nullopt;
  if (auto v = n->as_int()) return v;
  diags_.report(DiagCode::WrongType, n->span,
                fmt::format("'{}' of {} must be an integer, not {}", key, what_,
                            n->is_scalar() ? support::quote(n->value) : std::string(n->kind_name())));
  return std::nullopt;
}

std::optional<std::vector<Located>> MapReader::string_list(std::string_view key) {
  const auto* n = get(key);
  if (!n || n->is_null()) return std::nullopt;
  if (!expect_sequence(*n, fmt::format("'{}' of {}", key, what_), diags_)) return std::nullopt;
  std::vector<yaml::NodePtr> items;
  std::size_t budget = 100'000;
  for (const auto& item : n->items) flatten(item, items, budget);
  std::vector<Located> out;
  for (const auto& item : items) {
    if (auto s = read_string(*item, fmt::format("an item of '{}'", key), diags_)) out.push_back({*s, item->span});
  }
  return out;
}

std::optional<std::vector<Located>> MapReader::name_list(std::string_view key) {
  const auto* n = get(key);
  if (!n || n->is_null()) return std::nullopt;
  if (!expect_sequence(*n, fmt::format("'{}' of {}", key, what_), diags_)) return std::nullopt;
  std::vector<Located> out;
  for (const auto& item : n->items) {
    if (item->is_scalar()) {  // DB-backed types store plain strings (DATAPASS.md §9.18)
      if (auto s = read_string(*item, fmt::format("an item of '{}'", key), diags_)) out.push_back({*s, item->span});
      continue;
    }
    if (!expect_mapping(*item, fmt::format("an item of '{}'", key), diags_)) continue;
    MapReader entry(*item, fmt::format("an item of '{}'", key), {"name"}, diags_);
    if (tolerant_) entry.ignore_unknown_keys();
    const auto* name = entry.get("name");
    if (!name) {
      diags_.report(DiagCode::MissingKey, item->span, fmt::format("an item of '{}' needs a 'name'", key));
    } else if (auto s = read_string(*name, "'name'", diags_)) {
      out.push_back({*s, name->span});
    }
    entry.finish();
  }
  return out;
}

void MapReader::ignore(std::string_view key, std::string why) {
  seen_.insert(std::string(key));
  if (const auto* entry = node_.find(key)) {
    diags_.report(DiagCode::IgnoredKey, entry->key->span, fmt::format("'{}' is ignored: {}", key, why));
  }
}

std::optional<std::string> MapReader::url(std::string_view key) {
  const auto* n = get(key);
  if (!n) return std::nullopt;
  auto s = read_string(*n, fmt::format("'{}' of {}", key, what_), diags_);
  if (!s) return std::nullopt;
  return normalize_url(*s, n->span, fmt::format("'{}'", key), diags_);
}

std::optional<std::string> MapReader::email(std::string_view key) {
  const auto* n = get(key);
  if (!n) return std::nullopt;
  auto s = read_string(*n, fmt::format("'{}' of {}", key, what_), diags_);
  if (!s) return std::nullopt;
  return normalize_trimmed(*s, n->span, fmt::format("'{}'", key), diags_);
}

namespace {

// What a browser strips from an href: ASCII whitespace and C0 controls at both ends.
bool url_space(char c) { return static_cast<unsigned char>(c) <= 0x20; }

}  // namespace

std::string normalize_trimmed(const std::string& value, Span span, std::string_view what, support::DiagnosticEngine& diags) {
  std::string out = support::trim(value);
  if (out != value && !out.empty()) {
    diags.report(DiagCode::ValueNormalized, span,
                 fmt::format("{} {} has surrounding whitespace, which DataPass ignores; formc uses {}", what,
                             support::quote(value), support::quote(out)));
  }
  return out;
}

std::string normalize_url(const std::string& value, Span span, std::string_view what, support::DiagnosticEngine& diags) {
  std::size_t begin = 0, end = value.size();
  while (begin < end && url_space(value[begin])) ++begin;
  while (end > begin && url_space(value[end - 1])) --end;
  std::string out = value.substr(begin, end - begin);
  if (out.empty()) return out;  // blank is "no link": nothing to say
  std::vector<std::string> what_changed;
  if (out.size() != value.size()) what_changed.push_back("surrounding whitespace removed");
  // Schemes are case-insensitive (RFC 3986 §3.1): browsers follow HTTPS://.
  const std::size_t colon = out.find("://");
  if (colon != std::string::npos && colon <= 5) {
    std::string scheme = out.substr(0, colon);
    std::string lowered = scheme;
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lowered == "http" || lowered == "https") && lowered != scheme) {
      out.replace(0, colon, lowered);
      what_changed.push_back("scheme lowered");
    }
  }
  if (!what_changed.empty()) {
    diags.report(DiagCode::ValueNormalized, span,
                 fmt::format("{} {} is served by DataPass and followed by browsers as {} ({}); formc uses that", what,
                             support::quote(value), support::quote(out), support::join(what_changed, ", ")));
  }
  return out;
}

void MapReader::finish() {
  for (const auto& e : node_.entries) {
    const std::string& key = e.key->value;
    if (seen_.count(key) || key == "$schema") continue;
    if (tolerant_) {
      diags_.report(DiagCode::IgnoredKey, e.key->span,
                    fmt::format("'{}' is ignored: {} has no such key (DataPass skips it)", key, what_));
    } else {
      diags_.report(DiagCode::UnknownKey, e.key->span, fmt::format("unknown key '{}' in {}", key, what_));
    }
    if (auto suggestion = support::closest_match(key, known_)) {
      diags_.note(e.key->span, fmt::format("did you mean '{}'?", *suggestion));
    }
  }
}

}  // namespace formc::model
