#include "gen/json_schema/plain_text.h"

#include <cctype>
#include <map>

#include "support/html.h"

namespace formc::gen::json_schema {
namespace {

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string decode_entities(std::string_view s) {
  static const std::map<std::string, char32_t, std::less<>> named = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '},
      {"eacute", 0xE9}, {"egrave", 0xE8}, {"agrave", 0xE0}, {"ccedil", 0xE7}, {"rsquo", 0x2019},
      {"laquo", 0xAB}, {"raquo", 0xBB}, {"hellip", 0x2026}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      const std::size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        const std::string_view name = s.substr(i + 1, semi - i - 1);
        char32_t cp = 0;
        bool ok = false;
        if (!name.empty() && name[0] == '#') {
          const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
          const std::string_view digits = name.substr(hex ? 2 : 1);
          ok = !digits.empty();
          for (const char c : digits) {
            const int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0 || cp > 0x10FFFF) { ok = false; break; }
            cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(d);
          }
          ok = ok && cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
          if (ok && cp == 0xA0) cp = ' ';
        } else if (const auto it = named.find(name); it != named.end()) {
          cp = it->second;
          ok = true;
        }
        if (ok) {
          append_utf8(out, cp);
          i = semi;
          continue;
        }
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string plain_text(std::string_view html) {
  if (html.empty()) return {};
  const std::string safe = support::sanitize_html(html).html;
  std::string text;
  std::string href;
  std::size_t link_start = 0;
  for (std::size_t i = 0; i < safe.size(); ++i) {
    if (safe[i] != '<') {
      text += safe[i];
      continue;
    }
    const std::size_t close = safe.find('>', i);
    if (close == std::string::npos) break;
    const std::string tag = safe.substr(i + 1, close - i - 1);
    i = close;
    const bool closing = !tag.empty() && tag[0] == '/';
    std::string name;
    for (std::size_t k = closing ? 1 : 0; k < tag.size() && std::isalpha(static_cast<unsigned char>(tag[k])); ++k) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(tag[k])));
    }
    if (name == "br" || name == "p" || name == "ul" || name == "ol") {
      text += '\n';
    } else if (name == "li" && !closing) {
      text += "\n- ";
    } else if (name == "a" && !closing) {
      href.clear();
      const auto h = tag.find("href=\"");
      if (h != std::string::npos) {
        const auto end = tag.find('"', h + 6);
        if (end != std::string::npos) href = decode_entities(tag.substr(h + 6, end - h - 6));
      }
      link_start = text.size();
    } else if (name == "a" && closing && !href.empty()) {
      const std::string label = decode_entities(text.substr(link_start));
      if (label.find(href) == std::string::npos) {
        text += " (";
        text += href.rfind("mailto:", 0) == 0 ? href.substr(7) : href;
        text += ')';
      }
      href.clear();
    }
  }
  const std::string decoded = decode_entities(text);
  // Collapse runs of spaces inside lines; drop empty lines.
  std::string out;
  std::string line;
  auto flush = [&] {
    std::size_t b = 0, e = line.size();
    while (b < e && line[b] == ' ') ++b;
    while (e > b && line[e - 1] == ' ') --e;
    if (e > b) {
      if (!out.empty()) out += '\n';
      out.append(line, b, e - b);
    }
    line.clear();
  };
  for (const char c : decoded) {
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      if (!line.empty() && line.back() != ' ') line += ' ';
    } else {
      line += c;
    }
  }
  flush();
  return out;
}

}  // namespace formc::gen::json_schema
