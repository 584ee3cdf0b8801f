#include "yaml/loader.h"

#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "support/text.h"

namespace formc::yaml {
namespace {

using support::DiagCode;
using support::Span;

// Thrown inside the event handler to abandon a document that exceeds a limit;
// caught in load(), never escapes this file.
struct Abandon {};

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(Document& doc, const LoadOptions& options, support::DiagnosticEngine& diags)
      : doc_(doc), options_(options), diags_(diags) {}

  NodePtr root() const { return root_; }
  int documents() const { return documents_; }
  Span second_document() const { return second_document_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) second_document_ = span_at(mark.pos, 3);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto node = make(NodeKind::Null, mark);
    register_anchor(anchor, node);
    attach(node);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {  // yaml-cpp rejects unknown aliases itself; defensive
      diags_.report(DiagCode::YamlUnknownAlias, span_at(mark.pos, 1), "alias to an unknown anchor");
      attach(make(NodeKind::Null, mark));
      return;
    }
    if (open_.count(it->second.get()) != 0) {
      diags_.report(DiagCode::YamlCyclicAlias, span_at(mark.pos, 1),
                    "this alias refers to a node that contains it; cycles are not allowed");
      attach(make(NodeKind::Null, mark));
      return;
    }
    attach(it->second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = make(NodeKind::Scalar, mark);
    const std::uint32_t token = skip_properties(static_cast<std::uint32_t>(mark.pos));
    node->expanded_offset = token;
    node->value = value;
    node->style = style_at(token, tag);
    const std::uint32_t end = scalar_end(*node, token);
    if ((node->style == ScalarStyle::SingleQuoted || node->style == ScalarStyle::DoubleQuoted) &&
        (end <= token + 1 || doc_.expanded[end - 1] != doc_.expanded[token])) {
      // yaml-cpp accepts a quoted scalar left open at the end of the file.
      diags_.report(DiagCode::YamlSyntax, span_at(static_cast<int>(token), 1), "this quoted string is never closed");
    }
    node->span = doc_.map.to_original(doc_.file, token, end);
    register_anchor(anchor, node);
    attach(node);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(NodeKind::Sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(NodeKind::Mapping, mark, anchor);
  }
  void OnMapEnd() override {
    resolve_mapping(*stack_.back().node);
    close();
  }

  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    const Span here = span_at(mark.pos, static_cast<std::uint32_t>(name.size() + 1));
    const auto [it, inserted] = anchor_names_.emplace(name, here);
    if (!inserted) {
      diags_.report(DiagCode::YamlRedefinedAnchor, here,
                    fmt::format("anchor '&{}' is defined again; later aliases use this definition (as Psych does)", name));
      diags_.note(it->second, "previous definition is here");
      it->second = here;
    }
  }

 private:
  struct Frame {
    std::shared_ptr<Node> node;
    NodePtr pending_key;
    bool key_is_placeholder = false;  // stands in for a reported complex key
  };

  Span span_at(int pos, std::uint32_t length) const {
    const auto p = static_cast<std::uint32_t>(std::max(pos, 0));
    return doc_.map.to_original(doc_.file, p, p + length);
  }

  std::shared_ptr<Node> make(NodeKind kind, const YAML::Mark& mark) {
    if (++node_count_ > options_.max_nodes) {
      diags_.report(DiagCode::YamlTooDeep, span_at(mark.pos, 1),
                    fmt::format("more than {} YAML nodes in one file", options_.max_nodes));
      throw Abandon{};
    }
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->document = &doc_;
    node->expanded_offset = static_cast<std::uint32_t>(std::max(mark.pos, 0));
    node->span = span_at(mark.pos, 1);
    return node;
  }

  void register_anchor(YAML::anchor_t anchor, const std::shared_ptr<Node>& node) {
    if (anchor != 0) anchors_[anchor] = node;
  }

  void open(NodeKind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= options_.max_depth) {
      diags_.report(DiagCode::YamlTooDeep, span_at(mark.pos, 1),
                    fmt::format("YAML nested more than {} levels deep", options_.max_depth));
      throw Abandon{};
    }
    auto node = make(kind, mark);
    node->expanded_offset = skip_properties(node->expanded_offset);
    node->span = doc_.map.to_original(doc_.file, node->expanded_offset, node->expanded_offset + 1);
    register_anchor(anchor, node);
    open_.insert(node.get());
    stack_.push_back(Frame{node, nullptr});
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    open_.erase(frame.node.get());
    attach(frame.node);
  }

  void attach(const NodePtr& node) {
    if (stack_.empty()) {
      if (!root_) root_ = node;
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node->kind == NodeKind::Sequence) {
      parent.node->items.push_back(node);
      return;
    }
    if (!parent.pending_key) {
      if (node->kind != NodeKind::Scalar) {
        diags_.report(DiagCode::YamlComplexKey, node->span, "mapping keys must be plain scalars");
        // Keep pairing keys with values: stand in a scalar key for the complex one.
        auto key = std::make_shared<Node>();
        key->kind = NodeKind::Scalar;
        key->span = node->span;
        key->document = &doc_;
        key->value = "?";
        parent.pending_key = std::move(key);
        parent.key_is_placeholder = true;
        return;
      }
      parent.pending_key = node;
      return;
    }
    if (!parent.key_is_placeholder) parent.node->entries.push_back(MapEntry{parent.pending_key, node, false});
    parent.pending_key = nullptr;
    parent.key_is_placeholder = false;
  }

  static bool is_merge_key(const Node& key) { return key.style == ScalarStyle::Plain && key.value == "<<"; }

  // Resolves `<<` (explicit keys win; among merged mappings the first wins, as
  // the YAML merge spec says) and reports duplicate explicit keys.
  void resolve_mapping(Node& map) {
    std::unordered_map<std::string, const MapEntry*> explicit_keys;
    bool has_merge = false;
    for (const auto& e : map.entries) {
      if (is_merge_key(*e.key)) {
        has_merge = true;
        continue;
      }
      const auto [it, inserted] = explicit_keys.emplace(e.key->value, &e);
      if (!inserted) {
        diags_.report(DiagCode::YamlDuplicateKey, e.key->span,
                      fmt::format("duplicate key '{}'; the later value is used, as DataPass (Psych) does", e.key->value));
        diags_.note(it->second->key->span, "first defined here");
        it->second = &e;
      }
    }
    if (!has_merge && explicit_keys.size() == map.entries.size()) return;

    std::vector<MapEntry> resolved;
    std::unordered_set<std::string> placed;
    // For duplicates, the last explicit occurrence is the one kept (as Ruby's Hash).
    for (const auto& e : map.entries) {
      if (is_merge_key(*e.key)) {
        std::vector<const Node*> sources;
        if (e.value->kind == NodeKind::Mapping) {
          sources.push_back(e.value.get());
        } else if (e.value->kind == NodeKind::Sequence) {
          for (const auto& item : e.value->items) {
            if (item->kind == NodeKind::Mapping) {
              sources.push_back(item.get());
            } else {
              const bool local = item->span.file == e.key->span.file && item->span.begin > e.key->span.begin;
              diags_.report(DiagCode::YamlBadMerge, local ? item->span : e.key->span, "a merge list may only hold mappings");
              if (!local) diags_.note(item->span, "this item is not a mapping");
            }
          }
        } else if (!e.value->is_null()) {
          // Merging an empty (null) anchor merges nothing, as in Psych.
          // Point at the value when it is written here, at '<<' when it is an alias of a node defined elsewhere.
          const bool local = e.value->span.file == e.key->span.file && e.value->span.begin > e.key->span.begin;
          diags_.report(DiagCode::YamlBadMerge, local ? e.value->span : e.key->span,
                        fmt::format("the value of '<<' must be a mapping or a list of mappings, not {}", e.value->kind_name()));
          if (!local) diags_.note(e.value->span, "the merged value is defined here");
        }
        for (const Node* source : sources) {
          for (const auto& merged : source->entries) {
            const std::string& key = merged.key->value;
            if (explicit_keys.count(key) || placed.count(key)) continue;
            placed.insert(key);
            resolved.push_back(MapEntry{merged.key, merged.value, true});
          }
        }
        continue;
      }
      if (explicit_keys.at(e.key->value) != &e) continue;  // an earlier duplicate
      placed.insert(e.key->value);
      resolved.push_back(e);
    }
    map.entries = std::move(resolved);
  }

  // yaml-cpp marks a node at its properties (&anchor, !tag); skip them to the token.
  std::uint32_t skip_properties(std::uint32_t pos) const {
    const std::string& t = doc_.expanded;
    for (int guard = 0; guard < 4 && pos < t.size() && (t[pos] == '&' || t[pos] == '!'); ++guard) {
      while (pos < t.size() && t[pos] != ' ' && t[pos] != '\t' && t[pos] != '\n' && t[pos] != '\r') ++pos;
      while (pos < t.size() && (t[pos] == ' ' || t[pos] == '\t')) ++pos;
    }
    return pos;
  }

  ScalarStyle style_at(std::uint32_t pos, const std::string& tag) const {
    if (tag == "?" || pos >= doc_.expanded.size()) return ScalarStyle::Plain;
    switch (doc_.expanded[pos]) {
      case '\'': return ScalarStyle::SingleQuoted;
      case '"': return ScalarStyle::DoubleQuoted;
      case '|': return ScalarStyle::Literal;
      case '>': return ScalarStyle::Folded;
      default: return ScalarStyle::Plain;  // explicitly tagged plain scalar
    }
  }

  std::uint32_t scalar_end(const Node& node, std::uint32_t token) const {
    const std::string& t = doc_.expanded;
    const auto size = static_cast<std::uint32_t>(t.size());
    switch (node.style) {
      case ScalarStyle::Plain: {
        if (t.compare(token, node.value.size(), node.value) == 0) return token + static_cast<std::uint32_t>(node.value.size());
        std::uint32_t e = token;
        while (e < size && t[e] != '\n' && t[e] != '\r') ++e;
        return e;
      }
      case ScalarStyle::SingleQuoted:
      case ScalarStyle::DoubleQuoted: {
        const char q = t[token];
        for (std::uint32_t i = token + 1; i < size; ++i) {
          if (q == '"' && t[i] == '\\') {
            ++i;
            continue;
          }
          if (t[i] == q) {
            if (q == '\'' && i + 1 < size && t[i + 1] == '\'') {
              ++i;
              continue;
            }
            return i + 1;
          }
        }
        return size;
      }
      case ScalarStyle::Literal:
      case ScalarStyle::Folded: return std::min(token + 1, size);
    }
    return token + 1;
  }

  Document& doc_;
  const LoadOptions& options_;
  support::DiagnosticEngine& diags_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::shared_ptr<Node>> anchors_;
  std::unordered_map<std::string, Span> anchor_names_;
  std::unordered_set<const Node*> open_;
  NodePtr root_;
  std::size_t node_count_ = 0;
  int documents_ = 0;
  Span second_document_;
};

std::string clean_parser_message(const std::string& msg) {
  // yaml-cpp prefixes "yaml-cpp: error at line X, column Y: "; we print our own location.
  const auto colon = msg.find(": ", msg.find("column"));
  if (msg.rfind("yaml-cpp:", 0) == 0 && colon != std::string::npos) return msg.substr(colon + 2);
  return msg;
}

}  // namespace

std::unique_ptr<Document> load(const support::SourceManager& sources, support::FileId id, const LoadOptions& options,
                               support::DiagnosticEngine& diags) {
  auto doc = std::make_unique<Document>();
  doc->file = id;
  const support::SourceFile& file = sources.file(id);
  const std::size_t bad = support::first_invalid_utf8(file.text());
  if (bad != std::string_view::npos) {
    diags.report(DiagCode::InputNotUtf8, Span{id, static_cast<std::uint32_t>(bad), static_cast<std::uint32_t>(bad + 1)},
                 "file is not valid UTF-8 text");
    return doc;
  }
  ErbResult erb = expand_erb(file, id, options.erb, diags);
  doc->expanded = std::move(erb.text);
  doc->map = std::move(erb.map);

  std::istringstream stream(doc->expanded);
  TreeBuilder builder(*doc, options, diags);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) {
        diags.report(DiagCode::YamlMultipleDocuments, builder.second_document(), "a file may hold only one YAML document");
        break;
      }
    }
    doc->root = builder.root();
  } catch (const Abandon&) {
    doc->root = nullptr;
  } catch (const YAML::Exception& e) {
    const auto pos = static_cast<std::uint32_t>(std::max(e.mark.pos, 0));
    const Span span = doc->map.to_original(id, std::min<std::uint32_t>(pos, static_cast<std::uint32_t>(doc->expanded.size())),
                                           std::min<std::uint32_t>(pos + 1, static_cast<std::uint32_t>(doc->expanded.size())));
    const bool too_deep = dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr;
    const bool unknown_alias = e.msg.find("anchor is not defined") != std::string::npos;
    diags.report(too_deep ? DiagCode::YamlTooDeep : unknown_alias ? DiagCode::YamlUnknownAlias : DiagCode::YamlSyntax, span,
                 too_deep        ? std::string("YAML nested too deeply")
                 : unknown_alias ? std::string("this alias names an anchor that is not defined before it")
                                 : clean_parser_message(e.msg));
    doc->root = nullptr;
  } catch (const std::exception& e) {
    diags.report(DiagCode::YamlSyntax, Span{id, 0, 0}, std::string("cannot parse YAML: ") + e.what());
    doc->root = nullptr;
  }
  return doc;
}

}  // namespace formc::yaml
