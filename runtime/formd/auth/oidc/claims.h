// The checks OpenID Connect Core §3.1.3.7 asks of an id_token's claims,
// once its signature is verified (jose.h).
//
// Contract: check_id_token_claims() throws OidcError(BadClaims) unless
//   - iss equals the issuer formd was configured with (exactly),
//   - aud is the client id, or an array holding it (then azp, when present,
//     must be the client id too),
//   - exp is a number and now < exp + skew,
//   - iat is a number, not in the future by more than skew, and not older
//     than max_age (a token minted long ago is not a fresh login),
//   - nonce equals the nonce of this login attempt,
//   - sub is a non-empty string of at most 255 characters.
// Returns `sub`.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace formd::auth::oidc {

struct ClaimExpectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  std::int64_t now = 0;         // unix seconds
  std::int64_t skew = 120;      // the clock difference tolerated, both ways
  std::int64_t max_age = 600;   // how old iat may be
};

std::string check_id_token_claims(const nlohmann::json& claims, const ClaimExpectations& expected);

}  // namespace formd::auth::oidc
