// Reading a request body, bounded: the one way formd's routes read bodies.
//
// Contract: read_body() never holds more than `limit` bytes, whatever the
// framing (Content-Length, chunked, gzip-encoded: httplib decodes before the
// receiver, so the bound is on what the handler would see). A declared
// Content-Length over the limit is refused before any byte is read. When it
// does not read a body to its end (too large, unreadable), it marks the
// connection to be closed after the response: the unread bytes must never be
// taken for the next request.
#pragma once

#include <cstddef>
#include <string>

#include <httplib.h>

namespace formd::http {

enum class BodyStatus {
  Ok,
  TooLarge,    // answer 413
  Unreadable,  // the client stopped sending, or broke the chunked coding: answer 400
};

struct Body {
  BodyStatus status = BodyStatus::Ok;
  std::string bytes;
};

[[nodiscard]] Body read_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                             std::size_t limit);

}  // namespace formd::http
