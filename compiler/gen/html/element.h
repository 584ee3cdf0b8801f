// An HTML element builder that escapes by construction.
//
// Contract:
// - Text and attribute values given to Element are escaped when they are
//   added (& < > " ' and also { }, written &#123; &#125;, so that the only
//   "{{" in a fragment is a template slot: see slots.h). There is no way to
//   add unescaped text except two visibly named entry points:
//     * raw_sanitized(html, context): HTML written in a definition
//       (introductions, hints, eligibility bodies) passes
//       support::sanitize_html() with the allow-list of its context, then its
//       tags are balanced so it cannot leak into the surrounding markup;
//     * slot(...): a template token built by slots.h (no definition text in
//       it except percent-encoded arguments).
// - Tag and attribute names are literals of the generator (lowercase ASCII);
//   <script>/<style> elements and `style`/`on*` attributes are refused, so no
//   fragment can carry inline script, style or event handlers. URLs go through
//   href(), which keeps only http, https, mailto and site-relative paths.
//   These invariants are checked in release builds too (abort: a generator
//   bug must not become markup).
// - render() pretty-prints deterministically: block containers put each child
//   element on its own line, indented by two spaces; phrasing elements (label,
//   p, span, option, …) and textarea are written on one line.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "support/html.h"

namespace formc::gen::html {

// A template token ("{{kind:arg}}"); only slots.h makes them.
class Slot {
 public:
  [[nodiscard]] const std::string& token() const { return token_; }

 private:
  friend Slot make_slot(std::string token);
  explicit Slot(std::string token) : token_(std::move(token)) {}
  std::string token_;
};

// Where sanitised HTML goes: block containers (div) accept p/ul/ol; phrasing
// containers (label, legend, span) get paragraphs and list items flattened
// into line breaks, so the result is valid inside a <label>.
enum class Flow { Block, Phrasing };

// Escapes text content / attribute values (support::escape_* plus braces).
[[nodiscard]] std::string escape_text(std::string_view text);
[[nodiscard]] std::string escape_attribute(std::string_view value);
// http://, https://, mailto: or a site-relative path ("/x", not "//x").
[[nodiscard]] bool is_safe_url(std::string_view url);
// The one raw-HTML entry point: sanitize_html() with the context's
// allow-list, then flattened (Phrasing) and balanced, braces escaped. Exposed
// for tests; Element::raw_sanitized uses it.
[[nodiscard]] std::string sanitized_markup(std::string_view html, support::HtmlContext context, Flow flow);

class Element {
 public:
  explicit Element(std::string_view tag);

  Element& attr(std::string_view name, std::string_view value);
  // name="<escaped prefix><slot token>", e.g. class="fr-input-group{{state:x:fr-input-group}}".
  Element& attr(std::string_view name, std::string_view prefix, const Slot& slot);
  Element& flag(std::string_view name);  // boolean attribute (required, disabled, …)
  Element& flag(const Slot& slot);       // attribute-position slot ({{checked:…}}, {{hidden:…}})
  Element& cls(std::string_view classes) { return attr("class", classes); }
  Element& id(std::string_view id) { return attr("id", id); }
  // Sets href when `url` is safe (is_safe_url); returns false and sets nothing otherwise.
  bool href(std::string_view url);

  Element& text(std::string_view text);
  Element& child(Element element);
  Element& slot(const Slot& slot);
  Element& raw_sanitized(std::string_view html, support::HtmlContext context, Flow flow = Flow::Block);

  [[nodiscard]] bool empty() const { return children_.empty(); }
  [[nodiscard]] const std::string& tag() const { return tag_; }
  [[nodiscard]] std::string render(int indent = 0) const;

 private:
  struct Attr {
    std::string name;
    std::string value;  // already escaped; unused when boolean
    bool boolean = false;
  };
  using Child = std::variant<std::string, Element>;  // string: markup already safe

  void render_inline(std::string& out) const;
  void render_to(std::string& out, int indent) const;
  void open_tag(std::string& out) const;

  std::string tag_;
  std::vector<Attr> attrs_;
  std::vector<Child> children_;
};

// A fragment file: leading comments, then top-level elements.
class Document {
 public:
  // An HTML comment on its own line; "--" and ">" in `text` are defused.
  void comment(std::string_view text);
  void add(Element element);
  [[nodiscard]] std::string render() const;

 private:
  std::string out_;
};

}  // namespace formc::gen::html
