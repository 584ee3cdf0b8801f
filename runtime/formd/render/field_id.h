// The HTML id formc gives the control (or fieldset) of a field, for the
// error summary's links.
//
// Contract: identical to formc::gen::html::field_id (compiler/gen/html/ids.cc),
// reimplemented so formd does not link the HTML generator: every char outside
// [A-Za-z0-9_] becomes '_', and "f_" is prefixed unless the result starts with
// a letter. snake_case names map to themselves.
#pragma once

#include <string>
#include <string_view>

namespace formd::render {

[[nodiscard]] std::string field_id(std::string_view name);

}  // namespace formd::render
