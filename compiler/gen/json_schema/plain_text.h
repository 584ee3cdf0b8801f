// Plain text for the titles and descriptions of the schemas.
//
// Contract: plain_text() passes definition HTML through the one sanitiser
// (support::sanitize_html), then keeps only its text: paragraphs, line breaks
// and list items become lines ("- " for items), a link becomes "text (url)"
// unless its text already shows the url, the usual entities are decoded
// (&nbsp; as a space), runs of spaces collapse and empty lines go. UTF-8 in,
// UTF-8 out.
#pragma once

#include <string>
#include <string_view>

namespace formc::gen::json_schema {

[[nodiscard]] std::string plain_text(std::string_view html);

}  // namespace formc::gen::json_schema
