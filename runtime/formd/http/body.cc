#include "http/body.h"

#include <charconv>

#include "http/strict_server.h"

namespace formd::http {

Body read_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
               std::size_t limit) {
  Body body;
  // StrictServer has checked that a Content-Length is a plain number.
  const std::string declared = req.get_header_value("Content-Length");
  std::size_t length = 0;
  if (!declared.empty()) {
    const auto [end, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
    if (ec != std::errc() || length > limit) {
      body.status = BodyStatus::TooLarge;
      StrictServer::close_after_response(res);
      return body;
    }
    body.bytes.reserve(length);
  }
  bool too_large = false;
  const bool complete = reader([&](const char* data, std::size_t size) {
    if (size > limit - body.bytes.size()) {
      too_large = true;
      return false;
    }
    body.bytes.append(data, size);
    return true;
  });
  if (complete) return body;
  body.bytes.clear();
  body.bytes.shrink_to_fit();
  body.status = too_large ? BodyStatus::TooLarge : BodyStatus::Unreadable;
  StrictServer::close_after_response(res);
  return body;
}

}  // namespace formd::http
