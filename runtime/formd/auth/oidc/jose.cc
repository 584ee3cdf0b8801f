#include "auth/oidc/jose.h"

#include <cjose/cjose.h>

namespace formd::auth::oidc {

const char* reason_name(Reason reason) {
  switch (reason) {
    case Reason::Malformed: return "malformed";
    case Reason::BadAlgorithm: return "bad_algorithm";
    case Reason::UnknownKey: return "unknown_key";
    case Reason::BadSignature: return "bad_signature";
    case Reason::BadClaims: return "bad_claims";
    case Reason::Provider: return "provider_error";
    case Reason::Unreachable: return "unreachable";
  }
  return "unknown";
}

namespace {

struct JwkDeleter {
  void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
struct JwsDeleter {
  void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};

enum class KeyType { Rsa, EcP256 };

std::string base64url_decode(std::string_view in) {
  uint8_t* out = nullptr;
  size_t out_len = 0;
  cjose_err err;
  if (!cjose_base64url_decode(in.data(), in.size(), &out, &out_len, &err)) {
    throw OidcError(Reason::Malformed, "JWS segment is not base64url");
  }
  std::string text(reinterpret_cast<const char*>(out), out_len);
  cjose_get_dealloc()(out);
  return text;
}

}  // namespace

struct KeySet::Key {
  std::string kid;
  KeyType type;
  std::unique_ptr<cjose_jwk_t, JwkDeleter> jwk;
};

KeySet::KeySet() = default;
KeySet::~KeySet() = default;
KeySet::KeySet(KeySet&&) noexcept = default;
KeySet& KeySet::operator=(KeySet&&) noexcept = default;

KeySet KeySet::parse(std::string_view jwks_json) {
  const auto doc = nlohmann::json::parse(jwks_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    throw OidcError(Reason::Malformed, "JWKS document without a keys array");
  }
  KeySet set;
  for (const auto& entry : doc["keys"]) {
    if (!entry.is_object() || !entry.contains("kty") || !entry["kty"].is_string()) continue;
    if (entry.contains("use") && entry["use"] != "sig") continue;
    // Only public halves: a JWKS that publishes private parts is a provider bug we do not want to load.
    if (entry.contains("d")) continue;
    KeyType type;
    const std::string kty = entry["kty"];
    if (kty == "RSA") {
      type = KeyType::Rsa;
    } else if (kty == "EC" && entry.value("crv", std::string()) == "P-256") {
      type = KeyType::EcP256;
    } else {
      continue;
    }
    const std::string text = entry.dump();
    cjose_err err;
    std::unique_ptr<cjose_jwk_t, JwkDeleter> jwk(cjose_jwk_import(text.data(), text.size(), &err));
    if (!jwk) continue;
    auto key = std::make_unique<Key>();
    key->kid = entry.contains("kid") && entry["kid"].is_string() ? entry["kid"].get<std::string>() : std::string();
    key->type = type;
    key->jwk = std::move(jwk);
    set.keys_.push_back(std::move(key));
  }
  return set;
}

bool KeySet::has_kid(const std::string& kid) const {
  for (const auto& key : keys_) {
    if (key->kid == kid) return true;
  }
  return false;
}

nlohmann::json peek_header(std::string_view compact) {
  const auto dot = compact.find('.');
  if (dot == std::string_view::npos || dot == 0) throw OidcError(Reason::Malformed, "not a compact JWS");
  auto header = nlohmann::json::parse(base64url_decode(compact.substr(0, dot)), nullptr, false);
  if (!header.is_object()) throw OidcError(Reason::Malformed, "JWS header is not a JSON object");
  return header;
}

nlohmann::json verify_jws(std::string_view compact, const KeySet& keys) {
  if (compact.size() > 64 * 1024) throw OidcError(Reason::Malformed, "JWS too long");
  const auto header = peek_header(compact);
  const std::string alg = header.contains("alg") && header["alg"].is_string() ? header["alg"].get<std::string>() : "";
  KeyType wanted;
  if (alg == "RS256") {
    wanted = KeyType::Rsa;
  } else if (alg == "ES256") {
    wanted = KeyType::EcP256;
  } else {
    throw OidcError(Reason::BadAlgorithm, "JWS algorithm '" + alg + "' is not accepted (RS256, ES256 only)");
  }
  if (header.contains("crit")) throw OidcError(Reason::Malformed, "JWS with critical header parameters");

  const KeySet::Key* chosen = nullptr;
  if (header.contains("kid")) {
    if (!header["kid"].is_string()) throw OidcError(Reason::Malformed, "JWS kid is not a string");
    const std::string kid = header["kid"];
    for (const auto& key : keys.keys_) {
      if (key->kid == kid) {
        chosen = key.get();
        break;
      }
    }
    if (!chosen) throw OidcError(Reason::UnknownKey, "no key with kid '" + kid + "' in the provider's JWKS");
  } else {
    for (const auto& key : keys.keys_) {
      if (key->type != wanted) continue;
      if (chosen) throw OidcError(Reason::UnknownKey, "JWS without kid and several candidate keys");
      chosen = key.get();
    }
    if (!chosen) throw OidcError(Reason::UnknownKey, "JWS without kid and no key of its type");
  }
  if (chosen->type != wanted) throw OidcError(Reason::BadAlgorithm, "JWS algorithm " + alg + " does not match its key's type");

  cjose_err err;
  std::unique_ptr<cjose_jws_t, JwsDeleter> jws(cjose_jws_import(compact.data(), compact.size(), &err));
  if (!jws) throw OidcError(Reason::Malformed, std::string("JWS rejected by cjose: ") + (err.message ? err.message : "?"));
  if (!cjose_jws_verify(jws.get(), chosen->jwk.get(), &err)) {
    throw OidcError(Reason::BadSignature, "JWS signature does not verify");
  }
  uint8_t* plaintext = nullptr;  // owned by jws
  size_t plaintext_len = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &plaintext_len, &err)) {
    throw OidcError(Reason::Malformed, "JWS without payload");
  }
  auto payload = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(plaintext), plaintext_len), nullptr, false);
  if (!payload.is_object()) throw OidcError(Reason::Malformed, "JWS payload is not a JSON object");
  return payload;
}

}  // namespace formd::auth::oidc
