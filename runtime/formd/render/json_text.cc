#include "render/json_text.h"

#include <algorithm>
#include <cstdint>

namespace formd::render {

using nlohmann::json;

bool is_blank_text(std::string_view text) { return std::all_of(text.begin(), text.end(), is_space); }

std::optional<std::string> scalar_text(const json& value) {
  switch (value.type()) {
    case json::value_t::string: return value.get<std::string>();
    case json::value_t::number_integer: return std::to_string(value.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(value.get<std::uint64_t>());
    case json::value_t::number_float: return value.dump();
    default: return std::nullopt;
  }
}

std::vector<std::string> document_names(const json& value) {
  std::vector<std::string> names;
  if (!value.is_array()) return names;
  for (const auto& entry : value) {
    if (entry.is_string()) {
      names.push_back(entry.get<std::string>());
    } else if (entry.is_object()) {
      const auto it = entry.find("filename");
      if (it != entry.end() && it->is_string()) names.push_back(it->get<std::string>());
    }
  }
  return names;
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace formd::render
