// The one error type of the OpenID Connect relying party. `reason` says
// which check failed (for logs and tests); what() is an English detail for
// the log line. Users only ever see the French error page (server side).
#pragma once

#include <stdexcept>
#include <string>

namespace formd::auth::oidc {

enum class Reason {
  Malformed,     // not a JWS / JSON / JWKS, a missing field
  BadAlgorithm,  // alg none, HS256, or an alg that does not match the key
  UnknownKey,    // no key with that kid, even after refreshing the JWKS
  BadSignature,  // the signature does not verify
  BadClaims,     // iss, aud, exp, iat, nonce, sub
  Provider,      // the provider answered an error (e.g. invalid_grant for a reused code)
  Unreachable,   // network error or timeout talking to the provider
};

class OidcError : public std::runtime_error {
 public:
  OidcError(Reason reason, const std::string& what) : std::runtime_error(what), reason_(reason) {}
  [[nodiscard]] Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

const char* reason_name(Reason reason);

}  // namespace formd::auth::oidc
