// The source tree: YAML as formc sees it, with a span on every node.
//
// Contract: only the yaml/ module sees yaml-cpp. It produces this immutable
// tree in which aliases are already shared nodes, merge keys `<<` are
// resolved (explicit keys win, merged entries are marked), and every scalar
// keeps its raw text and style so later phases apply YAML 1.1 readings
// themselves ('no' stays a string when quoted, 0184162457 stays a string).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/source.h"
#include "yaml/erb.h"

namespace formc::yaml {

enum class NodeKind { Null, Scalar, Sequence, Mapping };
enum class ScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

struct Document;  // owns the expanded text a scalar's interior maps through
struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct MapEntry {
  NodePtr key;    // always a scalar
  NodePtr value;  // never null (an empty value is a Null node)
  bool from_merge = false;
};

struct Node {
  NodeKind kind = NodeKind::Null;
  support::Span span;  // in the original file
  // Scalars
  std::string value;
  ScalarStyle style = ScalarStyle::Plain;
  std::uint32_t expanded_offset = 0;  // where the scalar token starts in the expanded text
  const Document* document = nullptr;
  // Collections
  std::vector<NodePtr> items;
  std::vector<MapEntry> entries;

  [[nodiscard]] bool is_null() const;  // Null node, or a plain scalar '~' / 'null' / ''
  [[nodiscard]] bool is_scalar() const { return kind == NodeKind::Scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == NodeKind::Sequence; }
  [[nodiscard]] bool is_mapping() const { return kind == NodeKind::Mapping; }
  [[nodiscard]] bool is_plain() const { return kind == NodeKind::Scalar && style == ScalarStyle::Plain; }
  [[nodiscard]] const MapEntry* find(std::string_view key) const;
  // YAML 1.1 readings of a plain scalar (Psych's); quoted scalars are strings.
  [[nodiscard]] std::optional<bool> as_bool() const;
  [[nodiscard]] std::optional<std::int64_t> as_int() const;
  [[nodiscard]] std::optional<double> as_float() const;
  // The span of value bytes [begin, end) of this scalar, in the original file:
  // exact for plain, quoted (escapes included) and block scalars.
  [[nodiscard]] support::Span value_span(std::uint32_t begin, std::uint32_t end) const;
  [[nodiscard]] std::string_view kind_name() const;  // "a string", "a list", ...
};

struct Document {
  support::FileId file = support::kNoFile;
  std::string expanded;  // text after ERB, what yaml-cpp parsed
  OffsetMap map;
  NodePtr root;          // null when the file is empty or unreadable
};

}  // namespace formc::yaml
