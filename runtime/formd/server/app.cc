#include "server/app.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "auth/tokens.h"

#include "http/messages.h"
#include "server/static_assets.h"

namespace formd {

namespace {

constexpr std::string_view kSessionCookie = "formd_session";
// The login form's double-submit cookie: a random nonce, whose HMAC under a
// server secret is the form's `_csrf` value.
constexpr std::string_view kLoginCookie = "formd_login";
constexpr long kLoginCookieSeconds = 3600;

// A GET route path: letters, digits and - _ . / only, then an optional query
// of printable ASCII. No scheme, no host, no backslash, no space or control
// character (browsers drop tabs and newlines from URLs, which turns
// "/\t/evil.example" into "//evil.example").
bool is_plain_local_target(const std::string& next) {
  if (next.empty() || next.size() > 1024 || next[0] != '/') return false;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
  const std::size_t query = next.find('?');
  for (std::size_t i = 0; i < next.size(); ++i) {
    const auto c = static_cast<unsigned char>(next[i]);
    if (c <= 0x20 || c >= 0x7f || c == '\\') return false;
    if (i < query && !(std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

}  // namespace

App::App(catalog::CatalogSource& catalogs, storage::Store& store, AppOptions options)
    : catalogs_(catalogs), store_(store), options_(std::move(options)),
      instruction_(store, catalogs, options_.public_url),
      submission_(store, catalogs, options_.public_url) {
  login_form_key_ = store_.server_secret("login_form_key", auth::new_token());
  if (options_.proconnect) {
    // scheme://host[:port] of the issuer: ProConnect serves its authorization
    // and end_session endpoints there (the CSP's form-action must allow it).
    const std::string& issuer = options_.proconnect->config().issuer;
    const auto authority = issuer.find("://");
    if (authority != std::string::npos) login_origin_ = issuer.substr(0, issuer.find('/', authority + 3));
  }
}

pages::Viewer App::Caller::viewer() const {
  pages::Viewer v;
  v.csrf_token = csrf_token;
  if (user) {
    v.logged_in = true;
    v.name = user->name;
    v.email = user->email;
    v.organization_siret = user->organization_siret;
  }
  return v;
}

App::Caller App::identify(const httplib::Request& req) {
  Caller caller;
  const auto token = http::cookie(req, cookie_name(kSessionCookie));
  if (!token || !auth::looks_like_token(*token)) return caller;
  caller.session = store_.find_session(auth::digest(*token));
  if (!caller.session) return caller;
  caller.user = store_.find_user(caller.session->user_id);
  if (!caller.user) {
    caller.session.reset();
    return caller;
  }
  caller.session_token = *token;
  caller.csrf_token = auth::csrf_token(*token);
  return caller;
}

App::Caller App::start_session(const storage::User& user, httplib::Response& res, const std::string& id_token) {
  Caller caller;
  caller.session_token = auth::new_token();
  caller.csrf_token = auth::csrf_token(caller.session_token);
  caller.session = store_.create_login_session(auth::digest(caller.session_token), user.id, options_.session_ttl_seconds,
                                               options_.session_idle_seconds, id_token);
  caller.user = user;
  set_session_cookie(res, caller.session_token, options_.session_ttl_seconds);
  return caller;
}

std::string App::login_form_token(const httplib::Request& req, httplib::Response& res) {
  auto nonce = http::cookie(req, kLoginCookie);
  if (!nonce || !auth::looks_like_token(*nonce)) {
    nonce = auth::new_token();
    res.set_header("Set-Cookie", std::string(kLoginCookie) + "=" + *nonce + "; Path=/connexion; HttpOnly; SameSite=Strict; Max-Age=" +
                                     std::to_string(kLoginCookieSeconds));
  }
  return auth::sign(login_form_key_, *nonce);
}

bool App::login_form_token_matches(const httplib::Request& req, const std::string& posted) const {
  const auto nonce = http::cookie(req, kLoginCookie);
  return nonce && auth::looks_like_token(*nonce) && http::same_secret(posted, auth::sign(login_form_key_, *nonce));
}

std::string App::local_redirect_target(const std::string& next) const {
  if (!is_plain_local_target(next)) return "/demandes";
  const std::string path = next.substr(0, next.find('?'));
  const std::string allowed = router_ ? router_->allowed_methods(path) : std::string();
  return allowed.find("GET") != std::string::npos ? next : "/demandes";
}

std::size_t App::purge_expired_sessions() { return store_.delete_expired_sessions(); }

bool App::check_form_csrf(const httplib::Request&, httplib::Response& res, const Caller& caller,
                          const std::string& posted_token) {
  if (caller.session && http::same_secret(posted_token, caller.csrf_token)) return true;
  send_error_page(res, 403, "Action refusée",
                  "Le jeton de sécurité du formulaire est absent ou périmé. Rechargez la page et recommencez.", caller);
  return false;
}

bool App::check_api_identity(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                             bool needs_csrf) {
  if (!caller.logged_in()) {
    http::send_json_error(res, 401, "Authentification requise : connectez-vous (POST /api/v1/session).");
    return false;
  }
  if (needs_csrf && !http::same_secret(req.get_header_value("X-CSRF-Token"), caller.csrf_token)) {
    http::send_json_error(res, 403, "En-tête X-CSRF-Token absent ou invalide.");
    return false;
  }
  return true;
}

void App::send_page(httplib::Response& res, int status, pages::PageShell page, const Caller& caller) {
  pages::Viewer viewer = caller.viewer();
  viewer.instructs = caller.user && app::actor_of(*caller.user, store_).roles.any();
  http::send_html(res, status, pages::render_page(page, viewer));
}

void App::send_error_page(httplib::Response& res, int status, const std::string& title, const std::string& message,
                          const Caller& caller) {
  pages::PageShell page;
  page.title = title;
  web::Data data;
  data.set("message", message);
  page.body_html = web::render("error", data);
  send_page(res, status, std::move(page), caller);
}

void App::generated_static(const httplib::Request& req, httplib::Response& res) {
  const std::string path = req.matches[1];
  if (path == "formd/formd.css") {
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_content(std::string(kFormdCss), "text/css; charset=utf-8");
    return;
  }
  // formc's scripts: static/*.js and the per-form / per-definition ones.
  const auto catalog = catalogs_.current();
  const std::string inside = path.substr(std::string_view("formc/").size());
  const std::string* file = catalog->file(inside);
  if (!file || inside.size() < 3 || inside.compare(inside.size() - 3, 3, ".js") != 0) {
    res.status = 404;
    res.set_content("Not found", "text/plain; charset=utf-8");
    return;
  }
  // Dev mode regenerates them on reload: never let a browser keep an old one.
  res.set_header("Cache-Control", catalogs_.watching() ? "no-cache" : "public, max-age=300");
  res.set_content(*file, "text/javascript; charset=utf-8");
}

bool App::install(http::StrictServer& server) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(options_.assets_dir) / "dsfr.min.css", ec)) return false;
  router_ = std::make_unique<http::Router>(server, options_.max_body_bytes);
  auto& router = *router_;
  server.set_mount_point("/static/dsfr", options_.assets_dir);
  router.mount("/static/dsfr/");

  server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/static/dsfr/", 0) == 0) res.set_header("Cache-Control", "public, max-age=86400");
    http::apply_security_headers(res, login_origin_);
  });
  server.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    int status = 500;
    try {
      std::rethrow_exception(ep);
    } catch (const storage::StorageError& e) {
      what = e.what();
      status = 503;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::cerr << "formd: " << req.method << " " << req.path << ": " << what << "\n";
    res.headers.erase("Location");
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/healthz") {
      http::send_json_error(res, status, status == 503 ? "Service momentanément indisponible." : "Erreur interne.");
    } else {
      send_error_page(res, status, status == 503 ? "Service momentanément indisponible" : "Erreur interne",
                      "Nous n’avons pas pu traiter votre demande. Réessayez dans quelques instants.", Caller{});
    }
    http::apply_security_headers(res, login_origin_);
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const bool api = req.path.rfind("/api/", 0) == 0 || req.path == "/healthz";
    std::string message;
    switch (res.status) {
      case 404: message = "Cette page n’existe pas."; break;
      case 413: message = "La requête est trop volumineuse."; break;
      case 414: message = "L’adresse demandée est trop longue."; break;
      case 400: message = "La requête est invalide."; break;
      case 405: message = "Méthode non autorisée pour cette adresse."; break;
      default: message = "La requête n’a pas pu être traitée."; break;
    }
    if (api) {
      http::send_json_error(res, res.status, message);
    } else {
      const int status = res.status;
      send_error_page(res, status, status == 404 ? "Page introuvable" : "Requête refusée", message, Caller{});
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  auto page = [this](void (App::*handler)(const httplib::Request&, httplib::Response&)) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) { (this->*handler)(req, res); };
  };
  router.get("/", page(&App::catalogue));
  router.get(R"(/definitions/([A-Za-z0-9_-]+))", page(&App::definition));
  // HTML form posts: the router reads the body (bounded); cpp-httplib's own
  // reader would refuse urlencoded bodies over 8 KiB, far below one long French text.
  if (options_.dev_login || options_.proconnect) {
    router.get("/connexion", page(&App::login_form));
    router.post("/connexion", page(&App::login));  // 404 without --dev-login
  }
  install_proconnect(router);
  router.post("/deconnexion", page(&App::logout));
  router.get(R"(/formulaires/([A-Za-z0-9_-]+)/demande/nouveau)", page(&App::start_request));
  router.post(R"(/formulaires/([A-Za-z0-9_-]+)/demande)", page(&App::create_request));
  router.get("/demandes", page(&App::my_requests));
  router.get(R"(/demandes/(\d{1,18}))", page(&App::show_request));
  router.get(R"(/demandes/(\d{1,18})/etapes/([a-z0-9_]+))", page(&App::show_step));
  // Streamed: a step with a document field posts multipart/form-data (app_documents.cc).
  router.post_stream(R"(/demandes/(\d{1,18})/etapes/([a-z0-9_]+))",
                     [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                       save_step_stream(req, res, reader);
                     },
                     std::max(options_.max_upload_bytes, options_.max_body_bytes));
  router.get(R"(/demandes/(\d{1,18})/resume)", page(&App::show_summary));
  router.post(R"(/demandes/(\d{1,18})/soumettre)", page(&App::submit_request));
  router.get("/instruction", [](const httplib::Request&, httplib::Response& res) { http::redirect(res, "/instruction/demandes"); });
  // Each route says what it needs (app_middleware.cc); the handler gets the caller and the posted form.
  auto role_page = [this](void (App::*handler)(const httplib::Request&, httplib::Response&, const Caller&, const PostedForm&)) {
    return this->page(PageAccess::RoleHolder, [this, handler](const httplib::Request& req, httplib::Response& res,
                                                               const Caller& caller, const PostedForm& form) {
      (this->*handler)(req, res, caller, form);
    });
  };
  router.get("/instruction/demandes", role_page(&App::instruction_list));
  router.get(R"(/instruction/demandes/(\d{1,18}))", role_page(&App::instruction_request));
  router.get(R"(/instruction/demandes/(\d{1,18})/(valider|refuser|demander-des-modifications|supprimer|annuler-reouverture|transferer|revoquer))",
             role_page(&App::instruction_action));
  router.post(R"(/instruction/demandes/(\d{1,18})/(valider|refuser|demander-des-modifications|supprimer|annuler-reouverture|transferer|revoquer))",
              role_page(&App::instruction_action));
  router.get("/instruction/roles", role_page(&App::roles_page));
  router.post("/instruction/roles", role_page(&App::grant_role));
  router.post("/instruction/roles/retirer", role_page(&App::revoke_role));
  install_lifecycle_pages(router);
  router.get(R"(/preview/([A-Za-z0-9_-]+))", page(&App::preview));
  router.get(R"(/static/((?:formc|formd)/[A-Za-z0-9_./-]+))", page(&App::generated_static));
  install_api(router);
  install_documents(router);
  install_messaging(router);
  install_stage_pages(router);
  return true;
}

}  // namespace formd
