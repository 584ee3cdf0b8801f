#include "gen/cpp/printer.h"

#include <algorithm>
#include <cassert>
#include <vector>

namespace formc::gen::cpp {

void Printer::put_char(char c) {
  if (c == '\n') {
    out_ += '\n';
    at_line_start_ = true;
    return;
  }
  if (at_line_start_) {
    out_.append(static_cast<std::size_t>(level_) * 2, ' ');
    at_line_start_ = false;
  }
  out_ += c;
}

void Printer::put_text(std::string_view text) {
  // A value that starts a line (after indentation only) keeps its column on
  // its following lines.
  std::size_t extra = 0;
  if (!at_line_start_) {
    const std::size_t line_start = out_.rfind('\n') == std::string::npos ? 0 : out_.rfind('\n') + 1;
    const std::string_view line = std::string_view(out_).substr(line_start);
    if (line.find_first_not_of(' ') == std::string_view::npos && line.size() > static_cast<std::size_t>(level_) * 2) {
      extra = line.size() - static_cast<std::size_t>(level_) * 2;
    }
  }
  for (const char c : text) {
    if (extra > 0 && at_line_start_ && c != '\n') {
      put_char(' ');  // starts the line with the level's indentation
      out_.append(extra - 1, ' ');
    }
    put_char(c);
  }
}

void Printer::print(std::string_view text, Vars vars) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      put_char(c);
      ++i;
      continue;
    }
    const std::size_t close = text.find('$', i + 1);
    assert(close != std::string_view::npos && "unterminated $variable$ in a template");
    if (close == std::string_view::npos) {
      put_text(text.substr(i));
      return;
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) {
      put_char('$');
    } else {
      const auto it = std::find_if(vars.begin(), vars.end(), [&](const auto& v) { return v.first == name; });
      assert(it != vars.end() && "unknown $variable$ in a template");
      if (it != vars.end()) put_text(it->second);
    }
    i = close + 1;
  }
}

void Printer::emit(Vars vars, std::string_view templ) {
  if (!templ.empty() && templ.front() == '\n') templ.remove_prefix(1);
  // Split into lines and find the common indentation of non-blank lines.
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= templ.size()) {
    const std::size_t nl = templ.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(templ.substr(start));
      break;
    }
    lines.push_back(templ.substr(start, nl - start));
    start = nl + 1;
  }
  // A template ending with "\n    " (the closing delimiter on its own line) has an empty last line.
  while (!lines.empty() && lines.back().find_first_not_of(' ') == std::string_view::npos) lines.pop_back();
  std::size_t common = std::string_view::npos;
  for (const auto l : lines) {
    const std::size_t first = l.find_first_not_of(' ');
    if (first != std::string_view::npos) common = std::min(common, first);
  }
  if (common == std::string_view::npos) common = 0;
  std::string text;
  for (const auto l : lines) {
    if (l.size() > common) text.append(l.substr(common));
    text += '\n';
  }
  print(text, vars);
}

void Printer::line(std::string_view text, Vars vars) {
  print(text, vars);
  put_char('\n');
}

void Printer::blank_line() { put_char('\n'); }

}  // namespace formc::gen::cpp
