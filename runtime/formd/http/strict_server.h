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
//
// The loop serves a ConnectionStream: a socket's (listen()) or one in
// memory (serve_in_memory(), http/memory_stream.h). Everything above except
// time (timeouts, lingering) holds alike for both: same loop, same framing
// checks, same head bound, same routes, handlers and error handler; so
// handlers are tested in-process, without a socket, on the path they serve.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

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

// What StrictServer's connection loop reads requests from and writes answers
// to. This base holds what does not depend on where the bytes come from: the
// request head's byte budget and deadline. A subclass supplies the bytes
// (read_some), waiting for the next request, and the end of a connection
// closed early (linger); and httplib::Stream's writes and addresses.
class ConnectionStream : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectionStream(const ServerLimits& limits) : limits_(limits) {}

  // The first byte of the next request is here (or already read ahead).
  // False: none will come (idle timeout, closed by the peer, server stopping).
  virtual bool wait_for_request() = 0;
  // The loop closes the connection right after an answer while the client
  // may still be sending: make sure the answer reaches it.
  virtual void linger() {}

  // The head of a new request starts: its deadline and byte budget.
  void begin_head();
  void end_head() { in_head_ = false; }
  // The head was cut short by its deadline or size bound.
  [[nodiscard]] bool head_failed() const { return head_failed_; }

  // httplib reads here: within a head, no more than what is left of its
  // budget and not past its deadline (then -1, and head_failed()).
  ssize_t read(char* ptr, size_t size) final;

 protected:
  // Up to `size` (> 0) bytes, waiting at most until `deadline`: the count
  // read (> 0), 0 when the deadline passed first, -1 at the end of the
  // input or on an error.
  virtual ssize_t read_some(char* ptr, std::size_t size, Clock::time_point deadline) = 0;
  // io_timeout from now; within a head, no later than the head's deadline.
  [[nodiscard]] Clock::time_point read_deadline() const;
  [[nodiscard]] const ServerLimits& limits() const { return limits_; }

 private:
  ssize_t fail_head() {
    head_failed_ = true;
    return -1;
  }

  const ServerLimits& limits_;
  bool in_head_ = false, head_failed_ = false;
  std::size_t head_bytes_ = 0;
  Clock::time_point head_deadline_{};
};

class StrictServer : public httplib::Server {
 public:
  explicit StrictServer(ServerLimits limits = {});

  // Runs before routing, after the framing check (which it never sees fail).
  // Replaces httplib::Server::set_pre_routing_handler, which this hides.
  void set_pre_routing_handler(HandlerWithResponse handler);

  // For a handler: close the connection once `res` is written (and say so in it).
  static void close_after_response(httplib::Response& res);

  // Serves one connection read from `stream` until it ends, as the server
  // serves a socket (the contract above); the caller closes what lies under it.
  // Once the routes are installed, safe to call from several threads at
  // once, and while the server listens.
  void serve_connection(ConnectionStream& stream);

  // Serves one connection whose client sent `raw_bytes_in` and then closed
  // its side: every request in it, pipelined, in order, until the input
  // ends or the loop closes the connection (then what follows is never
  // read). Returns the bytes written back, exactly as a socket would carry
  // them. See http/memory_stream.h for what memory changes (no time passes).
  [[nodiscard]] std::string serve_in_memory(std::string_view raw_bytes_in);

  [[nodiscard]] const ServerLimits& limits() const { return limits_; }

 private:
  bool process_and_close_socket(socket_t sock) override;

  ServerLimits limits_;
  HandlerWithResponse pre_routing_;
};

}  // namespace formd::http
