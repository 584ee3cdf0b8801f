// The YAML loader against every trap of DATAPASS.md §9 and hostile inputs.
//
// Each test loads an in-memory file through yaml::load() exactly as the
// builder does and inspects the tree, the diagnostics and their locations.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/reader.h"
#include "support/diagnostics.h"
#include "support/source.h"
#include "yaml/loader.h"
#include "yaml/tree.h"

using formc::support::DiagCode;
using formc::support::Diagnostic;
using formc::support::Span;
using formc::yaml::Node;
using formc::yaml::NodeKind;
using formc::yaml::ScalarStyle;

namespace {

struct Loaded {
  formc::support::SourceManager sources;
  formc::support::DiagnosticEngine diags;
  formc::support::FileId id = 0;
  std::unique_ptr<formc::yaml::Document> doc;

  const Node& root() const {
    REQUIRE(doc->root);
    return *doc->root;
  }
  std::size_t count(DiagCode code) const {
    return static_cast<std::size_t>(
        std::count_if(diags.all().begin(), diags.all().end(), [&](const Diagnostic& d) { return d.code == code; }));
  }
  const Diagnostic& first(DiagCode code) const {
    for (const auto& d : diags.all()) {
      if (d.code == code) return d;
    }
    FAIL("no diagnostic with code " << formc::support::info(code).code);
    return diags.all().front();
  }
  // 1-based (line, column) of a span's start.
  std::pair<std::uint32_t, std::uint32_t> where(const Span& span) const {
    REQUIRE(span.valid());
    const auto loc = sources.locate(span);
    return {loc.line, loc.column};
  }
  std::string text_of(const Span& span) const {
    REQUIRE(span.valid());
    REQUIRE(span.end >= span.begin);
    return sources.file(span.file).text().substr(span.begin, span.end - span.begin);
  }
  std::string codes() const {
    std::string out;
    for (const auto& d : diags.all()) out += std::string(formc::support::info(d.code).code) + ": " + d.message + "\n";
    return out;
  }
};

std::unique_ptr<Loaded> load(std::string text, formc::yaml::LoadOptions options = {}) {
  auto l = std::make_unique<Loaded>();
  l->id = l->sources.add("test.yml", std::move(text));
  l->doc = formc::yaml::load(l->sources, l->id, options, l->diags);
  REQUIRE(l->doc);
  return l;
}

const Node& at(const Node& map, std::string_view key) {
  REQUIRE(map.is_mapping());
  const auto* e = map.find(key);
  INFO("key " << key);
  REQUIRE(e != nullptr);
  return *e->value;
}

const formc::yaml::MapEntry& entry(const Node& map, std::string_view key) {
  REQUIRE(map.is_mapping());
  const auto* e = map.find(key);
  INFO("key " << key);
  REQUIRE(e != nullptr);
  return *e;
}

std::vector<std::string> keys(const Node& map) {
  std::vector<std::string> out;
  for (const auto& e : map.entries) out.push_back(e.key->value);
  return out;
}

using Keys = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------------------
// Anchors, aliases, merges

TEST_CASE("aliases share the anchored node", "[yaml][anchors]") {
  auto l = load("a: &steps\n  - name: basic_infos\n  - name: legal\nb: *steps\nc: *steps\n");
  CHECK(l->diags.all().empty());
  const Node& root = l->root();
  CHECK(at(root, "a").is_sequence());
  CHECK(at(root, "a").items.size() == 2);
  CHECK(root.find("a")->value.get() == root.find("b")->value.get());
  CHECK(root.find("a")->value.get() == root.find("c")->value.get());
}

TEST_CASE("hyphenated anchor names and anchored scalars", "[yaml][anchors]") {
  auto l = load("api-r2p-sandbox: &api-r2p-sandbox\n  name: x\nother: *api-r2p-sandbox\ns: &intro \"texte\"\nt: *intro\n");
  CHECK(l->diags.all().empty());
  CHECK(at(at(l->root(), "other"), "name").value == "x");
  CHECK(at(l->root(), "t").value == "texte");
  CHECK(at(l->root(), "t").style == ScalarStyle::DoubleQuoted);
}

TEST_CASE("a redefined anchor: the later definition wins, with a warning naming both", "[yaml][anchors]") {
  auto l = load("a: &x first\nb: *x\nc: &x second\nd: *x\n");
  const Node& root = l->root();
  CHECK(at(root, "b").value == "first");   // an alias before the redefinition keeps the first
  CHECK(at(root, "d").value == "second");  // later aliases use the later definition
  REQUIRE(l->count(DiagCode::YamlRedefinedAnchor) == 1);
  CHECK(l->diags.error_count() == 0);
  const auto& d = l->first(DiagCode::YamlRedefinedAnchor);
  CHECK(d.severity == formc::support::Severity::Warning);
  CHECK(l->where(d.span) == std::pair<std::uint32_t, std::uint32_t>{3, 4});
  CHECK(l->text_of(d.span) == "&x");
  REQUIRE(d.notes.size() == 1);
  CHECK(l->where(d.notes[0].span) == std::pair<std::uint32_t, std::uint32_t>{1, 4});
}

TEST_CASE("merge keys at the top level: explicit keys win, merged entries are marked", "[yaml][merge]") {
  auto l = load(
      "api_r2p_sandbox: &api_r2p_sandbox\n"
      "  name: R2P\n"
      "  public: false\n"
      "  stage:\n"
      "    type: sandbox\n"
      "    next: {id: api_r2p, form_id: api-r2p}\n"
      "api_sfip_r2p_sandbox:\n"
      "  <<: *api_r2p_sandbox\n"
      "  name: SFiP R2P\n"
      "  stage:\n"
      "    type: sandbox\n");
  CHECK(l->diags.all().empty());
  const Node& merged = at(l->root(), "api_sfip_r2p_sandbox");
  CHECK(keys(merged) == Keys{"public", "name", "stage"});
  CHECK(entry(merged, "public").from_merge);
  CHECK_FALSE(entry(merged, "name").from_merge);
  CHECK(at(merged, "name").value == "SFiP R2P");
  // Shallow: `stage` is replaced wholesale, so `next` does not leak in.
  CHECK(at(merged, "stage").find("next") == nullptr);
  CHECK(merged.find("<<") == nullptr);
}

TEST_CASE("an explicit key written before the merge still wins", "[yaml][merge]") {
  auto l = load("base: &b {x: 1, y: 2}\nchild:\n  y: 3\n  <<: *b\n");
  CHECK(l->diags.all().empty());
  const Node& child = at(l->root(), "child");
  CHECK(at(child, "y").value == "3");
  CHECK(at(child, "x").value == "1");
  CHECK(child.entries.size() == 2);
}

TEST_CASE("nested merge keys inside initialize_with, with an anchor defined inside the merge", "[yaml][merge]") {
  auto l = load(
      "form-a:\n"
      "  initialize_with:\n"
      "    <<: &contact_technique {contact_technique_email: a@b.fr, contact_technique_type: organization}\n"
      "    intitule: Projet\n"
      "form-b:\n"
      "  initialize_with:\n"
      "    <<: *contact_technique\n"
      "    contact_technique_type: person\n");
  CHECK(l->diags.all().empty());
  const Node& a = at(at(l->root(), "form-a"), "initialize_with");
  CHECK(keys(a) == Keys{"contact_technique_email", "contact_technique_type", "intitule"});
  const Node& b = at(at(l->root(), "form-b"), "initialize_with");
  CHECK(at(b, "contact_technique_email").value == "a@b.fr");
  CHECK(at(b, "contact_technique_type").value == "person");
  CHECK(entry(b, "contact_technique_email").from_merge);
  CHECK_FALSE(entry(b, "contact_technique_type").from_merge);
}

TEST_CASE("merge of a list of mappings: the first mapping wins among merged ones", "[yaml][merge]") {
  auto l = load("a: &a {k: 1, only_a: x}\nb: &b {k: 2, m: 3}\nc:\n  <<: [*a, *b]\n  z: 0\n");
  CHECK(l->diags.all().empty());
  const Node& c = at(l->root(), "c");
  CHECK(at(c, "k").value == "1");
  CHECK(at(c, "m").value == "3");
  CHECK(at(c, "only_a").value == "x");
  CHECK(at(c, "z").value == "0");
  CHECK(c.entries.size() == 4);
}

TEST_CASE("merging a null anchor merges nothing and merging a scalar is an error", "[yaml][merge]") {
  auto ok = load("n: &n\nc:\n  <<: *n\n  k: 1\n");
  CHECK(ok->diags.all().empty());
  CHECK(keys(at(ok->root(), "c")) == Keys{"k"});

  auto bad = load("c:\n  <<: 42\n  k: 1\nd:\n  <<: [{a: 1}, oops]\n");
  CHECK(bad->count(DiagCode::YamlBadMerge) == 2);
  const auto& first = bad->first(DiagCode::YamlBadMerge);
  CHECK(bad->where(first.span) == std::pair<std::uint32_t, std::uint32_t>{2, 7});
  CHECK(at(at(bad->root(), "d"), "a").value == "1");  // the mapping item is still merged
}

// ---------------------------------------------------------------------------
// Nested sequences (scopes) are flattened by the model's reader

TEST_CASE("nested alias sequences flatten into one list", "[yaml][scopes]") {
  auto l = load(
      "scopes:\n"
      "  - &fc_scopes\n"
      "    - {value: a}\n"
      "    - {value: b}\n"
      "  - - {value: c}\n"
      "    - *fc_scopes\n"
      "  - {value: d}\n");
  CHECK(l->diags.all().empty());
  std::vector<formc::yaml::NodePtr> out;
  std::size_t budget = 1000;
  for (const auto& item : at(l->root(), "scopes").items) formc::model::flatten(item, out, budget);
  std::vector<std::string> values;
  for (const auto& n : out) values.push_back(at(*n, "value").value);
  CHECK(values == Keys{"a", "b", "c", "a", "b", "d"});
}

// ---------------------------------------------------------------------------
// Scalars as Psych (YAML 1.1) reads them

TEST_CASE("literal blocks keep their trailing newlines, |+ keeps them all", "[yaml][scalars]") {
  auto l = load("a: |\n  ligne 1\n  ligne 2\n\n\nb: |+\n  texte\n\n\nc: |-\n  sans fin\nd: x\n");
  CHECK(l->diags.all().empty());
  CHECK(at(l->root(), "a").value == "ligne 1\nligne 2\n");
  CHECK(at(l->root(), "a").style == ScalarStyle::Literal);
  CHECK(at(l->root(), "b").value == "texte\n\n\n");
  CHECK(at(l->root(), "c").value == "sans fin");
}

TEST_CASE("an empty value is null, meaning fall back", "[yaml][scalars]") {
  auto l = load("name:\nintroduction: ~\nlink: null\nempty: ''\n");
  CHECK(at(l->root(), "name").is_null());
  CHECK(at(l->root(), "introduction").is_null());
  CHECK(at(l->root(), "link").is_null());
  CHECK_FALSE(at(l->root(), "empty").is_null());  // a quoted empty string is a string
}

TEST_CASE("quoted 'no'/'yes' stay strings, bare ones are booleans", "[yaml][scalars]") {
  auto l = load("a: 'no'\nb: \"yes\"\nc: yes\nd: No\ne: on\nf: OFF\ng: true\nh: maybe\n");
  const Node& r = l->root();
  CHECK_FALSE(at(r, "a").as_bool().has_value());
  CHECK(at(r, "a").value == "no");
  CHECK_FALSE(at(r, "b").as_bool().has_value());
  CHECK(at(r, "c").as_bool() == std::optional<bool>(true));
  CHECK(at(r, "d").as_bool() == std::optional<bool>(false));
  CHECK(at(r, "e").as_bool() == std::optional<bool>(true));
  CHECK(at(r, "f").as_bool() == std::optional<bool>(false));
  CHECK(at(r, "g").as_bool() == std::optional<bool>(true));
  CHECK_FALSE(at(r, "h").as_bool().has_value());
}

TEST_CASE("0184162457 is not an integer, 36 is", "[yaml][scalars]") {
  auto l = load("phone: 0184162457\nduree: 36\nquoted: \"36\"\nneg: -5\nsep: 1_000\noctal: 010\ntext: 36 mois\n");
  const Node& r = l->root();
  CHECK_FALSE(at(r, "phone").as_int().has_value());
  CHECK(at(r, "phone").value == "0184162457");  // the leading zero is kept
  CHECK(at(r, "duree").as_int() == std::optional<std::int64_t>(36));
  CHECK_FALSE(at(r, "quoted").as_int().has_value());
  CHECK(at(r, "neg").as_int() == std::optional<std::int64_t>(-5));
  CHECK(at(r, "sep").as_int() == std::optional<std::int64_t>(1000));
  CHECK(at(r, "octal").as_int() == std::optional<std::int64_t>(8));  // YAML 1.1 octal, as Psych
  CHECK_FALSE(at(r, "text").as_int().has_value());
}

TEST_CASE("double-quoted escapes for a newline and for CR LF", "[yaml][scalars]") {
  auto l = load("a: \"0\\n\"\nb: \"Ligne 1\\r\\nLigne 2\"\nc: \"caf\\u00e9\"\nd: |\n  0\n");
  CHECK(at(l->root(), "a").value == "0\n");
  CHECK(at(l->root(), "b").value == "Ligne 1\r\nLigne 2");
  CHECK(at(l->root(), "c").value == "caf\xC3\xA9");
  CHECK(at(l->root(), "d").value == "0\n");  // the literal-block form of the same prefill
}

// ---------------------------------------------------------------------------
// Duplicate keys

TEST_CASE("duplicate keys are warnings that name both places and keep the later value", "[yaml][duplicates]") {
  // Psych keeps the later value and DataPass serves the file: formc warns.
  auto l = load("form:\n  name: a\n  steps: []\n  name: b\n");
  REQUIRE(l->count(DiagCode::YamlDuplicateKey) == 1);
  const auto& d = l->first(DiagCode::YamlDuplicateKey);
  CHECK(d.severity == formc::support::Severity::Warning);
  CHECK(l->where(d.span) == std::pair<std::uint32_t, std::uint32_t>{4, 3});
  CHECK(l->text_of(d.span) == "name");
  REQUIRE(d.notes.size() == 1);
  CHECK(l->where(d.notes[0].span) == std::pair<std::uint32_t, std::uint32_t>{2, 3});
  CHECK(l->text_of(d.notes[0].span) == "name");
  // As Ruby's Hash: the last occurrence is kept, once.
  const Node& form = at(l->root(), "form");
  CHECK(at(form, "name").value == "b");
  CHECK(form.entries.size() == 2);
}

TEST_CASE("a merged key is not a duplicate of an explicit one", "[yaml][duplicates]") {
  auto l = load("a: &a {k: 1}\nb:\n  <<: *a\n  k: 2\n");
  CHECK(l->count(DiagCode::YamlDuplicateKey) == 0);
}

// ---------------------------------------------------------------------------
// ERB

TEST_CASE("ERB credentials: the default, or the value from the options", "[yaml][erb]") {
  const std::string text = "email: \"<%= Rails.application.credentials.demo_email || 'contact@demo.fr' %>\"\n";
  auto plain = load(text);
  CHECK(plain->diags.all().empty());
  CHECK(at(plain->root(), "email").value == "contact@demo.fr");

  formc::yaml::LoadOptions options;
  options.erb.credentials["demo_email"] = "secret@demo.fr";
  auto with = load(text, options);
  CHECK(at(with->root(), "email").value == "secret@demo.fr");
}

TEST_CASE("ERB Rails.env.production?", "[yaml][erb]") {
  const std::string text = "url: \"<%= Rails.env.production? ? 'https://prod.fr' : 'https://staging.fr' %>\"\n";
  auto dev = load(text);
  CHECK(at(dev->root(), "url").value == "https://staging.fr");
  formc::yaml::LoadOptions options;
  options.erb.environment = "production";
  auto prod = load(text, options);
  CHECK(at(prod->root(), "url").value == "https://prod.fr");
}

TEST_CASE("ERB FeatureFlag blocks are kept when enabled and removed otherwise", "[yaml][erb]") {
  const std::string text =
      "intro: |\n"
      "  <p>a</p>\n"
      "  <% if FeatureFlag.enabled?(:depot_dossier_mariage) %>\n"
      "  <p>b</p>\n"
      "  <% end %>\n"
      "  <p>c</p>\n"
      "after: x\n";
  auto off = load(text);
  CHECK(off->diags.all().empty());
  const std::string off_value = at(off->root(), "intro").value;
  CHECK(off_value.find("<p>b</p>") == std::string::npos);
  CHECK(off_value.find("<p>a</p>") != std::string::npos);
  CHECK(off_value.find("<p>c</p>") != std::string::npos);
  // Positions after the removed block still point at the original file.
  CHECK(off->where(off->root().find("after")->key->span) == std::pair<std::uint32_t, std::uint32_t>{7, 1});

  formc::yaml::LoadOptions options;
  options.erb.enabled_features.insert("depot_dossier_mariage");
  auto on = load(text, options);
  CHECK(on->diags.all().empty());
  CHECK(at(on->root(), "intro").value.find("<p>b</p>") != std::string::npos);
}

TEST_CASE("unsupported ERB is located at the tag", "[yaml][erb]") {
  auto l = load("a: ok\nb: \"x <%= Time.now.year %> y\"\n");
  REQUIRE(l->count(DiagCode::ErbUnsupported) == 1);
  const auto& d = l->first(DiagCode::ErbUnsupported);
  CHECK(l->where(d.span) == std::pair<std::uint32_t, std::uint32_t>{2, 7});
  CHECK(l->text_of(d.span) == "<%= Time.now.year %>");
  CHECK(at(l->root(), "b").value == "x  y");  // the tag is removed
}

TEST_CASE("unterminated ERB", "[yaml][erb]") {
  auto tag = load("a: 1\nb: \"<%= Rails.env.production? ? 'a' : 'b'\"\n");
  REQUIRE(tag->count(DiagCode::ErbUnterminated) == 1);
  CHECK(tag->where(tag->first(DiagCode::ErbUnterminated).span) == std::pair<std::uint32_t, std::uint32_t>{2, 5});

  auto block = load("a: |\n  <% if FeatureFlag.enabled?(:x) %>\n  texte\n");
  REQUIRE(block->count(DiagCode::ErbUnterminated) == 1);
  CHECK(block->where(block->first(DiagCode::ErbUnterminated).span) == std::pair<std::uint32_t, std::uint32_t>{2, 3});
}

TEST_CASE("spans after ERB substitution point to the original positions", "[yaml][erb][spans]") {
  // The substitution is much shorter than the tag, then much longer.
  const std::string text =
      "a: \"<%= Rails.application.credentials.some_long_credential_name || 'x' %>\"  # comment\n"
      "b: [<%= Rails.env.production? ? 'p' : 'a-rather-long-development-value' %>, after]\n"
      "c: value\n";
  auto l = load(text);
  CHECK(l->diags.all().empty());
  const Node& r = l->root();
  // The substituted scalar spans its whole original text, quotes included.
  const Node& a = at(r, "a");
  CHECK(a.value == "x");
  CHECK(l->where(a.span) == std::pair<std::uint32_t, std::uint32_t>{1, 4});
  CHECK(l->text_of(a.span) == "\"<%= Rails.application.credentials.some_long_credential_name || 'x' %>\"");
  const Node& b = at(r, "b");
  REQUIRE(b.items.size() == 2);
  CHECK(b.items[0]->value == "a-rather-long-development-value");
  CHECK(l->where(b.items[1]->span) == std::pair<std::uint32_t, std::uint32_t>{2, 77});
  CHECK(l->text_of(b.items[1]->span) == "after");
  CHECK(l->where(r.find("c")->key->span) == std::pair<std::uint32_t, std::uint32_t>{3, 1});
  CHECK(l->where(at(r, "c").span) == std::pair<std::uint32_t, std::uint32_t>{3, 4});
  CHECK(l->text_of(at(r, "c").span) == "value");
}

// ---------------------------------------------------------------------------
// Node::value_span: exact columns inside scalars

TEST_CASE("value_span of a plain scalar", "[yaml][spans]") {
  auto l = load("check: present(cadre_juridique_url) or count(doc) > 0\n");
  const Node& n = at(l->root(), "check");
  const auto pos = n.value.find("count");
  const Span s = n.value_span(static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + 5));
  CHECK(l->text_of(s) == "count");
  CHECK(l->where(s) == std::pair<std::uint32_t, std::uint32_t>{1, 8 + static_cast<std::uint32_t>(pos)});
}

TEST_CASE("value_span of a single-quoted scalar with a doubled quote", "[yaml][spans]") {
  auto l = load("check: 'it''s a test == \"x\"'\n");
  const Node& n = at(l->root(), "check");
  REQUIRE(n.value == "it's a test == \"x\"");
  const auto pos = n.value.find("test");
  const Span after = n.value_span(static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + 4));
  CHECK(l->text_of(after) == "test");
  CHECK(l->where(after) == std::pair<std::uint32_t, std::uint32_t>{1, 17});
  // The escaped quote itself covers both source quotes.
  const Span quote = n.value_span(2, 3);
  CHECK(l->text_of(quote) == "''");
}

TEST_CASE("value_span of a double-quoted scalar with escaped quotes and a unicode escape", "[yaml][spans]") {
  auto l = load("check: \"type == \\\"caf\\u00e9\\\" and ok\"\n");
  const Node& n = at(l->root(), "check");
  REQUIRE(n.value == "type == \"caf\xC3\xA9\" and ok");
  const auto ok = n.value.find("ok");
  const Span s = n.value_span(static_cast<std::uint32_t>(ok), static_cast<std::uint32_t>(ok + 2));
  CHECK(l->text_of(s) == "ok");
  CHECK(l->where(s) == std::pair<std::uint32_t, std::uint32_t>{1, 35});
  // The string literal "café" spans its escapes in the source.
  const auto lit = n.value.find('"');
  const Span literal = n.value_span(static_cast<std::uint32_t>(lit), static_cast<std::uint32_t>(lit + 7));
  CHECK(l->text_of(literal) == "\\\"caf\\u00e9\\\"");
  // One escaped character covers its whole escape sequence.
  const auto e_acute = n.value.find("\xC3\xA9");
  const Span e = n.value_span(static_cast<std::uint32_t>(e_acute), static_cast<std::uint32_t>(e_acute + 2));
  CHECK(l->text_of(e) == "\\u00e9");
}

TEST_CASE("value_span of a literal block scalar", "[yaml][spans]") {
  auto l = load("form:\n  check: |\n    present(a) and\n      count(b) > 0\n");
  const Node& n = at(at(l->root(), "form"), "check");
  REQUIRE(n.value == "present(a) and\n  count(b) > 0\n");
  const auto pos = n.value.find("count");
  const Span s = n.value_span(static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + 5));
  CHECK(l->text_of(s) == "count");
  CHECK(l->where(s) == std::pair<std::uint32_t, std::uint32_t>{4, 7});
  const Span first = n.value_span(0, 7);
  CHECK(l->text_of(first) == "present");
  CHECK(l->where(first) == std::pair<std::uint32_t, std::uint32_t>{3, 5});
}

TEST_CASE("columns count code points on accented lines", "[yaml][spans]") {
  auto l = load("intitulé: « données »\nb: x\n");
  const Node& r = l->root();
  CHECK(l->where(at(r, "intitulé").span) == std::pair<std::uint32_t, std::uint32_t>{1, 11});
}

// ---------------------------------------------------------------------------
// Documents

TEST_CASE("an empty file has no root and no diagnostic", "[yaml]") {
  auto l = load("# only a comment\n");
  CHECK(l->doc->root == nullptr);
  CHECK(l->diags.all().empty());
}

TEST_CASE("more than one document is an error", "[yaml]") {
  auto l = load("a: 1\n---\nb: 2\n");
  CHECK(l->count(DiagCode::YamlMultipleDocuments) == 1);
  REQUIRE(l->doc->root);
  CHECK(l->root().find("a") != nullptr);
}

TEST_CASE("a quoted scalar left open at the end of the file is an error", "[yaml]") {
  // Whether or not the file ends with a newline, and whatever the nesting.
  for (const char* text : {"a: \"abc", "a: \"abc\n", "fr:\n  a: \"abc\n", "fr:\n  a: \"abc\n  b: 1\n", "a: 'abc\n"}) {
    auto l = load(text);
    INFO(text);
    CHECK(l->count(DiagCode::YamlSyntax) == 1);
  }
}

TEST_CASE("a leading --- is one document", "[yaml]") {
  auto l = load("---\n- id: 1\n");
  CHECK(l->diags.all().empty());
  CHECK(l->root().is_sequence());
}

// ---------------------------------------------------------------------------
// Hostile inputs: never crash, never hang, always a diagnostic

namespace {

template <typename F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("binary junk", "[yaml][hostile]") {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string junk(64 * 1024, '\0');
  for (auto& c : junk) c = static_cast<char>(byte(rng));
  junk[0] = '\xFF';  // certainly not UTF-8
  auto l = load(junk);
  REQUIRE(l->count(DiagCode::InputNotUtf8) == 1);
  CHECK(l->where(l->first(DiagCode::InputNotUtf8).span) == std::pair<std::uint32_t, std::uint32_t>{1, 1});
  CHECK(l->doc->root == nullptr);

  // An invalid byte in the middle of otherwise fine text is located.
  auto mid = load("a: 1\nb: \"r\xE9gion\"\n");
  REQUIRE(mid->count(DiagCode::InputNotUtf8) == 1);
  CHECK(mid->where(mid->first(DiagCode::InputNotUtf8).span).first == 2);
}

TEST_CASE("valid UTF-8 junk and mutations of a real file never crash", "[yaml][hostile]") {
  const std::string seed =
      "api-demo: &form\n"
      "  authorization_request: APIDemo\n"
      "  name: \"<%= Rails.env.production? ? 'a' : 'b' %>\"\n"
      "  steps: &steps [{name: basic_infos}, {name: legal}]\n"
      "  initialize_with:\n"
      "    <<: &prefill {intitule: 'x', description: |\n"
      "      texte\n"
      "    }\n"
      "    scopes: [a, [b, *steps]]\n"
      "other:\n  <<: *form\n  introduction: |+\n    <p>é</p>\n\n";
  const std::string alphabet = "[]{}:,-?&*!|>'\"#%@` \n\t<>=aé0\\";
  std::mt19937 rng(7);
  std::size_t with_diagnostics = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 1:
          if (pos < text.size()) text.erase(pos, 1 + rng() % 3);
          break;
        default:
          if (pos < text.size()) text[pos] = alphabet[rng() % alphabet.size()];
      }
    }
    auto l = load(text);
    if (!l->diags.all().empty()) ++with_diagnostics;
    // Every reported span lies inside the file.
    for (const auto& d : l->diags.all()) {
      if (!d.span.valid()) continue;
      CHECK(d.span.begin <= d.span.end);
      CHECK(d.span.end <= l->sources.file(l->id).text().size());
    }
  }
  CHECK(with_diagnostics > 100);  // the mutations do break the file
}

TEST_CASE("a 10 MB file loads, and an error at its end is located", "[yaml][hostile]") {
  std::string text;
  text.reserve(10 * 1024 * 1024 + 64);
  std::uint32_t lines = 0;
  while (text.size() < 10 * 1024 * 1024) {
    text += "- une valeur de liste assez longue numero ";
    text += std::to_string(lines);
    text += '\n';
    ++lines;
  }
  text += "- [non fermee\n";
  ++lines;
  std::unique_ptr<Loaded> l;
  const double s = seconds([&] { l = load(text); });
  CHECK(s < 60.0);
  REQUIRE(l->count(DiagCode::YamlSyntax) == 1);
  const auto line = l->where(l->first(DiagCode::YamlSyntax).span).first;
  CHECK(line >= lines);
}

TEST_CASE("10,000 nested flow levels", "[yaml][hostile]") {
  const std::string text = "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  auto l = load(text);
  REQUIRE(l->count(DiagCode::YamlTooDeep) == 1);
  CHECK(l->where(l->first(DiagCode::YamlTooDeep).span).first == 1);
  CHECK(l->doc->root == nullptr);

  // Even with formc's own limit lifted, yaml-cpp's recursion guard is caught.
  formc::yaml::LoadOptions unlimited;
  unlimited.max_depth = 1'000'000;
  auto deep = load(text, unlimited);
  CHECK(deep->count(DiagCode::YamlTooDeep) + deep->count(DiagCode::YamlSyntax) >= 1);
  CHECK(deep->diags.has_errors());
}

TEST_CASE("10,000 nested block mappings", "[yaml][hostile]") {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  auto l = load(text);
  CHECK(l->count(DiagCode::YamlTooDeep) == 1);
}

TEST_CASE("cyclic aliases", "[yaml][hostile]") {
  auto seq = load("a: &a [*a]\n");
  REQUIRE(seq->count(DiagCode::YamlCyclicAlias) == 1);
  CHECK(seq->where(seq->first(DiagCode::YamlCyclicAlias).span) == std::pair<std::uint32_t, std::uint32_t>{1, 8});

  auto map = load("a: &m\n  self: *m\n  other: 1\n");
  REQUIRE(map->count(DiagCode::YamlCyclicAlias) == 1);
  CHECK(map->where(map->first(DiagCode::YamlCyclicAlias).span) == std::pair<std::uint32_t, std::uint32_t>{2, 9});
  // The alias is replaced by null: the tree stays acyclic.
  CHECK(at(at(map->root(), "a"), "self").is_null());

  auto merge = load("a: &m\n  <<: *m\n  k: 1\n");
  CHECK(merge->count(DiagCode::YamlCyclicAlias) == 1);
}

TEST_CASE("an unknown alias", "[yaml][hostile]") {
  auto l = load("a: 1\nb: *nope\n");
  CHECK(l->diags.has_errors());
  // The catalog's specific code, at the alias.
  REQUIRE(l->count(DiagCode::YamlUnknownAlias) == 1);
  CHECK(l->where(l->first(DiagCode::YamlUnknownAlias).span) == std::pair<std::uint32_t, std::uint32_t>{2, 4});
}

TEST_CASE("a billion-laughs alias bomb is loaded without expanding it", "[yaml][hostile]") {
  std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  std::unique_ptr<Loaded> l;
  const double s = seconds([&] { l = load(text); });
  CHECK(s < 2.0);
  CHECK_FALSE(l->diags.has_errors());
  const Node& top = at(l->root(), "l9");
  REQUIRE(top.items.size() == 10);
  CHECK(top.items[0].get() == top.items[9].get());  // shared, not copied
  // Consumers that expand it are bounded by their budget.
  std::vector<formc::yaml::NodePtr> out;
  std::size_t budget = 10'000;
  const double f = seconds([&] { formc::model::flatten(l->root().find("l9")->value, out, budget); });
  CHECK(out.size() == 10'000);
  CHECK(f < 2.0);
}

TEST_CASE("the node limit stops a huge file", "[yaml][hostile]") {
  formc::yaml::LoadOptions options;
  options.max_nodes = 1000;
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "- x\n";
  auto l = load(text, options);
  CHECK(l->diags.has_errors());
  CHECK(l->doc->root == nullptr);
}
