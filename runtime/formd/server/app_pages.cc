// Public pages: the catalogue, a definition with its eligibility
// questionnaire and forms, and the dev login.
#include <algorithm>
#include <cctype>

#include "formc/runtime/formats.h"
#include "formc/runtime/strings.h"
#include "gen/paths.h"
#include "pages/request_views.h"
#include "render/slot_filler.h"
#include "server/app.h"
#include "http/messages.h"

namespace formd {

using pages::esc;

namespace {

std::string provider_label(std::string_view slug) {
  std::string out(slug);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Only local paths are followed after login: never another site.

}  // namespace

void App::catalogue(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const auto catalog = catalogs_.current();
  const auto& module = catalog->module();
  std::string body = "<p class=\"fr-text--lead\">Choisissez l’API ou les données auxquelles votre organisation "
                     "souhaite accéder, vérifiez votre éligibilité puis remplissez votre demande d’habilitation.</p>\n";
  for (const auto& provider : module.providers) {
    std::string cards;
    for (const auto& id : provider.definition_ids) {
      const auto* def = module.find_definition(id);
      if (!def || !def->is_public) continue;
      cards += "<li class=\"fr-col-12 fr-col-md-6\"><div class=\"fr-card fr-enlarge-link\"><div class=\"fr-card__body\">"
               "<div class=\"fr-card__content\"><h3 class=\"fr-card__title\"><a href=\"/definitions/" +
               esc(def->id) + "\">" + esc(def->name) + "</a></h3><p class=\"fr-card__desc\">" + esc(def->description) +
               "</p></div></div></div></li>\n";
    }
    if (cards.empty()) continue;
    body += "<section class=\"fr-mb-6w\" aria-labelledby=\"provider-" + esc(provider.slug) + "\"><h2 id=\"provider-" +
            esc(provider.slug) + "\">" + esc(provider_label(provider.slug)) + "</h2>\n";
    body += "<ul class=\"fr-grid-row fr-grid-row--gutters formd-cards\">\n" + cards + "</ul></section>\n";
  }
  pages::PageShell page;
  page.title = "Catalogue des API et données";
  page.body_html = std::move(body);
  send_page(res, 200, std::move(page), caller);
}

void App::definition(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const auto catalog = catalogs_.current();
  const auto* def = catalog->find_definition(req.matches[1].str());
  if (!def || !def->is_public) return send_error_page(res, 404, "Page introuvable", "Cette API n’existe pas.", caller);

  std::string body;
  body += "<p class=\"fr-text--lead\">" + esc(def->description) + "</p>\n";
  if (def->link) {
    body += "<p><a class=\"fr-link\" href=\"" + esc(*def->link) +
            "\" target=\"_blank\" rel=\"noopener\" title=\"En savoir plus sur " + esc(def->name) +
            " - nouvelle fenêtre\">En savoir plus sur " + esc(def->name) + "</a></p>\n";
  }
  std::vector<std::string> scripts;
  if (const auto* rule = catalog->eligibility_rule(def->id)) {
    // The answers come back as query parameters: the page works without JavaScript.
    nlohmann::json answers = nlohmann::json::object();
    std::vector<std::string> names{"type"};
    for (const auto& q : rule->questions) names.push_back(q.id);
    for (const auto& name : names) {
      if (req.has_param(name.c_str())) {
        const std::string v = req.get_param_value(name.c_str());
        if (!v.empty() && formc::rt::is_valid_utf8(v) && v.size() < 200) answers[name] = v;
      }
    }
    const auto decision = pages::decide_eligibility(*rule, answers);
    render::SlotContext slots;
    slots.values = &answers;
    slots.hidden = [&decision](std::string_view kind, std::string_view name) {
      if (kind == "question") {
        return std::find(decision.visible_questions.begin(), decision.visible_questions.end(), name) ==
               decision.visible_questions.end();
      }
      if (kind == "option") return !(decision.option && *decision.option == name);
      if (kind == "outcome") return !(decision.outcome && std::to_string(*decision.outcome) == name);
      return false;
    };
    const std::string* fragment = catalog->file(formc::gen::paths::html_eligibility(def->id));
    body += "<form method=\"get\" action=\"/definitions/" + esc(def->id) + "#formc-eligibility\" class=\"fr-mb-6w\">\n";
    body += render::fill_slots(fragment ? *fragment : std::string(), slots);
    body += "<button type=\"submit\" class=\"fr-btn fr-btn--secondary fr-mt-2w formd-eligibility-submit\">Vérifier mon éligibilité</button>\n";
    body += "</form>\n";
    scripts = pages::eligibility_scripts(def->id);
  }

  std::string cards;
  for (const auto* form : catalog->module().forms_of(def->id)) {
    const auto* entry = catalog->find_form(form->uid);
    if (!entry || !entry->startable) continue;
    cards += "<li class=\"fr-col-12 fr-col-md-6\"><div class=\"fr-card\"><div class=\"fr-card__body\"><div class=\"fr-card__content\">"
             "<h3 class=\"fr-card__title\">" + esc(entry->display_name) + "</h3>";
    if (form->description) cards += "<p class=\"fr-card__desc\">" + esc(*form->description) + "</p>";
    cards += "</div><div class=\"fr-card__footer\"><ul class=\"fr-btns-group fr-btns-group--inline-reverse fr-btns-group--inline-lg\">"
             "<li><a class=\"fr-btn\" href=\"/formulaires/" + esc(form->uid) + "/demande/nouveau\">Remplir une demande"
             "<span class=\"fr-sr-only\"> « " + esc(entry->display_name) + " »</span></a></li>"
             "<li><a class=\"fr-btn fr-btn--secondary\" href=\"/preview/" + esc(form->uid) + "\">Aperçu"
             "<span class=\"fr-sr-only\"> du formulaire « " + esc(entry->display_name) + " »</span></a></li></ul>"
             "</div></div></div></li>\n";
  }
  if (!cards.empty()) {
    body += "<section aria-labelledby=\"formd-forms-title\"><h2 id=\"formd-forms-title\">Les formulaires</h2>\n"
            "<p>Choisissez le formulaire qui correspond à votre cas d’usage.</p>\n"
            "<ul class=\"fr-grid-row fr-grid-row--gutters formd-cards\">\n" + cards + "</ul></section>\n";
  }
  pages::PageShell page;
  page.title = def->name;
  page.body_html = std::move(body);
  page.scripts = std::move(scripts);
  page.breadcrumbs = {{"Catalogue", "/"}, {def->name, ""}};
  send_page(res, 200, std::move(page), caller);
}

void App::login_form(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const std::string form_token = login_form_token(req, res);
  const std::string next = local_redirect_target(req.has_param("suite") ? req.get_param_value("suite") : "/demandes");
  pages::PageShell page;
  page.title = "Se connecter";
  page.body_html =
      "<p>Connexion de développement, en attendant ProConnect : indiquez qui vous êtes et le SIRET de votre "
      "organisation.</p>\n"
      "<form method=\"post\" action=\"/connexion\" novalidate class=\"fr-col-12 fr-col-md-8\">\n" +
      pages::csrf_input(form_token) + "<input type=\"hidden\" name=\"suite\" value=\"" + esc(next) + "\">\n" +
      "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"login-email\">Adresse électronique"
      "<span class=\"fr-hint-text\">Format attendu : nom@domaine.fr</span></label>"
      "<input class=\"fr-input\" type=\"email\" id=\"login-email\" name=\"email\" autocomplete=\"email\" required></div>\n"
      "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"login-name\">Prénom et nom</label>"
      "<input class=\"fr-input\" type=\"text\" id=\"login-name\" name=\"name\" autocomplete=\"name\" required></div>\n"
      "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"login-siret\">SIRET de votre organisation"
      "<span class=\"fr-hint-text\">14 chiffres</span></label>"
      "<input class=\"fr-input\" type=\"text\" id=\"login-siret\" name=\"siret\" inputmode=\"numeric\" required></div>\n"
      "<button type=\"submit\" class=\"fr-btn\">Se connecter</button>\n</form>\n";
  send_page(res, 200, std::move(page), caller);
}

void App::login(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!http::is_form_post(req)) return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
  const auto pairs = http::form_pairs(req);
  if (!login_form_token_matches(req, http::form_value(pairs, "_csrf"))) {
    return send_error_page(res, 403, "Action refusée",
                           "Le jeton de sécurité du formulaire est absent ou périmé. Rechargez la page et recommencez.", caller);
  }
  std::string email = http::form_value(pairs, "email");
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string name = http::form_value(pairs, "name");
  std::string siret;
  for (const char c : http::form_value(pairs, "siret")) {
    if (c != ' ') siret += c;
  }
  std::vector<std::string> problems;
  if (!formc::rt::is_valid_email(email)) problems.push_back("L’adresse électronique n’est pas valide.");
  if (!formc::rt::is_valid_utf8(name) || !formc::rt::has_text(name) || name.size() > 200) problems.push_back("Indiquez votre prénom et votre nom.");
  if (!formc::rt::is_valid_siret(siret)) problems.push_back("Le SIRET doit comporter 14 chiffres valides.");
  if (!problems.empty()) {
    std::string list;
    for (const auto& p : problems) list += "<li>" + esc(p) + "</li>";
    pages::PageShell page;
    page.title = "Se connecter";
    page.body_html = "<div class=\"fr-alert fr-alert--error\" role=\"alert\"><h2 class=\"fr-alert__title\">Connexion impossible</h2><ul>" +
                     list + "</ul></div>\n<p><a class=\"fr-link\" href=\"/connexion\">Réessayer</a></p>\n";
    return send_page(res, 422, std::move(page), caller);
  }
  const auto user = store_.upsert_user(email, name, siret);
  // A new session at login (no session fixation); a previous one is ended.
  if (caller.session) store_.delete_session(caller.session->token_digest);
  start_session(user, res);
  http::redirect(res, local_redirect_target(http::form_value(pairs, "suite")));
}

void App::logout(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!http::is_form_post(req)) return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
  const auto pairs = http::form_pairs(req);
  if (!check_form_csrf(req, res, caller, http::form_value(pairs, "_csrf"))) return;
  store_.delete_session(caller.session->token_digest);
  http::set_cookie(res, "formd_session", "", 0);
  http::redirect(res, "/");
}

}  // namespace formd
