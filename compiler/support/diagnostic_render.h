// Rendering diagnostics for humans (clang style) and for tools (JSON).
//
// Text:  path:line:col: error: message [code]
//          <source line>
//          <spaces>^~~~
//        path:line:col: note: message
// JSON:  {"diagnostics":[{severity, code, file, line, column, end_line,
//         end_column, message, notes:[{file,line,column,message}]}],
//         "errors": N, "warnings": N}
// Control characters of hostile input are never echoed raw to a terminal.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/diagnostics.h"
#include "support/source.h"

namespace formc::support {

[[nodiscard]] std::string render_text(const SourceManager& sources, const std::vector<Diagnostic>& diagnostics);
[[nodiscard]] nlohmann::ordered_json render_json(const SourceManager& sources, const std::vector<Diagnostic>& diagnostics);
// "2 errors and 1 warning generated." (empty when there is nothing to say)
[[nodiscard]] std::string render_summary(std::size_t errors, std::size_t warnings);

}  // namespace formc::support
