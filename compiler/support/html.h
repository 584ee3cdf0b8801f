// HTML that definitions may contain, made safe.
//
// Contract: sanitize_html() is the one function through which HTML written in
// a definition (introductions, hints, eligibility bodies) reaches any output.
// It keeps the allowlist b, i, strong, em, p, br, ul, ol, li and a (href with
// http, https or mailto only; no other attribute survives), drops every other
// tag but keeps its text (script and style lose their content too), removes
// comments, and re-escapes text so the result is always well-formed. It also
// says what it removed, for the `html-not-allowed` warning.
// escape_text()/escape_attribute() are the escaping primitives for generated
// markup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace formc::support {

struct SanitizedHtml {
  std::string html;
  std::vector<std::string> removed;  // "<span>", "attribute 'target' of <a>", "javascript: link", ...
};

[[nodiscard]] SanitizedHtml sanitize_html(std::string_view input);
[[nodiscard]] std::string escape_text(std::string_view text);       // & < >
[[nodiscard]] std::string escape_attribute(std::string_view text);  // & < > " '
// True when `text` contains something that looks like markup (a tag or an entity).
[[nodiscard]] bool looks_like_html(std::string_view text);

}  // namespace formc::support
