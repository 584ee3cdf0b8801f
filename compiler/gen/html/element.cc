#include "gen/html/element.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "support/html.h"

namespace formc::gen::html {
namespace {

// The builder's safety invariants hold in release builds too: breaking one is
// a generator bug, and emitting the markup anyway could be a vulnerability.
void invariant(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "formc: HTML generator bug: %s\n", what);
  std::abort();
}

constexpr std::array<std::string_view, 8> kVoid = {"input", "br", "hr", "img", "meta", "link", "col", "wbr"};
// Written on one line with their content: phrasing containers, and textarea
// whose content must not gain whitespace.
constexpr std::array<std::string_view, 22> kInline = {"a",  "b",  "button", "dd", "dt",     "em",     "h1",   "h2",
                                                      "h3", "h4", "h5",     "h6", "i",      "label",  "legend", "li",
                                                      "option", "p", "span", "strong", "textarea", "summary"};

bool contains(auto const& list, std::string_view s) { return std::find(list.begin(), list.end(), s) != list.end(); }

bool is_name(std::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

void check_attribute_name(std::string_view name) {
  invariant(is_name(name), "attribute names are generator literals");
  // No inline style and no event handlers, by construction.
  invariant(name != "style" && name.substr(0, 2) != "on", "inline style and event handlers are refused");
}

std::string escape_braces(std::string s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '{') out += "&#123;";
    else if (c == '}') out += "&#125;";
    else out += c;
  }
  return out;
}

// Balances the tags of sanitize_html() output (allow-listed tags with checked
// attributes only, every '<' of text escaped), so that a definition's
// "<strong>x" or "<div>x" cannot leave the rest of the page bold or nested.
// In Phrasing flow, block elements are dropped and paragraphs, list items,
// divisions and headings end with a line break. Mirrors the few HTML parser
// rules that matter here: a block element closes an open <p> and any open
// phrasing element, <li> closes the previous <li>, <a> closes <a>; blocks
// nest in div, blockquote and li.
std::string balance(std::string_view s, Flow flow) {
  std::string out;
  std::vector<std::string> open;
  auto close_through = [&](std::string_view name) {
    while (!open.empty()) {
      const std::string top = open.back();
      open.pop_back();
      out += "</" + top + ">";
      if (top == name) break;
    }
  };
  auto is_open = [&](std::string_view name) { return std::find(open.begin(), open.end(), name) != open.end(); };
  auto is_list = [](std::string_view name) { return name == "ul" || name == "ol"; };
  auto holds_blocks = [&](std::string_view name) { return is_list(name) || name == "li" || name == "div" || name == "blockquote"; };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      const std::size_t next = s.find('<', i);
      out.append(s.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    const std::size_t end = s.find('>', i);
    assert(end != std::string_view::npos && "sanitize_html() output has no stray '<'");
    if (end == std::string_view::npos) break;
    std::string_view tag = s.substr(i, end - i + 1);
    i = end + 1;
    const bool closing = tag.size() > 1 && tag[1] == '/';
    std::size_t n = closing ? 2 : 1;
    std::size_t name_end = n;
    while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) ++name_end;
    const std::string name(tag.substr(n, name_end - n));
    const bool block = support::is_block_tag(name);
    if (name == "br") {
      out += "<br>";
      continue;
    }
    if (flow == Flow::Phrasing && block) {
      if ((closing && !is_list(name)) || name == "hr") out += "<br>";
      continue;
    }
    if (closing) {
      if (is_open(name)) close_through(name);
      continue;
    }
    if (block) {
      // Block content cannot sit in b/i/strong/em/a/span or in a <p> or a
      // heading: close those first, as the HTML parser would.
      while (!open.empty() && !holds_blocks(open.back())) close_through(open.back());
      if (name == "li" && (is_open("ul") || is_open("ol"))) {
        while (!open.empty() && !is_list(open.back())) close_through(open.back());
      }
      // A <li> outside a list, or other blocks right in a list: keep the text only.
      if (name == "li" && !is_open("ul") && !is_open("ol")) continue;
      if (name != "li" && !open.empty() && is_list(open.back())) continue;
    }
    if (name == "a" && is_open("a")) close_through("a");
    if (name == "hr") {
      out += "<hr>";
      continue;
    }
    out.append(tag);
    open.push_back(name);
  }
  while (!open.empty()) {
    out += "</" + open.back() + ">";
    open.pop_back();
  }
  if (flow == Flow::Phrasing) {
    // Line breaks left by a trailing paragraph or list item.
    auto trim = [&out] {
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    };
    trim();
    while (out.size() >= 4 && out.compare(out.size() - 4, 4, "<br>") == 0) {
      out.erase(out.size() - 4);
      trim();
    }
  }
  return out;
}

}  // namespace

Slot make_slot(std::string token) { return Slot(std::move(token)); }

std::string escape_text(std::string_view text) { return escape_braces(support::escape_text(text)); }
std::string escape_attribute(std::string_view value) { return escape_braces(support::escape_attribute(value)); }

bool is_safe_url(std::string_view url) {
  if (url.empty()) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ') return false;
  }
  if (url[0] == '/') return url.size() == 1 || (url[1] != '/' && url[1] != '\\');
  std::string lower;
  for (char c : url.substr(0, 8)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.rfind("https://", 0) == 0 || lower.rfind("http://", 0) == 0 || lower.rfind("mailto:", 0) == 0;
}

std::string sanitized_markup(std::string_view html, support::HtmlContext context, Flow flow) {
  // THE raw-HTML path: nothing a definition wrote reaches a fragment without
  // passing support::sanitize_html() here.
  std::string markup = escape_braces(balance(support::sanitize_html(html, context).html, flow));
  // Spaces before a line break are insignificant outside <pre> (not allowed):
  // drop them so fragments have no trailing whitespace.
  std::string out;
  out.reserve(markup.size());
  for (const char c : markup) {
    if (c == '\n') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r')) out.pop_back();
    }
    out += c;
  }
  return out;
}

Element::Element(std::string_view tag) : tag_(tag) {
  invariant(is_name(tag), "tag names are generator literals");
  invariant(tag != "script" && tag != "style", "no inline script or style element");
}

Element& Element::attr(std::string_view name, std::string_view value) {
  check_attribute_name(name);
  invariant(name != "href" && name != "src" && name != "action" && name != "formaction", "URLs go through href()");
  attrs_.push_back(Attr{std::string(name), escape_attribute(value), false});
  return *this;
}

Element& Element::attr(std::string_view name, std::string_view prefix, const Slot& slot) {
  check_attribute_name(name);
  attrs_.push_back(Attr{std::string(name), escape_attribute(prefix) + slot.token(), false});
  return *this;
}

Element& Element::flag(std::string_view name) {
  check_attribute_name(name);
  attrs_.push_back(Attr{std::string(name), {}, true});
  return *this;
}

Element& Element::flag(const Slot& slot) {
  invariant(slot.token().rfind("{{", 0) == 0, "attribute slots are slot tokens");
  attrs_.push_back(Attr{slot.token(), {}, true});
  return *this;
}

bool Element::href(std::string_view url) {
  if (!is_safe_url(url)) return false;
  attrs_.push_back(Attr{"href", escape_attribute(url), false});
  return true;
}

Element& Element::text(std::string_view text) {
  assert(!contains(kVoid, tag_));
  if (!text.empty()) children_.emplace_back(escape_text(text));
  return *this;
}

Element& Element::child(Element element) {
  assert(!contains(kVoid, tag_));
  children_.emplace_back(std::move(element));
  return *this;
}

Element& Element::slot(const Slot& slot) {
  assert(!contains(kVoid, tag_));
  children_.emplace_back(slot.token());
  return *this;
}

Element& Element::raw_sanitized(std::string_view html, support::HtmlContext context, Flow flow) {
  assert(!contains(kVoid, tag_));
  std::string markup = sanitized_markup(html, context, flow);
  if (!markup.empty()) children_.emplace_back(std::move(markup));
  return *this;
}

void Element::open_tag(std::string& out) const {
  out += '<';
  out += tag_;
  for (const auto& a : attrs_) {
    out += ' ';
    out += a.name;
    if (!a.boolean) {
      out += "=\"";
      out += a.value;
      out += '"';
    }
  }
  out += '>';
}

void Element::render_inline(std::string& out) const {
  open_tag(out);
  if (contains(kVoid, tag_)) return;
  for (const auto& c : children_) {
    if (const auto* s = std::get_if<std::string>(&c)) {
      out += *s;
    } else {
      std::get<Element>(c).render_inline(out);
    }
  }
  out += "</" + tag_ + ">";
}

void Element::render_to(std::string& out, int indent) const {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const bool only_elements = !children_.empty() && std::all_of(children_.begin(), children_.end(), [](const Child& c) {
    return std::holds_alternative<Element>(c);
  });
  out += pad;
  if (contains(kVoid, tag_) || contains(kInline, tag_) || !only_elements) {
    render_inline(out);
    out += '\n';
    return;
  }
  open_tag(out);
  out += '\n';
  for (const auto& c : children_) std::get<Element>(c).render_to(out, indent + 1);
  out += pad + "</" + tag_ + ">\n";
}

std::string Element::render(int indent) const {
  std::string out;
  render_to(out, indent);
  return out;
}

void Document::comment(std::string_view text) {
  std::string safe;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      safe += "- ";
    } else if (c == '>' || c == '<') {
      safe += c == '>' ? "&gt;" : "&lt;";
    } else if (c == '\n' || c == '\r') {
      safe += ' ';
    } else if (c == '{' || c == '}') {
      safe += c == '{' ? '(' : ')';  // no "{{" outside slots, not even in comments
    } else {
      safe += c;
    }
  }
  out_ += "<!-- " + safe + " -->\n";
}

void Document::add(Element element) { out_ += element.render(0); }

std::string Document::render() const { return out_; }

}  // namespace formc::gen::html
