#include "render/field_id.h"

namespace formd::render {

namespace {

// ASCII only, whatever the locale: ids must not depend on the environment.
bool ascii_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool ascii_alnum(char c) { return ascii_alpha(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::string field_id(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  for (const char c : name) out += ascii_alnum(c) ? c : '_';
  if (out.empty() || !ascii_alpha(out[0])) out = "f_" + out;
  return out;
}

}  // namespace formd::render
