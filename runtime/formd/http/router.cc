#include "http/router.h"

#include <malloc.h>

#include <algorithm>

#include "http/body.h"

namespace formd::http {

namespace {

bool has_control_character(const std::string& path) {
  return std::any_of(path.begin(), path.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

bool announces_body(const httplib::Request& req) {
  const std::string length = req.get_header_value("Content-Length");
  return req.has_header("Transfer-Encoding") ||
         std::any_of(length.begin(), length.end(), [](char c) { return c >= '1' && c <= '9'; });
}

}  // namespace

Router::Router(StrictServer& server, std::size_t body_limit)
    : server_(server), body_limit_(body_limit), payload_limit_(body_limit) {
  server_.set_payload_max_length(body_limit);  // a backstop: routes read bodies themselves
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return check(req, res); });
}

void Router::get(const std::string& pattern, Handler handler) {
  routes_.push_back({"GET", std::regex(pattern)});
  server_.Get(pattern, std::move(handler));
}

void Router::post(const std::string& pattern, Handler handler, std::size_t body_limit) {
  add_body_route("POST", pattern, std::move(handler), body_limit);
}
void Router::patch(const std::string& pattern, Handler handler, std::size_t body_limit) {
  add_body_route("PATCH", pattern, std::move(handler), body_limit);
}
void Router::put(const std::string& pattern, Handler handler, std::size_t body_limit) {
  add_body_route("PUT", pattern, std::move(handler), body_limit);
}
void Router::del(const std::string& pattern, Handler handler, std::size_t body_limit) {
  add_body_route("DELETE", pattern, std::move(handler), body_limit);
}

void Router::post_stream(const std::string& pattern, StreamHandler handler, std::size_t body_limit) {
  routes_.push_back({"POST", std::regex(pattern)});
  if (body_limit > payload_limit_) {
    payload_limit_ = body_limit;
    server_.set_payload_max_length(payload_limit_);
  }
  server_.Post(pattern, httplib::Server::HandlerWithContentReader(
                            [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                                           const httplib::ContentReader& reader) {
                              handler(req, res, reader);
                              malloc_trim(0);  // as after any large body
                            }));
}

void Router::mount(const std::string& prefix) { mounts_.push_back(prefix); }

void Router::add_body_route(const std::string& method, const std::string& pattern, Handler handler,
                            std::size_t body_limit) {
  routes_.push_back({method, std::regex(pattern)});
  const std::size_t limit = body_limit ? body_limit : body_limit_;
  httplib::Server::HandlerWithContentReader with_body =
      [handler = std::move(handler), limit](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
        Body body = read_body(req, res, reader, limit);
        if (body.status != BodyStatus::Ok) {
          res.status = body.status == BodyStatus::TooLarge ? 413 : 400;
          return;
        }
        const std::size_t size = body.bytes.size();
        {
          httplib::Request with = req;
          with.body = std::move(body.bytes);
          handler(with, res);
        }
        // A large body leaves large transient structures (a JSON tree, one
        // error per item): the allocator keeps their freed memory in this
        // thread's arena unless asked to give it back.
        if (size > kTrimAfterBodyBytes) malloc_trim(0);
      };
  if (method == "POST") server_.Post(pattern, std::move(with_body));
  else if (method == "PATCH") server_.Patch(pattern, std::move(with_body));
  else if (method == "PUT") server_.Put(pattern, std::move(with_body));
  else server_.Delete(pattern, std::move(with_body));
}

std::string Router::allowed_methods(const std::string& path) const {
  std::string allowed;
  auto add = [&](const std::string& method) {
    if (allowed.find(method) != std::string::npos) return;
    if (!allowed.empty()) allowed += ", ";
    allowed += method;
  };
  for (const auto& route : routes_) {
    if (std::regex_match(path, route.pattern)) {
      add(route.method);
      if (route.method == "GET") add("HEAD");
    }
  }
  return allowed;
}

httplib::Server::HandlerResponse Router::check(const httplib::Request& req, httplib::Response& res) const {
  auto refuse = [&](int status) {
    res.status = status;
    // The body (if any) stays unread: it must not be taken for a request.
    if (announces_body(req)) StrictServer::close_after_response(res);
    return httplib::Server::HandlerResponse::Handled;
  };
  // Before any regex: libstdc++'s std::regex recurses per character matched.
  if (req.path.size() > kMaxPathBytes) return refuse(414);
  if (has_control_character(req.path)) return refuse(400);
  const bool get_like = req.method == "GET" || req.method == "HEAD";
  if (get_like && std::any_of(mounts_.begin(), mounts_.end(), [&](const std::string& m) { return req.path.rfind(m, 0) == 0; })) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  const std::string method = get_like ? std::string("GET") : req.method;
  for (const auto& route : routes_) {
    if (route.method == method && std::regex_match(req.path, route.pattern)) return httplib::Server::HandlerResponse::Unhandled;
  }
  const std::string allowed = allowed_methods(req.path);
  if (allowed.empty()) return refuse(404);
  res.set_header("Allow", allowed);
  return refuse(405);
}

}  // namespace formd::http
