// The email templates (runtime/formd/notify/templates/*.txt) compiled into
// formd by cmake/FormdEmbed.cmake, so formd sends the same texts from any
// directory. Paths are the file names, e.g. "refuse.applicant.txt".
#pragma once

#include <span>

#include "embedded_text.h"

namespace formd::app {

[[nodiscard]] std::span<const EmbeddedText> email_templates();

}  // namespace formd::app
