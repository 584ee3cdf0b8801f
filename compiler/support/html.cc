#include "support/html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <vector>

namespace formc::support {
namespace {

constexpr std::array<std::string_view, 2> kDropContent = {"script", "style"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What one context keeps: its tags, the attributes any kept tag may carry,
// and the attributes only <a> may carry (href is always checked apart).
struct Policy {
  std::vector<std::string_view> tags;
  std::vector<std::string_view> global_attributes;
  std::vector<std::string_view> link_attributes;
};

const Policy& policy(HtmlContext context) {
  static const Policy hint{{"b", "i", "strong", "em", "p", "br", "ul", "ol", "li", "a"}, {}, {"href"}};
  static const Policy introduction{{"b",  "i",  "strong", "em", "u",  "p",  "br", "ul", "ol",         "li", "a",
                                    "div", "span", "h1",   "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"},
                                   {"class", "title"},
                                   {"href", "target", "rel"}};
  static const Policy eligibility{{"b", "i", "strong", "em", "p", "a", "br"}, {}, {"href", "target", "rel"}};
  static const Policy card{{"strong", "em", "b", "i", "u", "br"}, {}, {}};
  switch (context) {
    case HtmlContext::Introduction: return introduction;
    case HtmlContext::EligibilityBody: return eligibility;
    case HtmlContext::CardDescription: return card;
    case HtmlContext::Hint: break;
  }
  return hint;
}

bool contains(const std::vector<std::string_view>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_void(std::string_view tag) { return tag == "br" || tag == "hr"; }

// The space-separated tokens of `value` that `keep` accepts, joined by one
// space; `dropped` is set when any token was refused.
template <typename Keep>
std::string filter_tokens(std::string_view value, bool& dropped, Keep keep) {
  std::string out, token;
  auto flush = [&] {
    if (token.empty()) return;
    if (keep(token)) {
      if (!out.empty()) out += ' ';
      out += token;
    } else {
      dropped = true;
    }
    token.clear();
  };
  for (char c : value) {
    if (std::isspace(static_cast<unsigned char>(c))) flush();
    else token += c;
  }
  flush();
  return out;
}

// Space-separated tokens of [A-Za-z0-9_-] (class names); other tokens are
// dropped.
std::string keep_tokens(std::string_view value, bool& dropped) {
  return filter_tokens(value, dropped, [](const std::string& token) {
    return std::all_of(token.begin(), token.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
    });
  });
}

bool safe_href(std::string_view href) {
  std::string h = lower(href);
  h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }), h.end());
  return h.rfind("https://", 0) == 0 || h.rfind("http://", 0) == 0 || h.rfind("mailto:", 0) == 0;
}

// Decodes the few entities that matter in an href (&amp; from well-written HTML).
std::string decode_basic_entities(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 5) == "&amp;") {
      out += '&';
      i += 4;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_entity_at(std::string_view s, std::size_t i) {
  // &name; or &#123; or &#x1F;
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    if (j < s.size() && (s[j] == 'x' || s[j] == 'X')) ++j;
    const std::size_t start = j;
    while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j])) && j - start < 8) ++j;
    return j > start && j < s.size() && s[j] == ';';
  }
  const std::size_t start = j;
  while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j])) && j - start < 32) ++j;
  return j > start && j < s.size() && s[j] == ';';
}

// The rel keywords a link may carry; others are dropped.
std::string link_types(std::string_view value, bool& dropped) {
  static const std::vector<std::string_view> known = {"noopener", "noreferrer", "nofollow", "external"};
  return filter_tokens(value, dropped, [](const std::string& token) { return contains(known, token); });
}

// An attribute written as text (title): escaped, its entities kept.
std::string escape_keeping_entities(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&' && is_entity_at(s, i)) out += '&';
    else out += escape_attribute(s.substr(i, 1));
  }
  return out;
}

struct Tag {
  std::string name;
  bool closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::size_t end = 0;  // index just past '>'
};

// Parses a tag starting at s[i] == '<'. Returns false when it is not a tag.
bool parse_tag(std::string_view s, std::size_t i, Tag& tag) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '/') {
    tag.closing = true;
    ++j;
  }
  const std::size_t name_start = j;
  while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-')) ++j;
  if (j == name_start || !std::isalpha(static_cast<unsigned char>(s[name_start]))) return false;
  tag.name = lower(s.substr(name_start, j - name_start));
  while (j < s.size()) {
    while (j < s.size() && (std::isspace(static_cast<unsigned char>(s[j])) || s[j] == '/')) ++j;
    if (j >= s.size()) return false;
    if (s[j] == '>') {
      tag.end = j + 1;
      return true;
    }
    const std::size_t attr_start = j;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '=' && s[j] != '>' && s[j] != '/') ++j;
    std::string name = lower(s.substr(attr_start, j - attr_start));
    if (name.empty()) return false;
    std::string value;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j < s.size() && s[j] == '=') {
      ++j;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && (s[j] == '"' || s[j] == '\'')) {
        const char q = s[j];
        const std::size_t close = s.find(q, j + 1);
        if (close == std::string_view::npos) return false;
        value = std::string(s.substr(j + 1, close - j - 1));
        j = close + 1;
      } else {
        const std::size_t v = j;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '>') ++j;
        value = std::string(s.substr(v, j - v));
      }
    }
    tag.attributes.emplace_back(std::move(name), std::move(value));
  }
  return false;
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_attribute(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool looks_like_html(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    Tag tag;
    if (text[i] == '<' && parse_tag(text, i, tag)) return true;
    if (text[i] == '&' && is_entity_at(text, i)) return true;
  }
  return false;
}

bool is_block_tag(std::string_view tag) {
  static const std::vector<std::string_view> blocks = {"p",  "ul", "ol", "li", "div", "h1", "h2",
                                                       "h3", "h4", "h5", "h6", "blockquote", "hr"};
  return contains(blocks, tag);
}

SanitizedHtml sanitize_html(std::string_view s, HtmlContext context) {
  const Policy& rules = policy(context);
  SanitizedHtml out;
  std::set<std::string> removed;
  std::string drop_until;  // closing tag name whose content is dropped
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      if (s.substr(i, 4) == "<!--") {
        const std::size_t close = s.find("-->", i + 4);
        removed.insert("comment");
        i = close == std::string_view::npos ? s.size() : close + 3;
        continue;
      }
      Tag tag;
      if (parse_tag(s, i, tag)) {
        i = tag.end;
        if (!drop_until.empty()) {
          if (tag.closing && tag.name == drop_until) drop_until.clear();
          continue;
        }
        if (std::find(kDropContent.begin(), kDropContent.end(), tag.name) != kDropContent.end()) {
          removed.insert("<" + tag.name + "> and its content");
          if (!tag.closing) drop_until = tag.name;
          continue;
        }
        if (!contains(rules.tags, tag.name)) {
          removed.insert("<" + tag.name + ">");
          continue;
        }
        if (tag.closing) {
          if (!is_void(tag.name)) out.html += "</" + tag.name + ">";
          continue;
        }
        out.html += "<" + tag.name;
        std::string link;  // href, target, rel: kept together, only when the href is
        bool has_href = false, blank_target = false;
        std::string rel;
        for (const auto& [name, value] : tag.attributes) {
          const bool on_link = tag.name == "a" && contains(rules.link_attributes, name);
          if (!on_link && !contains(rules.global_attributes, name)) {
            removed.insert("attribute '" + name + "' of <" + tag.name + ">");
            continue;
          }
          if (name == "href") {
            const std::string href = decode_basic_entities(value);
            if (safe_href(href)) {
              link += " href=\"" + escape_attribute(href) + "\"";
              has_href = true;
            } else {
              removed.insert("link that is not http, https or mailto");
            }
          } else if (name == "target") {
            const std::string target = lower(value);
            if (target == "_blank" || target == "_self") {
              link += " target=\"" + target + "\"";
              blank_target = target == "_blank";
            } else {
              removed.insert("target other than _blank or _self");
            }
          } else if (name == "rel") {
            bool dropped = false;
            rel = link_types(lower(value), dropped);
            if (dropped) removed.insert("rel value other than noopener, noreferrer, nofollow or external");
          } else if (name == "class") {
            bool dropped = false;
            const std::string classes = keep_tokens(value, dropped);
            if (dropped) removed.insert("class name with characters other than letters, digits, '-' and '_'");
            if (!classes.empty()) out.html += " class=\"" + classes + "\"";
          } else {  // title: text
            out.html += " " + name + "=\"" + escape_keeping_entities(value) + "\"";
          }
        }
        // A page opened in a new tab must not reach back to ours (window.opener).
        if (blank_target && (" " + rel + " ").find(" noopener ") == std::string::npos) rel += rel.empty() ? "noopener" : " noopener";
        if (!rel.empty()) link += " rel=\"" + rel + "\"";
        // target and rel mean nothing on an <a> without a (safe) href.
        if (has_href) out.html += link;
        out.html += is_void(tag.name) ? " />" : ">";
        continue;
      }
      if (drop_until.empty()) out.html += "&lt;";
      ++i;
      continue;
    }
    if (!drop_until.empty()) {
      ++i;
      continue;
    }
    if (c == '&') {
      out.html += is_entity_at(s, i) ? "&" : "&amp;";
    } else if (c == '>') {
      out.html += "&gt;";
    } else {
      out.html += c;
    }
    ++i;
  }
  out.removed.assign(removed.begin(), removed.end());
  return out;
}

}  // namespace formc::support
