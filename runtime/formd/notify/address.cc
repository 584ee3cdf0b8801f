#include "notify/address.h"

#include <cstddef>

namespace formd::notify {

namespace {

constexpr std::size_t kMaxAddress = 254;
constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 §3.2.3 atext.
bool is_atext(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_host_name(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomain) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = '\0';
  for (char c : text) {
    if (c == '.') {
      if (previous == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

bool is_valid_address(std::string_view text) {
  if (text.size() > kMaxAddress) return false;
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  // A second '@' lands in `local`, where it is not atext: refused there.
  return local.size() <= kMaxLocalPart && is_dot_atom(local) && is_host_name(domain);
}

}  // namespace formd::notify
