#include "auth/oidc/claims.h"

#include "auth/oidc/errors.h"

namespace formd::auth::oidc {

namespace {

[[noreturn]] void refuse(const std::string& what) { throw OidcError(Reason::BadClaims, "id_token: " + what); }

std::int64_t number_claim(const nlohmann::json& claims, const char* name) {
  if (!claims.contains(name) || !claims[name].is_number()) refuse(std::string(name) + " missing or not a number");
  const double value = claims[name].get<double>();
  if (!(value > 0 && value < 1e11)) refuse(std::string(name) + " out of range");
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::string check_id_token_claims(const nlohmann::json& claims, const ClaimExpectations& expected) {
  if (!claims.is_object()) refuse("claims are not an object");
  if (!claims.contains("iss") || claims["iss"] != expected.issuer) refuse("iss is not the configured issuer");

  const auto& aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
  if (aud.is_string()) {
    if (aud != expected.client_id) refuse("aud is not this client");
  } else if (aud.is_array()) {
    bool found = false;
    for (const auto& a : aud) found = found || a == expected.client_id;
    if (!found) refuse("aud does not include this client");
    if (aud.size() > 1 && claims.contains("azp") && claims["azp"] != expected.client_id) refuse("azp is not this client");
  } else {
    refuse("aud missing");
  }
  if (claims.contains("azp") && claims["azp"] != expected.client_id) refuse("azp is not this client");

  const auto exp = number_claim(claims, "exp");
  if (expected.now >= exp + expected.skew) refuse("expired");
  const auto iat = number_claim(claims, "iat");
  if (iat > expected.now + expected.skew) refuse("issued in the future");
  if (iat < expected.now - expected.max_age - expected.skew) refuse("issued too long ago");

  if (expected.nonce.empty() || !claims.contains("nonce") || claims["nonce"] != expected.nonce) refuse("nonce does not match");

  if (!claims.contains("sub") || !claims["sub"].is_string()) refuse("sub missing");
  const std::string sub = claims["sub"];
  if (sub.empty() || sub.size() > 255) refuse("sub empty or too long");
  return sub;
}

}  // namespace formd::auth::oidc
