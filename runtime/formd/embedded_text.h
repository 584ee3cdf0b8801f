// A text file compiled into formd (cmake/FormdEmbed.cmake): page and email
// templates, so formd serves the same bytes from any directory.
#pragma once

#include <string_view>

namespace formd {

struct EmbeddedText {
  std::string_view path;  // relative to its source directory, e.g. "instruction/list.mustache"
  std::string_view text;
};

}  // namespace formd
