#include "http/strict_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "http/memory_stream.h"

namespace formd::http {

namespace {

using Clock = std::chrono::steady_clock;

// What the loop and the handlers of the request being served share.
struct RequestState {
  bool head_parsed = false;  // httplib parsed the head (setup_request ran)
  bool close = false;        // close the connection after this response
  std::optional<std::string> framing_problem;
};
thread_local RequestState* current_request = nullptr;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool reads_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// poll() for `events` until `deadline`, retrying on EINTR. >0 ready, 0 timed out, <0 error.
int wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000 * 60)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc > 0 && (p.revents & (POLLERR | POLLNVAL))) return -1;
    return rc;
  }
}

void address_of(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text.data(), text.size());
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text.data(), text.size());
    port = ntohs(in6->sin6_port);
  }
  ip = text.data();
}

// A connection's socket as httplib reads and writes it, with a read buffer
// and per-operation timeouts (the head's bounds are the base's).
class SocketStream final : public ConnectionStream {
 public:
  SocketStream(int fd, const ServerLimits& limits, const std::atomic<socket_t>& listening)
      : ConnectionStream(limits), fd_(fd), listening_(listening) {}

  // Waits (in slices, so a stopping server is noticed) for the first byte of
  // the next request. False: idle timeout, closed by the peer, or stopping.
  bool wait_for_request() override {
    if (begin_ < end_) return true;  // pipelined: already here
    const auto deadline = Clock::now() + limits().idle_timeout;
    while (listening_ != INVALID_SOCKET) {
      const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(200));
      const int rc = wait_for(fd_, POLLIN, slice);
      if (rc < 0) return false;
      if (rc > 0) return fill() > 0;
      if (Clock::now() >= deadline) return false;
    }
    return false;
  }

  void linger() override {
    // Closing a socket with unread input makes the kernel send a reset, which
    // can destroy the answer before the client reads it (e.g. a 413 while the
    // client is still sending). So: end our side, then read and drop what the
    // client still sends, for a bounded time and amount, as nginx does.
    ::shutdown(fd_, SHUT_WR);
    const auto deadline = Clock::now() + limits().linger_timeout;
    std::array<char, 16 * 1024> sink{};
    std::size_t drained = 0;
    while (drained < limits().linger_bytes && wait_for(fd_, POLLIN, deadline) > 0) {
      const ssize_t n = ::recv(fd_, sink.data(), sink.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
  }

  bool is_readable() const override {
    return begin_ < end_ || wait_for(fd_, POLLIN, read_deadline()) > 0;
  }
  bool is_writable() const override { return wait_for(fd_, POLLOUT, Clock::now() + limits().io_timeout) > 0; }

  ssize_t write(const char* ptr, size_t size) override {
    std::size_t written = 0;
    const auto deadline = Clock::now() + limits().io_timeout;
    while (written < size) {
      const ssize_t n = ::send(fd_, ptr + written, size - written, MSG_NOSIGNAL);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(fd_, POLLOUT, deadline) > 0) continue;
      return -1;
    }
    return static_cast<ssize_t>(written);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(fd_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(fd_, false, ip, port); }
  socket_t socket() const override { return fd_; }

 protected:
  ssize_t read_some(char* ptr, std::size_t size, Clock::time_point deadline) override {
    if (begin_ == end_) {
      const int ready = wait_for(fd_, POLLIN, deadline);
      if (ready == 0) return 0;
      if (ready < 0 || fill() <= 0) return -1;
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

 private:
  // Moves what the socket has into the buffer (the buffer is empty).
  ssize_t fill() {
    while (true) {
      const ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      begin_ = 0;
      end_ = n > 0 ? static_cast<std::size_t>(n) : 0;
      return n;
    }
  }

  int fd_;
  const std::atomic<socket_t>& listening_;
  std::array<char, 16 * 1024> buffer_{};
  std::size_t begin_ = 0, end_ = 0;
};

}  // namespace

std::optional<std::string> framing_problem(const httplib::Request& req) {
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1 (what proxies route on).
  const auto hosts = req.headers.count("Host");
  if (hosts > 1 || (hosts == 0 && req.version == "HTTP/1.1")) return "not exactly one Host header";
  const auto lengths = req.headers.equal_range("Content-Length");
  const auto codings = req.headers.equal_range("Transfer-Encoding");
  const auto length_count = std::distance(lengths.first, lengths.second);
  const auto coding_count = std::distance(codings.first, codings.second);
  if (length_count > 1) return "several Content-Length headers";
  bool has_body = false;
  if (length_count == 1) {
    const std::string& value = lengths.first->second;
    if (value.empty() || value.size() > 18 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "Content-Length is not a number";
    }
    has_body = std::any_of(value.begin(), value.end(), [](char c) { return c != '0'; });
  }
  if (coding_count > 0) {
    if (length_count > 0) return "both Content-Length and Transfer-Encoding";
    if (coding_count > 1 || !iequals(codings.first->second, "chunked")) return "Transfer-Encoding other than chunked";
    has_body = true;
  }
  if (has_body && !reads_body(req.method)) return "a body on " + req.method;
  return std::nullopt;
}

StrictServer::StrictServer(ServerLimits limits) : limits_(limits) {
  httplib::Server::set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (current_request && current_request->framing_problem) {
      current_request->close = true;
      res.status = 400;  // the error handler writes the body
      return HandlerResponse::Handled;
    }
    return pre_routing_ ? pre_routing_(req, res) : HandlerResponse::Unhandled;
  });
}

void StrictServer::set_pre_routing_handler(HandlerWithResponse handler) { pre_routing_ = std::move(handler); }

void StrictServer::close_after_response(httplib::Response& res) {
  res.set_header("Connection", "close");
  if (current_request) current_request->close = true;
}

void ConnectionStream::begin_head() {
  in_head_ = true;
  head_bytes_ = 0;
  head_deadline_ = Clock::now() + limits_.head_timeout;
}

ConnectionStream::Clock::time_point ConnectionStream::read_deadline() const {
  const auto io = Clock::now() + limits_.io_timeout;
  return in_head_ ? std::min(io, head_deadline_) : io;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (in_head_) {
    if (head_bytes_ >= limits_.max_head_bytes) return fail_head();
    size = std::min(size, limits_.max_head_bytes - head_bytes_);
  }
  if (size == 0) return 0;
  const ssize_t n = read_some(ptr, size, read_deadline());
  if (n == 0) return in_head_ ? fail_head() : -1;  // the deadline passed
  if (n < 0) return -1;
  if (in_head_) head_bytes_ += static_cast<std::size_t>(n);
  return n;
}

void StrictServer::serve_connection(ConnectionStream& stream) {
  // A handler serving a nested in-memory connection gets its own state back.
  RequestState* const outer = current_request;
  for (std::size_t served = 0; served < limits_.max_requests; ++served) {
    if (!stream.wait_for_request()) break;
    RequestState state;
    current_request = &state;
    stream.begin_head();
    bool connection_closed = false;
    const bool last = served + 1 == limits_.max_requests;
    const bool written = process_request(stream, last, connection_closed, [&](httplib::Request& req) {
      stream.end_head();
      state.head_parsed = true;
      state.framing_problem = framing_problem(req);
      // httplib writes "Connection: close" when the request asks for it.
      if (state.framing_problem) {
        req.headers.erase("Connection");
        req.headers.emplace("Connection", "close");
      }
    });
    current_request = outer;
    // Unparsed, refused or cut short: what follows on this connection cannot
    // be trusted to start a request.
    if (!written || connection_closed || !state.head_parsed || state.close || stream.head_failed()) {
      if (written && (state.close || !state.head_parsed)) stream.linger();
      break;
    }
  }
  current_request = outer;
}

bool StrictServer::process_and_close_socket(socket_t sock) {
  {
    SocketStream stream(sock, limits_, svr_sock_);
    serve_connection(stream);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

std::string StrictServer::serve_in_memory(std::string_view raw_bytes_in) {
  MemoryStream stream(raw_bytes_in, limits_);
  serve_connection(stream);
  return stream.take_output();
}

}  // namespace formd::http
