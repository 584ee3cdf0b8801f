#include "support/digest.h"

#include <array>
#include <new>
#include <stdexcept>

#include <openssl/evp.h>

namespace formc::support {

struct Digest::Context {
  EVP_MD_CTX* ctx = nullptr;
};

namespace {
constexpr std::size_t kBufferSize = 1 << 16;
}

Digest::Digest() : context_(std::make_unique<Context>()) {
  context_->ctx = EVP_MD_CTX_new();
  if (context_->ctx == nullptr) throw std::bad_alloc();
  // SHA-256 from the system's libcrypto cannot fail short of memory exhaustion.
  if (EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 initialisation failed");
  buffer_.reserve(kBufferSize);
}

Digest::~Digest() { EVP_MD_CTX_free(context_->ctx); }

void Digest::flush() {
  if (buffer_.empty()) return;
  if (EVP_DigestUpdate(context_->ctx, buffer_.data(), buffer_.size()) != 1) throw std::runtime_error("SHA-256 update failed");
  buffer_.clear();
}

Digest& Digest::add_int(std::int64_t value) {
  auto bits = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i, bits >>= 8) buffer_ += static_cast<char>(bits & 0xff);
  if (buffer_.size() >= kBufferSize) flush();
  return *this;
}

Digest& Digest::add(std::string_view text) {
  add_int(static_cast<std::int64_t>(text.size()));
  if (buffer_.size() + text.size() > kBufferSize) {
    flush();
    if (text.size() >= kBufferSize) {
      if (EVP_DigestUpdate(context_->ctx, text.data(), text.size()) != 1) throw std::runtime_error("SHA-256 update failed");
      return *this;
    }
  }
  buffer_.append(text);
  return *this;
}

Digest& Digest::add(const std::vector<std::string>& list) {
  add_int(static_cast<std::int64_t>(list.size()));
  for (const auto& item : list) add(item);
  return *this;
}

std::string Digest::hex() {
  flush();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx, digest.data(), &length) != 1) throw std::runtime_error("SHA-256 computation failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace formc::support
