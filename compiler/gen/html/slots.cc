#include "gen/html/slots.h"

#include <cctype>

namespace formc::gen::html::slot {
namespace {

Slot token(std::string_view kind, std::initializer_list<std::string_view> args) {
  std::string t = "{{";
  t += kind;
  for (const auto a : args) {
    t += ':';
    t += encode_arg(a);
  }
  t += "}}";
  return make_slot(std::move(t));
}

}  // namespace

std::string encode_arg(std::string_view arg) {
  // Lowercase hex: attribute-position slots stay lowercase attribute names.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : arg) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c == '.' || c == '~' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Slot value(std::string_view field) { return token("value", {field}); }
Slot checked(std::string_view field, std::string_view option_value) { return token("checked", {field, option_value}); }
Slot selected(std::string_view field, std::string_view option_value) { return token("selected", {field, option_value}); }
Slot hidden(std::string_view kind, std::string_view name) { return token("hidden", {kind, name}); }
Slot state(std::string_view field, std::string_view base_class) { return token("state", {field, base_class}); }
Slot messages(std::string_view field) { return token("messages", {field}); }
Slot documents(std::string_view field) { return token("documents", {field}); }
Slot disabled(std::string_view field) { return token("disabled", {field}); }
Slot display(std::string_view field) { return token("display", {field}); }
Slot step_url(std::string_view block) { return token("step_url", {block}); }
Slot error_summary() { return token("error_summary", {}); }
Slot values_json() { return token("values_json", {}); }

}  // namespace formc::gen::html::slot
