// A document's name as shown and stored: what is left of a client's file
// name once nothing in it can act as a path or markup.
//
// Contract: sanitize_file_name() keeps the last path component (after any
// '/' or '\'), drops control characters and invalid UTF-8, replaces
// < > : " | ? * with '_', trims spaces and leading dots, cuts at 200 bytes
// on a character boundary, and answers "document" when nothing is left.
// The result is never "." or "..", never contains '/', and is only ever
// used as text (escaped in pages, quoted in Content-Disposition): the bytes
// are stored under their digest.
#pragma once

#include <string>
#include <string_view>

namespace formd::documents {

[[nodiscard]] std::string sanitize_file_name(std::string_view raw);

// The Content-Disposition header of a download: attachment, an ASCII
// fallback name and the UTF-8 name (RFC 6266 / 5987).
[[nodiscard]] std::string attachment_disposition(std::string_view name);

}  // namespace formd::documents
