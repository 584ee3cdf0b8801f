#include "auth/tokens.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace formd::auth {

namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

std::string sha256_hex(std::string_view a, std::string_view b = {}) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 && EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out.data(), &size) == 1;
  EVP_MD_CTX_free(ctx);
  // libcrypto's SHA-256 fails only when memory is exhausted.
  if (!ok) throw std::runtime_error("SHA-256 computation failed");
  return hex(out.data(), size);
}

}  // namespace

std::string new_token() {
  std::array<unsigned char, kTokenHexLength / 2> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "reading random bytes for a token");
    }
    filled += static_cast<std::size_t>(got);
  }
  return hex(bytes.data(), bytes.size());
}

std::string digest(std::string_view token) { return sha256_hex(token); }

std::string csrf_token(std::string_view session_token) {
  // Domain-separated from digest(): the CSRF token (shown in every page)
  // is not the value the database keeps.
  return sha256_hex("formd csrf token\n", session_token);
}

std::string sign(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), out.data(), &size)) {
    throw std::runtime_error("HMAC-SHA256 computation failed");
  }
  return hex(out.data(), size);
}

bool looks_like_token(std::string_view text) {
  if (text.size() != kTokenHexLength) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace formd::auth
