// A streaming SHA-256 of a sequence of values, for fingerprints.
//
// Contract: every value is fed with its length (or as a fixed-width integer),
// so that two different sequences never feed the same bytes ("ab","c" and
// "a","bc" differ). hex() ends the digest and returns it in lower-case hex;
// the Digest must not be fed afterwards. Same sequence, same hex, on every
// run and machine (integers are fed little-endian whatever the host).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace formc::support {

class Digest {
 public:
  Digest();
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  Digest& add(std::string_view text);
  Digest& add(const std::string& text) { return add(std::string_view(text)); }
  Digest& add(const char* text) { return add(std::string_view(text)); }
  Digest& add_int(std::int64_t value);
  Digest& add(bool value) { return add_int(value ? 1 : 0); }
  template <typename T>
  Digest& add(const std::optional<T>& value) {
    add(value.has_value());
    if (value) add(*value);
    return *this;
  }
  Digest& add(std::int64_t value) { return add_int(value); }
  Digest& add(const std::vector<std::string>& list);

  [[nodiscard]] std::string hex();

 private:
  void flush();

  struct Context;
  std::unique_ptr<Context> context_;
  // Values are gathered here and hashed in large pieces (fewer EVP calls).
  std::string buffer_;
};

}  // namespace formc::support
