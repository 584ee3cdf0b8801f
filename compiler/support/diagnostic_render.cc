#include "support/diagnostic_render.h"

#include <fmt/format.h>

namespace formc::support {
namespace {

// Replaces control characters so a hostile file cannot drive the terminal.
std::string printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\t') || u == 0x7F ? ' ' : c;
  }
  return out;
}

std::string location_prefix(const SourceManager& sources, const Span& span) {
  if (!span.valid()) return "formc";
  const auto loc = sources.locate(span);
  return fmt::format("{}:{}:{}", sources.file(span.file).path(), loc.line, loc.column);
}

void render_snippet(const SourceManager& sources, const Span& span, std::string& out) {
  if (!span.valid()) return;
  const SourceFile& file = sources.file(span.file);
  const Location begin = file.locate(span.begin);
  const std::string_view line = file.line_text(begin.line);
  if (line.size() > 400) return;  // minified or junk input: the location suffices
  out += "  ";
  out += printable(line);
  out += "\n  ";
  // Tabs in the prefix are kept so the caret stays aligned in a terminal.
  const std::uint32_t line_start = file.line_start(begin.line);
  std::uint32_t col = 1;
  for (std::uint32_t i = line_start; col < begin.column && i < line_start + line.size(); ++i) {
    const auto u = static_cast<unsigned char>(file.text()[i]);
    if ((u & 0xC0) == 0x80) continue;
    out += file.text()[i] == '\t' ? '\t' : ' ';
    ++col;
  }
  out += '^';
  // Underline the rest of the span on this line, in code points.
  const std::uint32_t line_end = line_start + static_cast<std::uint32_t>(line.size());
  const std::uint32_t end = std::min(span.end, line_end);
  std::uint32_t points = 0;
  for (std::uint32_t i = span.begin; i < end; ++i) {
    if ((static_cast<unsigned char>(file.text()[i]) & 0xC0) != 0x80) ++points;
  }
  for (std::uint32_t i = 1; i < points; ++i) out += '~';
  out += '\n';
}

}  // namespace

std::string render_text(const SourceManager& sources, const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += fmt::format("{}: {}: {} [{}]\n", location_prefix(sources, d.span), to_string(d.severity), d.message,
                       info(d.code).code);
    render_snippet(sources, d.span, out);
    for (const auto& n : d.notes) {
      out += fmt::format("{}: note: {}\n", location_prefix(sources, n.span), n.message);
      // A note about the same place ("did you mean") needs no second snippet.
      if (n.span != d.span) render_snippet(sources, n.span, out);
    }
  }
  return out;
}

nlohmann::ordered_json render_json(const SourceManager& sources, const std::vector<Diagnostic>& diagnostics) {
  auto position = [&](nlohmann::ordered_json& obj, const Span& span, bool with_end) {
    if (!span.valid()) {
      obj["file"] = nullptr;
      return;
    }
    const SourceFile& file = sources.file(span.file);
    const auto b = file.locate(span.begin);
    obj["file"] = file.path();
    obj["line"] = b.line;
    obj["column"] = b.column;
    if (with_end) {
      const auto e = file.locate(span.end);
      obj["end_line"] = e.line;
      obj["end_column"] = e.column;
    }
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : diagnostics) {
    nlohmann::ordered_json obj;
    obj["severity"] = std::string(to_string(d.severity));
    obj["code"] = std::string(info(d.code).code);
    position(obj, d.span, true);
    obj["message"] = d.message;
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const auto& n : d.notes) {
      nlohmann::ordered_json note;
      position(note, n.span, false);
      note["message"] = n.message;
      notes.push_back(std::move(note));
    }
    obj["notes"] = std::move(notes);
    list.push_back(std::move(obj));
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
  }
  nlohmann::ordered_json root;
  root["diagnostics"] = std::move(list);
  root["errors"] = errors;
  root["warnings"] = warnings;
  return root;
}

std::string render_summary(std::size_t errors, std::size_t warnings) {
  if (errors == 0 && warnings == 0) return {};
  auto plural = [](std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  if (errors && warnings) return plural(errors, "error") + " and " + plural(warnings, "warning") + " generated.";
  if (errors) return plural(errors, "error") + " generated.";
  return plural(warnings, "warning") + " generated.";
}

}  // namespace formc::support
