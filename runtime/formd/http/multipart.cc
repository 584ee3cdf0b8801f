#include "http/multipart.h"

#include <charconv>

#include "http/strict_server.h"

namespace formd::http {

bool is_multipart(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  return type.rfind("multipart/form-data", 0) == 0 && type.find("boundary=") != std::string::npos;
}

MultipartStatus read_multipart(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                               std::size_t limit, const MultipartHandler& handler) {
  if (!is_multipart(req)) return MultipartStatus::NotMultipart;
  const std::string declared = req.get_header_value("Content-Length");
  if (!declared.empty()) {
    std::size_t length = 0;
    const auto [end, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
    if (ec != std::errc() || length > limit) {
      StrictServer::close_after_response(res);
      return MultipartStatus::TooLarge;
    }
  }
  std::size_t total = 0;
  bool too_large = false, aborted = false;
  const bool complete = reader(
      [&](const httplib::MultipartFormData& part) {
        PartHead head{part.name, part.filename, part.content_type, !part.filename.empty() || !part.content_type.empty()};
        if (!handler.begin(head)) {
          aborted = true;
          return false;
        }
        return true;
      },
      [&](const char* data, std::size_t size) {
        // Counts part bytes only (headers and boundaries are a few hundred
        // bytes a part; httplib bounds the whole body by payload_max_length).
        if (size > limit - total) {
          too_large = true;
          return false;
        }
        total += size;
        if (!handler.data(data, size)) {
          aborted = true;
          return false;
        }
        return true;
      });
  if (complete && !too_large && !aborted) return MultipartStatus::Ok;
  StrictServer::close_after_response(res);
  if (too_large) return MultipartStatus::TooLarge;
  if (aborted) return MultipartStatus::Aborted;
  // httplib marks a body over payload_max_length 413.
  return res.status == 413 ? MultipartStatus::TooLarge : MultipartStatus::Unreadable;
}

}  // namespace formd::http
