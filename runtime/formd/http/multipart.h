// Reading a multipart/form-data body as a stream: the one way formd's
// upload routes read bodies (http/body.h is for everything else).
//
// Why httplib's parser: for a multipart request, cpp-httplib 0.11 always
// parses the body itself before any receiver sees it (ContentReader has no
// raw mode then), streaming: a part's bytes reach `data` chunk by chunk as
// they arrive, and nothing here holds more than one chunk. This module adds
// the bounds and the shape formd's handlers need.
//
// Contract of read_multipart():
//   - A Content-Type other than multipart/form-data with a boundary: NotMultipart, nothing read.
//   - A declared Content-Length over `limit`: TooLarge before any byte is
//     read; a body passing `limit` while read: TooLarge, reading stops.
//   - `begin` is called at each part's head, `data` with its bytes; either
//     returning false stops the reading (Aborted).
//   - A part with a filename or a Content-Type is a file part; others are
//     fields, whose bytes the handler gets the same way.
//   - Whenever the body is not read to its end, the connection is closed
//     after the response (its unread bytes must not become a request).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <httplib.h>

namespace formd::http {

struct PartHead {
  std::string name;          // the form field's name, as posted
  std::string filename;      // as posted: never a path formd uses
  std::string content_type;  // as declared: never trusted
  bool is_file = false;
};

struct MultipartHandler {
  std::function<bool(const PartHead&)> begin;
  std::function<bool(const char*, std::size_t)> data;
};

enum class MultipartStatus { Ok, NotMultipart, TooLarge, Unreadable, Aborted };

[[nodiscard]] bool is_multipart(const httplib::Request& req);

[[nodiscard]] MultipartStatus read_multipart(const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader, std::size_t limit,
                                             const MultipartHandler& handler);

}  // namespace formd::http
