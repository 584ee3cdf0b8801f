#include "auth/oidc/relying_party.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/sha.h>

#include "auth/oidc/claims.h"

namespace formd::auth::oidc {

namespace {

std::string base64url(const unsigned char* data, std::size_t len) {
  char* out = nullptr;
  size_t out_len = 0;
  cjose_err err;
  if (!cjose_base64url_encode(data, len, &out, &out_len, &err)) throw OidcError(Reason::Malformed, "base64url");
  std::string text(out, out_len);
  cjose_get_dealloc()(out);
  return text;
}

std::string string_field(const nlohmann::json& doc, const char* name, bool required) {
  if (doc.contains(name) && doc[name].is_string()) return doc[name].get<std::string>();
  if (required) throw OidcError(Reason::Malformed, std::string("provider metadata without ") + name);
  return {};
}

std::string with_query(const std::string& url, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : params) {
    out += sep;
    out += form_encode(name) + "=" + form_encode(value);
    sep = '&';
  }
  return out;
}

std::string claim_text(const nlohmann::json& claims, const char* name) {
  return claims.contains(name) && claims[name].is_string() ? claims[name].get<std::string>() : std::string();
}

bool is_jwt_type(const std::string& content_type) {
  return content_type.rfind("application/jwt", 0) == 0;
}

}  // namespace

std::string pkce_challenge(const std::string& code_verifier) {
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(code_verifier.data()), code_verifier.size(), hash);
  return base64url(hash, sizeof hash);
}

RelyingParty::RelyingParty(RelyingPartyConfig config, Fetch fetch, Clock clock)
    : config_(std::move(config)), fetch_(std::move(fetch)), clock_(std::move(clock)) {
  while (!config_.issuer.empty() && config_.issuer.back() == '/') config_.issuer.pop_back();
  if (!clock_) {
    clock_ = [] {
      return static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    };
  }
}

nlohmann::json RelyingParty::fetch_json(const std::string& url, const std::string& what) {
  HttpCall call;
  call.url = url;
  call.timeout_ms = config_.timeout_ms;
  call.headers = {"Accept: application/json"};
  const auto answer = fetch_(call);
  if (answer.status != 200) throw OidcError(Reason::Unreachable, what + " answered HTTP " + std::to_string(answer.status));
  auto doc = nlohmann::json::parse(answer.body, nullptr, false);
  if (!doc.is_object()) throw OidcError(Reason::Malformed, what + " is not a JSON object");
  return doc;
}

ProviderMetadata RelyingParty::metadata() {
  {
    std::lock_guard lock(mutex_);
    if (metadata_) return *metadata_;
  }
  const auto doc = fetch_json(config_.issuer + "/.well-known/openid-configuration", "discovery");
  ProviderMetadata m;
  m.issuer = string_field(doc, "issuer", true);
  // OpenID Connect Discovery §4.3: the document must name the issuer we asked.
  if (m.issuer != config_.issuer) throw OidcError(Reason::Malformed, "discovery names issuer " + m.issuer);
  m.authorization_endpoint = string_field(doc, "authorization_endpoint", true);
  m.token_endpoint = string_field(doc, "token_endpoint", true);
  m.jwks_uri = string_field(doc, "jwks_uri", true);
  m.userinfo_endpoint = string_field(doc, "userinfo_endpoint", false);
  m.end_session_endpoint = string_field(doc, "end_session_endpoint", false);
  if (doc.contains("token_endpoint_auth_methods_supported") && doc["token_endpoint_auth_methods_supported"].is_array()) {
    bool basic = false, post = false;
    for (const auto& method : doc["token_endpoint_auth_methods_supported"]) {
      basic = basic || method == "client_secret_basic";
      post = post || method == "client_secret_post";
    }
    // ProConnect registers its clients with client_secret_post: use it whenever offered.
    m.client_secret_post = post;
    (void)basic;
  }
  std::lock_guard lock(mutex_);
  metadata_ = m;
  return m;
}

std::string RelyingParty::authorization_url(const std::string& state, const std::string& nonce,
                                            const std::string& code_verifier) {
  const auto m = metadata();
  return with_query(m.authorization_endpoint, {{"response_type", "code"},
                                               {"client_id", config_.client_id},
                                               {"redirect_uri", config_.redirect_uri},
                                               {"scope", config_.scopes},
                                               {"state", state},
                                               {"nonce", nonce},
                                               {"code_challenge", pkce_challenge(code_verifier)},
                                               {"code_challenge_method", "S256"}});
}

nlohmann::json RelyingParty::verify(const std::string& compact) {
  const auto m = metadata();
  {
    std::lock_guard lock(mutex_);
    if (keys_) {
      try {
        return verify_jws(compact, *keys_);
      } catch (const OidcError& e) {
        if (e.reason() != Reason::UnknownKey) throw;
      }
    }
  }
  // First use, or an unknown kid: the provider may have rotated its keys. Fetched once per token.
  auto fresh = KeySet::parse(fetch_json(m.jwks_uri, "JWKS").dump());
  std::lock_guard lock(mutex_);
  keys_ = std::move(fresh);
  return verify_jws(compact, *keys_);
}

Identity RelyingParty::complete_login(const std::string& code, const std::string& code_verifier, const std::string& nonce) {
  const auto m = metadata();
  HttpCall call;
  call.url = m.token_endpoint;
  call.timeout_ms = config_.timeout_ms;
  call.form = {{"grant_type", "authorization_code"},
               {"code", code},
               {"redirect_uri", config_.redirect_uri},
               {"code_verifier", code_verifier}};
  if (m.client_secret_post) {
    call.form.emplace_back("client_id", config_.client_id);
    call.form.emplace_back("client_secret", config_.client_secret);
  } else {
    const std::string credentials = form_encode(config_.client_id) + ":" + form_encode(config_.client_secret);
    call.headers.push_back("Authorization: Basic " + [&] {
      // Standard base64 for HTTP Basic (RFC 6749 §2.3.1 form-encodes id and secret first).
      char* out = nullptr;
      size_t out_len = 0;
      cjose_err err;
      if (!cjose_base64_encode(reinterpret_cast<const uint8_t*>(credentials.data()), credentials.size(), &out, &out_len, &err)) {
        throw OidcError(Reason::Malformed, "base64");
      }
      std::string text(out, out_len);
      cjose_get_dealloc()(out);
      return text;
    }());
  }
  call.headers.push_back("Accept: application/json");
  const auto answer = fetch_(call);
  const auto tokens = nlohmann::json::parse(answer.body, nullptr, false);
  if (answer.status != 200) {
    const std::string error = tokens.is_object() ? claim_text(tokens, "error") : std::string();
    throw OidcError(answer.status >= 500 ? Reason::Unreachable : Reason::Provider,
                    "token endpoint answered HTTP " + std::to_string(answer.status) + (error.empty() ? "" : " " + error));
  }
  if (!tokens.is_object()) throw OidcError(Reason::Malformed, "token answer is not JSON");
  const std::string id_token = claim_text(tokens, "id_token");
  const std::string access_token = claim_text(tokens, "access_token");
  if (id_token.empty() || access_token.empty()) throw OidcError(Reason::Malformed, "token answer without id_token or access_token");

  const auto claims = verify(id_token);
  ClaimExpectations expected;
  expected.issuer = config_.issuer;
  expected.client_id = config_.client_id;
  expected.nonce = nonce;
  expected.now = clock_();
  expected.skew = config_.skew_seconds;
  Identity identity;
  identity.sub = check_id_token_claims(claims, expected);
  identity.id_token = id_token;

  nlohmann::json info = claims;
  if (!m.userinfo_endpoint.empty()) {
    HttpCall ui;
    ui.url = m.userinfo_endpoint;
    ui.timeout_ms = config_.timeout_ms;
    ui.headers = {"Authorization: Bearer " + access_token, "Accept: application/jwt, application/json"};
    const auto got = fetch_(ui);
    if (got.status != 200) {
      throw OidcError(got.status >= 500 ? Reason::Unreachable : Reason::Provider,
                      "userinfo answered HTTP " + std::to_string(got.status));
    }
    if (is_jwt_type(got.content_type)) {
      std::string compact = got.body;
      while (!compact.empty() && (compact.back() == '\n' || compact.back() == '\r' || compact.back() == ' ')) compact.pop_back();
      info = verify(compact);
      // A signed userinfo names its issuer and audience (OIDC Core §5.3.2).
      if (info.contains("iss") && info["iss"] != config_.issuer) throw OidcError(Reason::BadClaims, "userinfo: iss");
      if (info.contains("aud")) {
        const auto& aud = info["aud"];
        const bool ok = aud == config_.client_id ||
                        (aud.is_array() && std::find(aud.begin(), aud.end(), config_.client_id) != aud.end());
        if (!ok) throw OidcError(Reason::BadClaims, "userinfo: aud");
      }
    } else {
      info = nlohmann::json::parse(got.body, nullptr, false);
      if (!info.is_object()) throw OidcError(Reason::Malformed, "userinfo is not JSON");
    }
    // OIDC Core §5.3.4: userinfo's sub must be the id_token's.
    if (claim_text(info, "sub") != identity.sub) throw OidcError(Reason::BadClaims, "userinfo: sub differs from the id_token's");
  }
  identity.email = claim_text(info, "email");
  identity.given_name = claim_text(info, "given_name");
  identity.usual_name = claim_text(info, "usual_name");
  identity.siret = claim_text(info, "siret");
  // Not a ProConnect claim today; taken when a provider adds it.
  identity.organization_name = claim_text(info, "organizational_unit");
  return identity;
}

std::string RelyingParty::end_session_url(const std::string& id_token_hint, const std::string& post_logout_redirect_uri,
                                          const std::string& state) {
  const auto m = metadata();
  if (m.end_session_endpoint.empty()) return {};
  return with_query(m.end_session_endpoint,
                    {{"id_token_hint", id_token_hint}, {"post_logout_redirect_uri", post_logout_redirect_uri}, {"state", state}});
}

}  // namespace formd::auth::oidc
