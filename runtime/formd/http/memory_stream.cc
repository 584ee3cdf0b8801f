#include "http/memory_stream.h"

#include <algorithm>
#include <cstring>

namespace formd::http {

namespace {
constexpr const char* kLoopback = "127.0.0.1";
}

ssize_t MemoryStream::write(const char* ptr, size_t size) {
  output_.append(ptr, size);
  return static_cast<ssize_t>(size);
}

void MemoryStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = kLoopback;
  port = 0;
}

void MemoryStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = kLoopback;
  port = 0;
}

ssize_t MemoryStream::read_some(char* ptr, std::size_t size, Clock::time_point /*deadline: no time passes*/) {
  if (read_ >= input_.size()) return -1;  // the peer closed its side
  const std::size_t n = std::min(size, input_.size() - read_);
  std::memcpy(ptr, input_.data() + read_, n);
  read_ += n;
  return static_cast<ssize_t>(n);
}

}  // namespace formd::http
