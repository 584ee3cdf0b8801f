// formd's page views: mustache templates (web/templates/*.mustache, compiled
// into formd) rendered with Debian's kainjow mustache.
//
// Contract (escape by construction):
//   - every {{name}} is HTML-escaped (& < > " ' as &amp; &lt; &gt; &quot;
//     &#39;, the escaping of formc's fragments), in text and in attributes;
//   - raw markup is inserted only by {{{name_trusted_html}}}: a template
//     that uses {{{…}}} or {{&…}} on a name not ending in "_trusted_html" is
//     refused (std::logic_error, a bug of formd caught by its tests); the
//     only values under such names are markup formd built itself with its
//     escaping renderers (formc's fragments filled by render::fill_slots,
//     another template), set through trusted_html() so a reader finds them;
//   - partials {{> name}} are other templates of the same directory, never a
//     value of the data (a value named like a partial is not a template); a
//     partial that does not exist is refused, and so is a change of
//     delimiters ({{=…=}}), which would hide tags from these checks;
//   - an unknown template or a template that does not parse throws
//     std::logic_error (the same bug class).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kainjow/mustache.hpp>

namespace formd::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

// Renders `name` ("instruction_list" for templates/instruction_list.mustache).
[[nodiscard]] std::string render(std::string_view name, const Data& data);

// Renders `text` as a template named `name` (in error messages), under the
// same rules and with the same partials as render(): render() is this with
// the embedded template's text. For the tests.
[[nodiscard]] std::string render_text(std::string_view name, std::string_view text, const Data& data);

// Markup formd built itself (see the contract), for a "*_trusted_html" key.
[[nodiscard]] inline Data trusted_html(std::string markup) { return Data(std::move(markup)); }

// Every template's name, for the tests (each must parse and pass the raw-markup rule).
[[nodiscard]] std::vector<std::string> template_names();

}  // namespace formd::web
