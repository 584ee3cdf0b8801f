#include "support/html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace formc::support {
namespace {

constexpr std::array<std::string_view, 10> kAllowedTags = {"b", "i", "strong", "em", "p", "br", "ul", "ol", "li", "a"};
constexpr std::array<std::string_view, 2> kDropContent = {"script", "style"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool allowed(std::string_view tag) { return std::find(kAllowedTags.begin(), kAllowedTags.end(), tag) != kAllowedTags.end(); }

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

SanitizedHtml sanitize_html(std::string_view s) {
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
        if (!allowed(tag.name)) {
          removed.insert("<" + tag.name + ">");
          continue;
        }
        if (tag.closing) {
          if (tag.name != "br") out.html += "</" + tag.name + ">";
          continue;
        }
        out.html += "<" + tag.name;
        for (const auto& [name, value] : tag.attributes) {
          if (tag.name == "a" && name == "href") {
            const std::string href = decode_basic_entities(value);
            if (safe_href(href)) {
              out.html += " href=\"" + escape_attribute(href) + "\"";
            } else {
              removed.insert("link that is not http, https or mailto");
            }
            continue;
          }
          removed.insert("attribute '" + name + "' of <" + tag.name + ">");
        }
        out.html += tag.name == "br" ? " />" : ">";
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
