#include "server/page_support.h"

#include <charconv>

#include "web/view.h"

namespace formd::server {

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

nlohmann::json parse_object(const std::string& text) {
  auto data = nlohmann::json::parse(text, nullptr, false);
  return data.is_object() ? data : nlohmann::json::object();
}

std::string project_name(const nlohmann::json& data) {
  const auto it = data.is_object() ? data.find("intitule") : data.end();
  return data.is_object() && it != data.end() && it->is_string() && !it->get_ref<const std::string&>().empty()
             ? it->get<std::string>()
             : std::string("(sans nom)");
}

std::string project_name_of(const std::string& data_json) { return project_name(parse_object(data_json)); }

std::string render_action_page(const ActionPage& page) {
  web::Data data;
  data.set("title", page.title);
  web::List paragraphs, conditions;
  for (const auto& p : page.paragraphs) paragraphs.push_back(web::Data(p));
  for (const auto& c : page.conditions) conditions.push_back(web::Data(c));
  data.set("paragraphs", paragraphs);
  data.set("has_conditions", !page.conditions.empty());
  data.set("conditions", conditions);
  data.set("has_warning", !page.warning.empty());
  data.set("warning", page.warning);
  data.set("irreversible", page.irreversible);
  data.set("has_form", !page.action.empty());
  data.set("action", page.action);
  data.set("csrf", page.csrf);
  data.set("version", page.version);
  data.set("has_field", !page.field.empty());
  data.set("field", page.field);
  data.set("field_label", page.field_label);
  data.set("has_field_hint", !page.field_hint.empty());
  data.set("field_hint", page.field_hint);
  data.set("textarea", page.textarea);
  data.set("value", page.value);
  data.set("has_field_error", !page.field_error.empty());
  data.set("field_error", page.field_error);
  data.set("submit_label", page.submit_label);
  data.set("cancel_href", page.cancel_href);
  data.set("cancel_label", page.cancel_label);
  data.set("has_error", !page.error.empty());
  data.set("error_title", page.error_title);
  data.set("error", page.error);
  return web::render("lifecycle_action", data);
}

}  // namespace formd::server
