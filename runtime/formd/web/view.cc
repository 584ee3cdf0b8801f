#include "web/view.h"

#include <map>
#include <mutex>
#include <regex>
#include <stdexcept>

#include "web/templates.h"

namespace formd::web {

namespace {

std::string_view template_text(std::string_view name) {
  const std::string file = std::string(name) + ".mustache";
  for (const auto& entry : embedded_templates()) {
    if (entry.path == file) return entry.text;
  }
  throw std::logic_error("formd: no page template named '" + std::string(name) + "'");
}

// The raw-markup rule of view.h, checked once per template.
void check_raw_markup(std::string_view name, std::string_view text) {
  static const std::regex raw(R"(\{\{\{\s*([^}\s]*)\s*\}\}\}|\{\{&\s*([^}\s]*)\s*\}\})");
  const std::string body(text);
  for (auto it = std::sregex_iterator(body.begin(), body.end(), raw); it != std::sregex_iterator(); ++it) {
    const std::string key = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    const std::string suffix = "_trusted_html";
    if (key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) {
      throw std::logic_error("formd: template '" + std::string(name) + "' inserts '" + key +
                             "' unescaped; only *_trusted_html values may be");
    }
  }
}

void check_once(std::string_view name, std::string_view text) {
  static std::mutex mutex;
  static std::map<std::string, bool, std::less<>> checked;
  std::lock_guard lock(mutex);
  if (checked.count(name)) return;
  check_raw_markup(name, text);
  checked.emplace(std::string(name), true);
}

}  // namespace

std::string render(std::string_view name, const Data& data) {
  const auto text = template_text(name);
  check_once(name, text);
  kainjow::mustache::mustache view{std::string(text)};
  if (!view.is_valid()) {
    throw std::logic_error("formd: template '" + std::string(name) + "': " + view.error_message());
  }
  // Partials are the other templates, checked by the same rule.
  Data context(data);
  for (const auto& entry : embedded_templates()) {
    std::string partial_name(entry.path.substr(0, entry.path.size() - std::string_view(".mustache").size()));
    if (partial_name == name || context.get(partial_name)) continue;
    const std::string_view partial_text = entry.text;
    check_once(partial_name, partial_text);
    context.set(partial_name, kainjow::mustache::partial([partial_text] { return std::string(partial_text); }));
  }
  std::string out = view.render(context);
  if (!view.error_message().empty()) {
    throw std::logic_error("formd: template '" + std::string(name) + "': " + view.error_message());
  }
  return out;
}

std::vector<std::string> template_names() {
  std::vector<std::string> names;
  for (const auto& entry : embedded_templates()) {
    names.emplace_back(entry.path.substr(0, entry.path.size() - std::string_view(".mustache").size()));
  }
  return names;
}

}  // namespace formd::web
