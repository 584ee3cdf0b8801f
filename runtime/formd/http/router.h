// formd's route table, on a StrictServer.
//
// Contract:
//   - Every route is declared here, with its method; handlers with a body
//     (POST, PATCH, PUT, DELETE) get it read by read_body() under the route's
//     limit before they run: past it 413, a broken body 400, and the handler
//     never runs. No body is read anywhere else.
//   - Before any route runs or any body is read, every request is checked:
//     a path longer than kMaxPathBytes answers 414; control characters (bytes < 0x20, 0x7f) in the decoded path answer
//     400; a path that no route matches for its method answers 405 with an
//     Allow header when other methods match it, 404 otherwise. (HEAD is
//     served by GET routes, as httplib does.)
//   - After a handler that read a body over kTrimAfterBodyBytes, the
//     allocator gives freed memory back (malloc_trim), so a burst of large
//     hostile bodies does not leave formd's memory high.
//   - Answers made here have an empty body with the status set: the
//     server's error handler writes the page or the JSON error.
#pragma once

#include <cstddef>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

#include "http/strict_server.h"

namespace formd::http {

inline constexpr std::size_t kMaxPathBytes = 2048;
// After a body larger than this, freed memory is given back to the system.
inline constexpr std::size_t kTrimAfterBodyBytes = 256 * 1024;

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `body_limit`: the largest body of a route that names no limit of its own.
  Router(StrictServer& server, std::size_t body_limit);

  void get(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler, std::size_t body_limit = 0);
  void patch(const std::string& pattern, Handler handler, std::size_t body_limit = 0);
  void put(const std::string& pattern, Handler handler, std::size_t body_limit = 0);
  void del(const std::string& pattern, Handler handler, std::size_t body_limit = 0);
  // Uploads (issue 12): a POST whose handler reads its own body from the
  // ContentReader (http/multipart.h), streamed, under `body_limit`; the
  // server's backstop payload limit rises to it.
  using StreamHandler = std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;
  void post_stream(const std::string& pattern, StreamHandler handler, std::size_t body_limit);
  // GET/HEAD requests under `prefix` are served by one of the server's mount
  // points (httplib's file handler), which the router must let through.
  void mount(const std::string& prefix);

  // The methods routes accept for `path`, in declaration order ("" if none).
  [[nodiscard]] std::string allowed_methods(const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::regex pattern;
  };
  void add_body_route(const std::string& method, const std::string& pattern, Handler handler, std::size_t body_limit);
  httplib::Server::HandlerResponse check(const httplib::Request& req, httplib::Response& res) const;

  StrictServer& server_;
  std::size_t body_limit_;
  std::size_t payload_limit_;  // the server's backstop: the largest route limit
  std::vector<Route> routes_;
  std::vector<std::string> mounts_;
};

}  // namespace formd::http
