// ProConnect login (issue 13): GET /auth/proconnect starts the authorization
// code flow, GET /auth/proconnect/callback completes it; the organisations
// page ("Changer d'organisation"); the session cookie's name and attributes.
//
// The login attempt (state, nonce, PKCE verifier, where to go after) travels
// in a short-lived cookie signed with the server's login-form key, bound to
// the browser that started it; the callback clears it whatever happens, so a
// callback replayed with it meets the provider's refusal of a reused code.
// Every failure ends on the French error page with "Réessayer" and a log
// line, and signs nobody in: the session is only created once every check
// passed.
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <vector>
#include <iostream>

#include "auth/oidc/errors.h"
#include "auth/tokens.h"
#include "formc/runtime/formats.h"
#include "formc/runtime/strings.h"
#include "http/messages.h"
#include "server/app.h"
#include "web/view.h"

namespace formd {

namespace {

constexpr long kAttemptSeconds = 600;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string to_hex(std::string_view text) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : text) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = value(hex[i]), lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

struct Attempt {
  std::string state, nonce, verifier, next;
  std::int64_t expires = 0;
};

}  // namespace

bool App::secure_cookies() const { return options_.public_url.rfind("https://", 0) == 0; }

std::string App::cookie_name(std::string_view base) const {
  // Behind HTTPS: the __Host- prefix makes browsers refuse the cookie unless
  // it is Secure, for this exact host and Path=/ (no subdomain can set it).
  return (secure_cookies() ? "__Host-" : "") + std::string(base);
}

void App::set_session_cookie(httplib::Response& res, std::string_view value, long max_age_seconds) const {
  res.set_header("Set-Cookie", cookie_name("formd_session") + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Lax" +
                                   (secure_cookies() ? "; Secure" : "") + "; Max-Age=" + std::to_string(max_age_seconds));
}

void App::send_proconnect_error(httplib::Response& res, int status, const std::string& message, const std::string& log,
                                const Caller& caller) {
  std::cerr << "formd: ProConnect login refused: " << log << "\n";
  pages::PageShell page;
  page.title = "Connexion impossible";
  web::Data data;
  data.set("message", message);
  page.body_html = web::render("login_proconnect_error", data);
  send_page(res, status, std::move(page), caller);
}

void App::proconnect_start(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  Attempt attempt{auth::new_token(), auth::new_token(), auth::new_token(), "/demandes", unix_now() + kAttemptSeconds};
  if (req.has_param("suite")) {
    const std::string next = local_redirect_target(req.get_param_value("suite"));
    if (next.size() <= 200) attempt.next = next;
  }
  std::string url;
  try {
    url = options_.proconnect->authorization_url(attempt.state, attempt.nonce, attempt.verifier);
  } catch (const std::exception& e) {
    return send_proconnect_error(res, 502,
                                 "ProConnect ne répond pas pour le moment. Réessayez dans quelques instants.",
                                 std::string("discovery: ") + e.what(), caller);
  }
  const std::string payload = attempt.state + "|" + attempt.nonce + "|" + attempt.verifier + "|" +
                              std::to_string(attempt.expires) + "|" + attempt.next;
  const std::string value = to_hex(payload) + "." + auth::sign(login_form_key_, "proconnect|" + payload);
  res.set_header("Set-Cookie", cookie_name("formd_proconnect") + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" +
                                   (secure_cookies() ? "; Secure" : "") + "; Max-Age=" + std::to_string(kAttemptSeconds));
  http::redirect(res, url);
}

void App::proconnect_callback(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  // Single use: cleared whatever the outcome.
  res.set_header("Set-Cookie", cookie_name("formd_proconnect") + "=; Path=/; HttpOnly; SameSite=Lax" +
                                   (secure_cookies() ? "; Secure" : "") + "; Max-Age=0");
  const std::string retry = "La connexion avec ProConnect n’a pas abouti. Recommencez la connexion.";
  if (req.has_param("error")) {
    return send_proconnect_error(res, 400, retry, "the provider answered error=" + req.get_param_value("error"), caller);
  }
  // The attempt this browser started, signed by us and not expired.
  std::optional<Attempt> attempt;
  if (const auto cookie = http::cookie(req, cookie_name("formd_proconnect")); cookie && cookie->size() < 4096) {
    const auto dot = cookie->find('.');
    std::optional<std::string> payload;
    if (dot != std::string::npos) payload = from_hex(std::string_view(*cookie).substr(0, dot));
    if (payload && http::same_secret(cookie->substr(dot + 1), auth::sign(login_form_key_, "proconnect|" + *payload))) {
      Attempt a;
      std::size_t from = 0;
      std::vector<std::string> parts;
      for (int i = 0; i < 4; ++i) {
        const auto bar = payload->find('|', from);
        if (bar == std::string::npos) break;
        parts.push_back(payload->substr(from, bar - from));
        from = bar + 1;
      }
      if (parts.size() == 4) {
        a.state = parts[0];
        a.nonce = parts[1];
        a.verifier = parts[2];
        a.expires = std::atoll(parts[3].c_str());
        a.next = payload->substr(from);
        if (a.expires > unix_now()) attempt = a;
      }
    }
  }
  if (!attempt) return send_proconnect_error(res, 400, retry, "no valid login attempt cookie (expired, absent or forged)", caller);
  const std::string state = req.has_param("state") ? req.get_param_value("state") : "";
  if (!http::same_secret(state, attempt->state)) return send_proconnect_error(res, 400, retry, "state does not match", caller);
  const std::string code = req.has_param("code") ? req.get_param_value("code") : "";
  if (code.empty() || code.size() > 2048) return send_proconnect_error(res, 400, retry, "no code", caller);

  auth::oidc::Identity identity;
  try {
    identity = options_.proconnect->complete_login(code, attempt->verifier, attempt->nonce);
  } catch (const auth::oidc::OidcError& e) {
    const bool down = e.reason() == auth::oidc::Reason::Unreachable;
    return send_proconnect_error(res, down ? 502 : 400,
                                 down ? "ProConnect ne répond pas pour le moment. Réessayez dans quelques instants." : retry,
                                 std::string(auth::oidc::reason_name(e.reason())) + ": " + e.what(), caller);
  }
  std::string email = identity.email;
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string name = identity.given_name;
  if (!identity.usual_name.empty()) name += (name.empty() ? "" : " ") + identity.usual_name;
  if (!formc::rt::is_valid_email(email)) {
    return send_proconnect_error(res, 400, "Votre compte ProConnect ne donne pas d’adresse électronique valide.",
                                 "claims without a valid email", caller);
  }
  if (!formc::rt::is_valid_siret(identity.siret)) {
    return send_proconnect_error(res, 400,
                                 "Votre compte ProConnect ne précise pas le SIRET de votre organisation : DataPass en a besoin.",
                                 "claims without a valid siret", caller);
  }
  if (!formc::rt::is_valid_utf8(name) || name.size() > 200) name = email;
  storage::OidcLogin login{options_.proconnect->config().issuer, identity.sub, email, name, identity.siret,
                           formc::rt::is_valid_utf8(identity.organization_name) ? identity.organization_name : ""};
  const auto user = store_.sign_in_oidc_user(login);
  if (!user) {
    return send_proconnect_error(res, 409, "Cette adresse électronique est déjà celle d’un autre compte. Contactez le support DataPass.",
                                 "email " + email + " belongs to another subject", caller);
  }
  // A new session at login (no session fixation): the one the browser came with is ended.
  if (caller.session) store_.delete_session(caller.session->token_digest);
  start_session(*user, res, identity.id_token);
  std::cerr << "formd: ProConnect login of user " << user->id << " (organisation " << user->organization_siret << ")\n";
  http::redirect(res, attempt->next);
}

void App::organisations_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                             const PostedForm& form) {
  if (req.method == "POST") {
    const std::string siret = http::form_value(form.pairs, "siret");
    const auto user = store_.select_organization(caller.user->id, siret);
    if (!user) {
      return send_error_page(res, 404, "Organisation introuvable", "Vous n’appartenez pas à cette organisation.", caller);
    }
    // A new session on organisation change: what was authorised before is not carried over.
    const std::string id_token = store_.session_id_token(caller.session->token_digest);
    store_.delete_session(caller.session->token_digest);
    start_session(*user, res, id_token);
    return http::redirect(res, "/demandes");
  }
  web::List list;
  for (const auto& organization : store_.organizations_of(caller.user->id)) {
    web::Data item;
    item.set("siret", organization.siret);
    item.set("label", organization.name.empty() ? "Organisation" : organization.name);
    item.set("current", organization.siret == caller.user->organization_siret);
    item.set("csrf", caller.csrf_token);
    list.push_back(item);
  }
  web::Data data;
  data.set("organisations", list);
  data.set("has_proconnect", options_.proconnect != nullptr);
  data.set("csrf", caller.csrf_token);
  pages::PageShell page;
  page.title = "Changer d’organisation";
  page.body_html = web::render("organisations", data);
  send_page(res, 200, std::move(page), caller);
}

void App::install_proconnect(http::Router& router) {
  router.get("/organisations", this->page(PageAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res,
                                                                      const Caller& caller, const PostedForm& form) {
    organisations_page(req, res, caller, form);
  }));
  router.post("/organisations/choisir", this->page(PageAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res,
                                                                               const Caller& caller, const PostedForm& form) {
    organisations_page(req, res, caller, form);
  }));
  if (!options_.proconnect) return;
  router.get("/auth/proconnect", [this](const httplib::Request& req, httplib::Response& res) { proconnect_start(req, res); });
  router.get("/auth/proconnect/callback",
             [this](const httplib::Request& req, httplib::Response& res) { proconnect_callback(req, res); });
}

}  // namespace formd
