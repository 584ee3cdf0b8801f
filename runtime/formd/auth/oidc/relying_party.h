// formd as an OpenID Connect relying party of ProConnect (or any issuer
// configured like it): discovery, the authorization URL, the code exchange,
// the id_token's and userinfo's verification, the end_session URL.
//
// Contract:
//   - Thread-safe: discovery metadata and the JWKS are cached behind a mutex;
//     discovery is retried at the next call when it failed; the JWKS is
//     fetched again once when a token names an unknown `kid` (key rotation).
//   - authorization_url(): the provider's authorization endpoint with
//     response_type=code, the scopes, redirect_uri, state, nonce and the PKCE
//     S256 challenge of `code_verifier`.
//   - complete_login(): exchanges the code (client secret, PKCE verifier),
//     verifies the id_token (jose.h, claims.h), then reads userinfo (JSON, or
//     a JWT verified the same way whose `sub` must be the id_token's) and
//     returns the identity. Any failure throws OidcError; nothing is half done.
//   - end_session_url(): the provider's logout with id_token_hint,
//     post_logout_redirect_uri and state; empty when the provider has none.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/oidc/errors.h"
#include "auth/oidc/http_fetch.h"
#include "auth/oidc/jose.h"

namespace formd::auth::oidc {

struct RelyingPartyConfig {
  std::string issuer;         // e.g. https://fca.integ01.dev-agentconnect.fr/api/v2
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;   // <public url>/auth/proconnect/callback
  std::string scopes = "openid email given_name usual_name siret uid idp_id";
  long timeout_ms = 5000;
  std::int64_t skew_seconds = 120;
};

struct ProviderMetadata {
  std::string issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri, end_session_endpoint;
  bool client_secret_post = false;  // the token endpoint takes the secret in the body (ProConnect)
};

// Who logged in, in ProConnect's claim names.
struct Identity {
  std::string sub;
  std::string email;
  std::string given_name;
  std::string usual_name;
  std::string siret;           // empty when the provider gave none
  std::string organization_name;  // empty unless a claim gives it
  std::string id_token;        // kept for the logout's id_token_hint
};

// base64url(SHA-256(verifier)), no padding (RFC 7636 S256).
std::string pkce_challenge(const std::string& code_verifier);

class RelyingParty {
 public:
  using Fetch = std::function<HttpAnswer(const HttpCall&)>;
  using Clock = std::function<std::int64_t()>;
  explicit RelyingParty(RelyingPartyConfig config, Fetch fetch = http_fetch, Clock clock = {});

  [[nodiscard]] const RelyingPartyConfig& config() const { return config_; }
  ProviderMetadata metadata();
  std::string authorization_url(const std::string& state, const std::string& nonce, const std::string& code_verifier);
  Identity complete_login(const std::string& code, const std::string& code_verifier, const std::string& nonce);
  std::string end_session_url(const std::string& id_token_hint, const std::string& post_logout_redirect_uri,
                              const std::string& state);
  // Verifies a compact JWS of this issuer (refreshing the JWKS once on an unknown kid).
  nlohmann::json verify(const std::string& compact);

 private:
  nlohmann::json fetch_json(const std::string& url, const std::string& what);
  RelyingPartyConfig config_;
  Fetch fetch_;
  Clock clock_;
  std::mutex mutex_;
  std::optional<ProviderMetadata> metadata_;
  std::optional<KeySet> keys_;
};

}  // namespace formd::auth::oidc
