#include "gen/html/ids.h"

#include <cctype>

namespace formc::gen::html {

std::string field_id(std::string_view name) {
  std::string out;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    out += std::isalnum(c) && c < 0x80 ? static_cast<char>(c) : '_';
  }
  if (out.empty() || !std::isalpha(static_cast<unsigned char>(out[0]))) out = "f_" + out;
  return out;
}

std::string id_part(std::string_view value) {
  std::string out;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    out += (std::isalnum(c) && c < 0x80) || c == '-' ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "_" : out;
}

std::string OptionIds::next(std::string_view value) {
  const std::string first = base_ + "-" + id_part(value);
  std::string id = first;
  for (int n = 2; used_.count(id); ++n) id = first + "-" + std::to_string(n);
  used_.insert(id);
  return id;
}

}  // namespace formc::gen::html
