// Verifying compact JWS (id_tokens, signed userinfo) against a JWK Set, with
// cjose (Debian's libcjose): no hand-written signature code here.
//
// Contract:
//   - KeySet::parse() reads a JWKS document ({"keys": [...]}) and keeps the
//     public signing keys it can use: RSA keys, and EC keys on P-256. Keys
//     marked "use": "enc" are skipped. Throws OidcError(Malformed) when the
//     document is not a JWKS.
//   - verify_jws() accepts only RS256 (RSA key) and ES256 (P-256 key): "none",
//     HS256 (a public key used as an HMAC secret) and everything else are
//     refused before any verification. The key is the one named by the
//     header's `kid` (UnknownKey when absent from the set, so that the caller
//     can refresh the set once), or, without `kid`, the only key of the
//     matching type. Returns the verified payload as JSON (an object), or
//     throws OidcError: Malformed, BadAlgorithm, UnknownKey, BadSignature.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/oidc/errors.h"

namespace formd::auth::oidc {

class KeySet {
 public:
  struct Key;
  KeySet();
  ~KeySet();
  KeySet(KeySet&&) noexcept;
  KeySet& operator=(KeySet&&) noexcept;
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  static KeySet parse(std::string_view jwks_json);
  [[nodiscard]] std::size_t size() const { return keys_.size(); }
  [[nodiscard]] bool has_kid(const std::string& kid) const;

 private:
  friend nlohmann::json verify_jws(std::string_view compact, const KeySet& keys);
  std::vector<std::unique_ptr<Key>> keys_;
};

// The header of a compact JWS, unverified (to read `kid` and `alg` before choosing a key).
nlohmann::json peek_header(std::string_view compact);

nlohmann::json verify_jws(std::string_view compact, const KeySet& keys);

}  // namespace formd::auth::oidc
