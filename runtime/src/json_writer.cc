#include "formc/runtime/json_io.h"
#include "formc/runtime/strings.h"

namespace formc::rt {
namespace {

nlohmann::ordered_json document_json(const Document& d) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  o["name"] = d.name;
  o["content_type"] = d.content_type;
  o["size"] = d.size;
  return o;
}

// A copy of `text` with every invalid UTF-8 byte replaced by U+FFFD, so that
// dumping the nlohmann value later cannot throw.
std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + n > text.size() || !is_valid_utf8(text.substr(i, n))) {
        out += "\xEF\xBF\xBD";
        ++i;
        continue;
      }
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<std::string>& value) {
  if (value) out[std::string(key)] = valid_utf8(*value);
}
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<std::int64_t>& value) {
  if (value) out[std::string(key)] = *value;
}
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<bool>& value) {
  if (value) out[std::string(key)] = *value;
}
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<Date>& value) {
  if (value) out[std::string(key)] = format_date(*value);
}
void put(nlohmann::ordered_json& out, std::string_view key, const std::vector<std::string>& value) {
  if (value.empty()) return;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& v : value) list.push_back(valid_utf8(v));
  out[std::string(key)] = std::move(list);
}
void put(nlohmann::ordered_json& out, std::string_view key, const std::vector<Document>& value) {
  if (value.empty()) return;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& d : value) {
    Document copy{valid_utf8(d.name), valid_utf8(d.content_type), d.size};
    list.push_back(document_json(copy));
  }
  out[std::string(key)] = std::move(list);
}

void JsonTextWriter::write_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + n <= text.size() && is_valid_utf8(text.substr(i, n))) {
        out.append(text.substr(i, n));
        i += n;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void JsonTextWriter::key(std::string_view k) {
  if (!first_) out_ += ',';
  first_ = false;
  write_string(out_, k);
  out_ += ':';
}

void JsonTextWriter::put(std::string_view k, const std::optional<std::string>& value) {
  if (!value) return;
  key(k);
  write_string(out_, *value);
}
void JsonTextWriter::put(std::string_view k, const std::optional<std::int64_t>& value) {
  if (!value) return;
  key(k);
  out_ += std::to_string(*value);
}
void JsonTextWriter::put(std::string_view k, const std::optional<bool>& value) {
  if (!value) return;
  key(k);
  out_ += *value ? "true" : "false";
}
void JsonTextWriter::put(std::string_view k, const std::optional<Date>& value) {
  if (!value) return;
  key(k);
  out_ += '"';
  out_ += format_date(*value);
  out_ += '"';
}
void JsonTextWriter::put(std::string_view k, const std::vector<std::string>& value) {
  if (value.empty()) return;
  key(k);
  out_ += '[';
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i) out_ += ',';
    write_string(out_, value[i]);
  }
  out_ += ']';
}
void JsonTextWriter::put(std::string_view k, const std::vector<Document>& value) {
  if (value.empty()) return;
  key(k);
  out_ += '[';
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i) out_ += ',';
    out_ += "{\"name\":";
    write_string(out_, value[i].name);
    out_ += ",\"content_type\":";
    write_string(out_, value[i].content_type);
    out_ += ",\"size\":";
    out_ += std::to_string(value[i].size);
    out_ += '}';
  }
  out_ += ']';
}

}  // namespace formc::rt
