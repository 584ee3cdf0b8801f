// The page templates compiled into formd (web/templates/*.mustache, through
// cmake/FormdEmbed.cmake), sorted by path.
#pragma once

#include <span>

#include "embedded_text.h"

namespace formd::web {

[[nodiscard]] std::span<const formd::EmbeddedText> embedded_templates();

}  // namespace formd::web
