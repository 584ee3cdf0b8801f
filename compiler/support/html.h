// HTML that definitions may contain, made safe.
//
// Contract: sanitize_html() is the one function through which HTML written in
// a definition (introductions, hints, eligibility bodies) reaches any output.
// Each kind of text has the allow-list DataPass renders it with (HtmlContext):
//   - Introduction (a form's, a definition's or a block's introduction:
//     trusted text from the configuration repository, which DataPass shows as
//     written): the Hint tags plus u, div, span, h1-h6, blockquote, hr, with
//     the attributes class, title (any tag) and target, rel (on a);
//   - EligibilityBody (DataPass's `sanitize` with b i strong em p a br and
//     href target rel);
//   - CardDescription (a description on a card: strong em b i u br);
//   - Hint (formc's hints and scope descriptions): b i strong em p br ul ol
//     li a.
// Everywhere: a's href must be http, https or mailto; `style`, event handlers
// and every attribute not listed are removed; class names keep only
// [A-Za-z0-9_-] tokens; target is _blank or _self, and a target="_blank" link
// gets rel="noopener"; script and style lose their content; comments go;
// text is re-escaped so the result is always well-formed. Other tags are
// dropped with their text kept. It also says what it removed, for the
// `html-not-allowed` warning.
// escape_text()/escape_attribute() are the escaping primitives for generated
// markup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace formc::support {

enum class HtmlContext { Hint, Introduction, EligibilityBody, CardDescription };

struct SanitizedHtml {
  std::string html;
  std::vector<std::string> removed;  // "<span>", "attribute 'target' of <a>", "javascript: link", ...
};

[[nodiscard]] SanitizedHtml sanitize_html(std::string_view input, HtmlContext context = HtmlContext::Hint);
// True when `tag` (lowercase) is a block-level tag some context keeps
// (p ul ol li div h1-h6 blockquote hr): what generators must balance.
[[nodiscard]] bool is_block_tag(std::string_view tag);
[[nodiscard]] std::string escape_text(std::string_view text);       // & < >
[[nodiscard]] std::string escape_attribute(std::string_view text);  // & < > " '
// True when `text` contains something that looks like markup (a tag or an entity).
[[nodiscard]] bool looks_like_html(std::string_view text);

}  // namespace formc::support
