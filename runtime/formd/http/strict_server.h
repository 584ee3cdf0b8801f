// formd's HTTP server: cpp-httplib's routing and handlers, on a connection
// loop of formd's own that frames requests strictly.
//
// Why: cpp-httplib 0.11 (Debian 12) reads message framing loosely. It takes
// a request with both Content-Length and Transfer-Encoding, an unknown
// Transfer-Encoding, several Content-Lengths; it leaves the body of a GET
// unread, and a handler that stops reading an oversized body cannot close the
// connection. In each case the bytes that follow are parsed as a new request
// on the same connection: behind a proxy sharing its upstream connections,
// that is request smuggling. Its loop also gives a request's head no overall
// deadline nor size bound.
//
// Contract of StrictServer (everything else is httplib::Server's):
//   - A connection serves at most `max_requests` requests and waits at most
//     `idle_timeout` for the next one; then it is closed.
//   - A request head (request line and headers) must arrive within
//     `head_timeout` and fit in `max_head_bytes`: otherwise 400 (or nothing,
//     if the client sent nothing) and the connection is closed.
//   - Framing (see framing_problem()): a request it refuses is answered 400
//     through the error handler, before any route or body is read, and the
//     connection is closed.
//   - A request the server could not parse closes its connection after the
//     400 httplib writes.
//   - A handler may call close_after_response(): the connection is closed
//     once its response is written (e.g. it stopped reading an oversized body).
//   - Reads and writes wait at most `io_timeout` each.
//   - A connection closed early after an answer lingers: its remaining input
//     is drained (bounded) so the client reads the answer, not a reset.
// The connection state is thread-local: handlers run on the thread that
// serves their connection (httplib's model), so they may use these calls.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <httplib.h>

namespace formd::http {

struct ServerLimits {
  std::size_t max_head_bytes = 32 * 1024;
  std::chrono::milliseconds head_timeout{10000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds io_timeout{10000};
  std::size_t max_requests = 100;
  // After an answer that ends the connection early (413, 400), what the
  // client still sends is read and dropped for at most this long / this
  // much, so that the answer reaches it (see StrictServer::linger).
  std::chrono::milliseconds linger_timeout{2000};
  std::size_t linger_bytes = 64 * 1024 * 1024;
};

// Why a request's framing is refused, or nullopt when it is sound: an
// HTTP/1.1 request without exactly one Host header; several or non-numeric
// Content-Length headers; Transfer-Encoding with
// Content-Length; a Transfer-Encoding other than exactly "chunked"; a body
// (non-zero length, or any Transfer-Encoding) on a method httplib never
// reads a body for (every method but POST, PUT, PATCH and DELETE).
[[nodiscard]] std::optional<std::string> framing_problem(const httplib::Request& req);

class StrictServer : public httplib::Server {
 public:
  explicit StrictServer(ServerLimits limits = {});

  // Runs before routing, after the framing check (which it never sees fail).
  // Replaces httplib::Server::set_pre_routing_handler, which this hides.
  void set_pre_routing_handler(HandlerWithResponse handler);

  // For a handler: close the connection once `res` is written (and say so in it).
  static void close_after_response(httplib::Response& res);

 private:
  bool process_and_close_socket(socket_t sock) override;
  void linger(socket_t sock) const;

  ServerLimits limits_;
  HandlerWithResponse pre_routing_;
};

}  // namespace formd::http
