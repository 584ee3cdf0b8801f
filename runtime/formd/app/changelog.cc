#include "app/changelog.h"

namespace formd::app {

namespace {

bool is_empty(const nlohmann::json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         (value.is_array() && value.empty()) || (value.is_object() && value.empty());
}

nlohmann::json value_of(const nlohmann::json& data, const std::string& name) {
  if (!data.is_object()) return nullptr;
  const auto found = data.find(name);
  if (found == data.end() || is_empty(*found)) return nullptr;
  return *found;
}

}  // namespace

nlohmann::json changelog(const formc::model::Definition& definition, const nlohmann::json& before,
                         const nlohmann::json& after) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& block : definition.blocks) {
    for (const auto& field : block.fields) {
      auto from = value_of(before, field.name);
      auto to = value_of(after, field.name);
      if (from == to) continue;
      changes.push_back({{"field", field.name},
                         {"label", field.label.empty() ? field.name : field.label},
                         {"from", std::move(from)},
                         {"to", std::move(to)}});
    }
  }
  return changes;
}

std::string changelog_value_text(const nlohmann::json& value) {
  if (is_empty(value)) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "Oui" : "Non";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ", ";
      out += changelog_value_text(item);
    }
    return out;
  }
  return value.dump();
}

}  // namespace formd::app
