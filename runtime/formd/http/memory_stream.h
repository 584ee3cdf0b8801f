// A connection held in memory, for StrictServer::serve_connection(): formd's
// handlers served in-process, without a socket, through the loop, framing
// checks, router and error handler that serve sockets (strict_server.h).
//
// Contract of MemoryStream:
//   - The client sent all of `input` at once, then closed its side (a
//     half-close: answers are still written). Requests in it are read in
//     order, pipelined; the end of the input ends the connection. A read
//     past the end fails as a socket closed by its peer does (-1), so a
//     request cut short is treated exactly as one cut short on a socket.
//   - No time passes: head_timeout, idle_timeout and io_timeout never fire
//     (a head cut short by the end of the input is a closed peer, not a
//     timeout). Every other limit applies as on a socket: max_head_bytes,
//     max_requests, and the routes' body limits.
//   - Writes never fail nor block: output() holds every byte the server
//     wrote, in order, exactly as a socket would have carried them.
//   - linger() ends the connection early after an answer: lingered() says
//     so, and unread() counts the bytes the server will never read (a socket
//     drains them; memory leaves them).
//   - The peer is reported as 127.0.0.1 port 0, the local end as 127.0.0.1
//     port 0; socket() is INVALID_SOCKET.
// `input` is not copied: it must outlive the stream. One thread uses a stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/strict_server.h"

namespace formd::http {

class MemoryStream final : public ConnectionStream {
 public:
  MemoryStream(std::string_view input, const ServerLimits& limits) : ConnectionStream(limits), input_(input) {}

  bool wait_for_request() override { return read_ < input_.size(); }
  void linger() override { lingered_ = true; }

  bool is_readable() const override { return read_ < input_.size(); }
  bool is_writable() const override { return true; }
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return INVALID_SOCKET; }

  // What the server wrote so far.
  [[nodiscard]] const std::string& output() const { return output_; }
  [[nodiscard]] std::string take_output() { return std::move(output_); }
  // Input bytes never read.
  [[nodiscard]] std::size_t unread() const { return input_.size() - read_; }
  [[nodiscard]] bool lingered() const { return lingered_; }

 protected:
  ssize_t read_some(char* ptr, std::size_t size, Clock::time_point deadline) override;

 private:
  std::string_view input_;
  std::size_t read_ = 0;
  std::string output_;
  bool lingered_ = false;
};

}  // namespace formd::http
