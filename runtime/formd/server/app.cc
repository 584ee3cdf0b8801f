#include "server/app.h"

#include <filesystem>
#include <iostream>

#include "server/http.h"
#include "server/static_assets.h"

namespace formd {

namespace {
constexpr std::string_view kSessionCookie = "formd_session";
}

App::App(catalog::CatalogSource& catalogs, storage::Store& store, AppOptions options)
    : catalogs_(catalogs), store_(store), options_(std::move(options)) {}

pages::Viewer App::Caller::viewer() const {
  pages::Viewer v;
  if (session) v.csrf_token = session->csrf_token;
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
  const auto token = http::cookie(req, kSessionCookie);
  if (!token || token->size() != 64) return caller;
  caller.session = store_.find_session(*token);
  if (caller.session && caller.session->user_id) caller.user = store_.find_user(*caller.session->user_id);
  return caller;
}

storage::Session App::ensure_session(const httplib::Request&, httplib::Response& res, Caller& caller) {
  if (!caller.session) {
    caller.session = store_.create_session(std::nullopt, options_.session_ttl_seconds);
    http::set_cookie(res, kSessionCookie, caller.session->token, options_.session_ttl_seconds);
  }
  return *caller.session;
}

bool App::check_form_csrf(const httplib::Request&, httplib::Response& res, const Caller& caller,
                          const std::string& posted_token) {
  if (caller.session && http::same_secret(posted_token, caller.session->csrf_token)) return true;
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
  if (needs_csrf && !http::same_secret(req.get_header_value("X-CSRF-Token"), caller.session->csrf_token)) {
    http::send_json_error(res, 403, "En-tête X-CSRF-Token absent ou invalide.");
    return false;
  }
  return true;
}

void App::send_page(httplib::Response& res, int status, pages::PageShell page, const Caller& caller) {
  http::send_html(res, status, pages::render_page(page, caller.viewer()));
}

void App::send_error_page(httplib::Response& res, int status, const std::string& title, const std::string& message,
                          const Caller& caller) {
  pages::PageShell page;
  page.title = title;
  page.body_html = "<p class=\"fr-text--lead\">" + pages::esc(message) + "</p>\n"
                   "<p><a class=\"fr-link\" href=\"/\">Retour au catalogue</a></p>\n";
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

bool App::install(httplib::Server& server) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(options_.assets_dir) / "dsfr.min.css", ec)) return false;
  server.set_mount_point("/static/dsfr", options_.assets_dir);
  server.set_payload_max_length(options_.max_body_bytes);

  server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/static/dsfr/", 0) == 0) res.set_header("Cache-Control", "public, max-age=86400");
    http::apply_security_headers(res);
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
    http::apply_security_headers(res);
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const bool api = req.path.rfind("/api/", 0) == 0;
    std::string message;
    switch (res.status) {
      case 404: message = "Cette page n’existe pas."; break;
      case 413: message = "La requête est trop volumineuse."; break;
      case 400: message = "La requête est invalide."; break;
      case 405: message = "Méthode non autorisée."; break;
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

  server.Get("/", [this](const auto& req, auto& res) { catalogue(req, res); });
  server.Get(R"(/definitions/([A-Za-z0-9_-]+))", [this](const auto& req, auto& res) { definition(req, res); });
  server.Get("/connexion", [this](const auto& req, auto& res) { login_form(req, res); });
  // HTML form POSTs read their body themselves (form_post below): cpp-httplib
  // would refuse urlencoded bodies over 8 KiB, far below one long French text.
  auto form_post = [this](void (App::*handler)(const httplib::Request&, httplib::Response&)) {
    return httplib::Server::HandlerWithContentReader(
        [this, handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
          std::string body;
          bool too_large = false;
          reader([&](const char* data, std::size_t length) {
            if (body.size() + length > options_.max_body_bytes) {
              too_large = true;
              return false;
            }
            body.append(data, length);
            return true;
          });
          if (too_large) {
            res.status = 413;
            return;
          }
          httplib::Request with_body = req;
          with_body.body = std::move(body);
          (this->*handler)(with_body, res);
        });
  };
  server.Post("/connexion", form_post(&App::login));
  server.Post("/deconnexion", form_post(&App::logout));
  server.Get(R"(/formulaires/([A-Za-z0-9_-]+)/demande/nouveau)", [this](const auto& req, auto& res) { start_request(req, res); });
  server.Post(R"(/formulaires/([A-Za-z0-9_-]+)/demande)", form_post(&App::create_request));
  server.Get("/demandes", [this](const auto& req, auto& res) { my_requests(req, res); });
  server.Get(R"(/demandes/(\d{1,18}))", [this](const auto& req, auto& res) { show_request(req, res); });
  server.Get(R"(/demandes/(\d{1,18})/etapes/([a-z0-9_]+))", [this](const auto& req, auto& res) { show_step(req, res); });
  server.Post(R"(/demandes/(\d{1,18})/etapes/([a-z0-9_]+))", form_post(&App::save_step));
  server.Get(R"(/demandes/(\d{1,18})/resume)", [this](const auto& req, auto& res) { show_summary(req, res); });
  server.Post(R"(/demandes/(\d{1,18})/soumettre)", form_post(&App::submit_request));
  server.Get(R"(/preview/([A-Za-z0-9_-]+))", [this](const auto& req, auto& res) { preview(req, res); });
  server.Get(R"(/static/((?:formc|formd)/[A-Za-z0-9_./-]+))", [this](const auto& req, auto& res) { generated_static(req, res); });
  install_api(server);
  return true;
}

}  // namespace formd
