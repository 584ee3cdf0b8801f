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
#include "web/view.h"
#include "auth/tokens.h"
#include <iostream>

namespace formd {

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
  web::List providers;
  for (const auto& provider : module.providers) {
    web::List cards;
    for (const auto& id : provider.definition_ids) {
      const auto* def = module.find_definition(id);
      if (!def || !def->is_public) continue;
      web::Data card;
      card.set("id", def->id);
      card.set("name", def->name);
      card.set("description", def->description);
      cards.push_back(card);
    }
    if (cards.empty()) continue;
    web::Data item;
    item.set("slug", provider.slug);
    item.set("label", provider_label(provider.slug));
    item.set("cards", cards);
    providers.push_back(item);
  }
  web::Data data;
  data.set("providers", providers);
  pages::PageShell page;
  page.title = "Catalogue des API et données";
  page.body_html = web::render("catalogue", data);
  send_page(res, 200, std::move(page), caller);
}

void App::definition(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const auto catalog = catalogs_.current();
  const auto* def = catalog->find_definition(req.matches[1].str());
  if (!def || !def->is_public) return send_error_page(res, 404, "Page introuvable", "Cette API n’existe pas.", caller);

  web::Data data;
  data.set("id", def->id);
  data.set("name", def->name);
  data.set("description", def->description);
  data.set("has_link", def->link.has_value());
  data.set("link", def->link.value_or(""));
  std::vector<std::string> scripts;
  const auto* rule = catalog->eligibility_rule(def->id);
  data.set("has_eligibility", rule != nullptr);
  if (rule) {
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
    data.set("eligibility_trusted_html", web::trusted_html(render::fill_slots(fragment ? *fragment : std::string(), slots)));
    scripts = pages::eligibility_scripts(def->id);
  }

  web::List forms;
  for (const auto* form : catalog->module().forms_of(def->id)) {
    const auto* entry = catalog->find_form(form->uid);
    if (!entry || !entry->startable) continue;
    web::Data card;
    card.set("uid", form->uid);
    card.set("form_name", entry->display_name);
    card.set("has_form_description", form->description.has_value());
    card.set("form_description", form->description.value_or(""));
    forms.push_back(card);
  }
  data.set("has_forms", !forms.empty());
  data.set("forms", forms);
  pages::PageShell page;
  page.title = def->name;
  page.body_html = web::render("definition", data);
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
  web::Data data;
  data.set("csrf", form_token);
  data.set("next", next);
  data.set("has_proconnect", options_.proconnect != nullptr);
  data.set("has_dev_login", options_.dev_login);
  page.body_html = web::render("login", data);
  send_page(res, 200, std::move(page), caller);
}

void App::login(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  // Registered whenever /connexion is (GET shows the ProConnect button), so
  // that the dev form's address answers 404 rather than 405 without --dev-login.
  if (!options_.dev_login) {
    return send_error_page(res, 404, "Page introuvable", "La connexion de développement n’est pas activée.", caller);
  }
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
    web::Data data;
    web::List list;
    for (const auto& p : problems) list.push_back(web::Data(p));
    data.set("problems", list);
    data.set("has_omitted", false);
    pages::PageShell page;
    page.title = "Se connecter";
    page.body_html = web::render("login_refused", data);
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
  const std::string id_token = store_.session_id_token(caller.session->token_digest);
  // "Se déconnecter de tous mes appareils" ends every session of the user
  // (a lost laptop, a shared computer), not only this browser's.
  if (http::form_value(pairs, "partout") == "1") {
    const auto ended = store_.delete_sessions_of_user(caller.user->id);
    std::cerr << "formd: user " << caller.user->id << " signed out everywhere (" << ended << " sessions)\n";
  } else {
    store_.delete_session(caller.session->token_digest);
  }
  set_session_cookie(res, "", 0);
  // Signed in with ProConnect: end the provider's session too, which comes back to the catalogue.
  if (options_.proconnect && !id_token.empty()) {
    try {
      const std::string url = options_.proconnect->end_session_url(id_token, options_.public_url + "/", auth::new_token());
      if (!url.empty()) return http::redirect(res, url);
    } catch (const std::exception& e) {
      std::cerr << "formd: ProConnect logout: " << e.what() << " (signed out of formd only)\n";
    }
  }
  http::redirect(res, "/");
}

}  // namespace formd
