#include "web/view.h"

#include <map>
#include <regex>
#include <stdexcept>

#include "render/slot_filler.h"
#include "web/templates.h"

namespace formd::web {

namespace {

constexpr std::string_view kExtension = ".mustache";
constexpr std::string_view kTrustedSuffix = "_trusted_html";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A template as kainjow gets it: its standalone lines (a line holding only
// a section, inverted section, closing, partial or comment tag, and blanks)
// lose their blanks and their line break, as the mustache spec wants; the
// kainjow in Debian keeps the line break of a skipped section and of every
// partial, which scattered empty lines through the pages. Only the
// template's own text changes, never a value.
std::string without_standalone_lines(std::string_view text) {
  static const std::regex standalone(R"(^[ \t]*(\{\{[ \t]*[#^/>!][^}]*\}\})[ \t]*$)");
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const bool broken = end != std::string_view::npos;
    const std::string line(text.substr(pos, broken ? end - pos : std::string_view::npos));
    std::smatch tag;
    if (std::regex_match(line, tag, standalone)) {
      out += tag[1].str();
    } else {
      out += line;
      if (broken) out += '\n';
    }
    pos = broken ? end + 1 : text.size();
  }
  return out;
}

// The embedded templates by name: the text as written (checked) and as
// kainjow gets it, which is also the Data that serves it as a partial.
struct Template {
  std::string_view text;
  std::string prepared;
  Data as_partial;
};
using Registry = std::map<std::string, Template, std::less<>>;

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The rules of view.h a template's text must follow (raw markup, delimiters,
// partials), its tags read as kainjow reads them: "{{{" opens a raw value up
// to "}}}", any other "{{" a tag up to "}}" whose trimmed contents start
// with its kind ("{{ & name }}" is raw too).
void check_template(std::string_view name, std::string_view text, const Registry& registry) {
  auto refuse = [&](const std::string& why) {
    throw std::logic_error("formd: template '" + std::string(name) + "' " + why);
  };
  for (std::size_t open = text.find("{{"); open != std::string_view::npos;) {
    const bool triple = open + 2 < text.size() && text[open + 2] == '{';
    const std::size_t start = open + (triple ? 3 : 2);
    const std::size_t close = text.find(triple ? "}}}" : "}}", start);
    if (close == std::string_view::npos) break;  // kainjow refuses it: "Unclosed tag"
    const std::string_view contents = trimmed(text.substr(start, close - start));
    open = text.find("{{", close + (triple ? 3 : 2));
    std::string_view raw_key;
    if (triple) {
      raw_key = contents;
    } else if (!contents.empty() && contents[0] == '&') {
      raw_key = trimmed(contents.substr(1));
    } else if (!contents.empty() && contents[0] == '=') {
      refuse("changes the delimiters ({{=…=}})");
    } else if (!contents.empty() && contents[0] == '>') {
      const std::string_view partial = trimmed(contents.substr(1));
      if (!registry.count(partial)) refuse("uses the partial '" + std::string(partial) + "', which is no template");
      continue;
    } else {
      continue;
    }
    if (!ends_with(raw_key, kTrustedSuffix)) {
      refuse("inserts '" + std::string(raw_key) + "' unescaped; only *_trusted_html values may be");
    }
  }
}

// Built once (thread-safe static), every template checked: a template that
// breaks a rule makes every render throw, so the first test finds it.
const Registry& registry() {
  static const Registry instance = [] {
    Registry out;
    for (const auto& entry : embedded_templates()) {
      std::string name(entry.path.substr(0, entry.path.size() - kExtension.size()));
      std::string prepared = without_standalone_lines(entry.text);
      Data as_partial(prepared);
      out.emplace(std::move(name), Template{entry.text, std::move(prepared), std::move(as_partial)});
    }
    for (const auto& [name, t] : out) check_template(name, t.text, out);
    return out;
  }();
  return instance;
}

// The escaping of formc's fragments (render::escape_html: & < > " '), so a
// page escapes alike wherever a value comes from.
std::string escape(const std::string& text) { return render::escape_html(text); }

// kainjow's context, except that partials come from the registry only: a
// value of the data is never taken for a template.
class PageContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  explicit PageContext(const Data& data) : values_(&data) {}
  void push(const Data* data) override { values_.push(data); }
  void pop() override { values_.pop(); }
  const Data* get(const std::string& name) const override { return values_.get(name); }
  const Data* get_partial(const std::string& name) const override {
    const auto& all = registry();
    const auto it = all.find(name);
    return it == all.end() ? nullptr : &it->second.as_partial;
  }

 private:
  kainjow::mustache::context<std::string> values_;
};

// A checked template (already through without_standalone_lines()), parsed.
kainjow::mustache::mustache parse(std::string_view name, const std::string& prepared) {
  kainjow::mustache::mustache view{prepared};
  if (!view.is_valid()) {
    throw std::logic_error("formd: template '" + std::string(name) + "': " + view.error_message());
  }
  view.set_custom_escape(escape);
  return view;
}

std::string render_parsed(std::string_view name, kainjow::mustache::mustache& view, const Data& data) {
  PageContext context(data);
  std::string out = view.render(context);
  if (!view.error_message().empty()) {
    throw std::logic_error("formd: template '" + std::string(name) + "': " + view.error_message());
  }
  return out;
}

}  // namespace

std::string render(std::string_view name, const Data& data) {
  const auto& all = registry();
  const auto it = all.find(name);
  if (it == all.end()) throw std::logic_error("formd: no page template named '" + std::string(name) + "'");
  // Parsed once per thread: kainjow's render() keeps its error state in the
  // template object, so one object must not serve two threads at once.
  thread_local std::map<std::string, kainjow::mustache::mustache, std::less<>> parsed;
  auto cached = parsed.find(name);
  if (cached == parsed.end()) cached = parsed.emplace(std::string(name), parse(name, it->second.prepared)).first;
  return render_parsed(name, cached->second, data);
}

std::string render_text(std::string_view name, std::string_view text, const Data& data) {
  check_template(name, text, registry());
  auto view = parse(name, without_standalone_lines(text));
  return render_parsed(name, view, data);
}

std::vector<std::string> template_names() {
  std::vector<std::string> names;
  for (const auto& [name, t] : registry()) names.push_back(name);
  return names;
}

}  // namespace formd::web
