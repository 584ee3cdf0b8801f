// The checks every route states in one line (App::api, App::page): who the
// caller is, whether they must be signed in or hold a role, and, for what
// writes, the CSRF token and the content type. A handler wrapped here runs
// only when all of them hold; the refusals are answered here, so no handler
// repeats them.
#include "http/messages.h"
#include "server/app.h"

namespace formd {

http::Router::Handler App::api(ApiAccess access, ApiHandler handler) {
  return [this, access, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    const Caller caller = identify(req);
    if (access != ApiAccess::Public && !check_api_identity(req, res, caller, access == ApiAccess::SignedInWithCsrf)) return;
    handler(req, res, caller);
  };
}

http::Router::Handler App::page(PageAccess access, PageHandler handler) {
  return [this, access, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    const Caller caller = identify(req);
    PostedForm form;
    if (req.method == "POST") {
      if (!http::is_form_post(req)) {
        return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
      }
      form.pairs = http::form_pairs(req);
      if (!check_form_csrf(req, res, caller, http::form_value(form.pairs, "_csrf"))) return;
    }
    if (!caller.logged_in()) {
      // A page shown after signing in; a POST cannot be replayed after it.
      return http::redirect(res, req.method == "GET" ? "/connexion?suite=" + http::url_encode(req.path) : "/connexion");
    }
    if (access == PageAccess::RoleHolder && !app::actor_of(*caller.user, store_).roles.any()) {
      return send_error_page(
          res, 403, "Accès refusé",
          "Vous n’avez pas le droit d’accéder à cette page : elle est réservée aux instructeurs et rapporteurs.", caller);
    }
    handler(req, res, caller, form);
  };
}

}  // namespace formd
