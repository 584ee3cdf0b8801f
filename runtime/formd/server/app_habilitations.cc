// The habilitation page and its tabs (LIFECYCLE.md §2.2), "Mettre à jour"
// (§2.3: the confirmation that reopens the request) and the revocation of
// one habilitation by an instructor (§2.5).
//
// What each viewer is offered comes from the policy (domain::can through
// app::view_of), never from the template: the applicant gets "Mettre à jour"
// on the latest active habilitation of its stage when the definition allows
// updates, members of the organisation "Transférer", instructors
// "Révoquer", the organisation "Contacter le support" once it is revoked.
// Posting an action nobody offered is refused by the use case the same way.
#include <algorithm>
#include <map>

#include "formc/runtime/strings.h"
#include "http/messages.h"
#include "pages/request_views.h"
#include "server/app.h"
#include "server/page_support.h"
#include "web/models.h"

namespace formd {

using server::parse_id;
using server::project_name;

namespace {

// Habilitations of one stage replace each other; a request with stages has
// one line per stage, told apart by the definition they were granted under.
bool latest_of_its_stage(const storage::Habilitation& h, const std::vector<storage::Habilitation>& all) {
  return std::none_of(all.begin(), all.end(),
                      [&](const auto& other) { return other.definition_id == h.definition_id && other.id > h.id; });
}

// The notices after an action that came back to this page (?fait=…).
std::string habilitation_notice(std::string_view slug, const std::string& project) {
  if (slug == "revoquee") return "L’habilitation « " + project + " » a été révoquée.";
  return "";
}

std::string percent_encode(std::string_view text) { return http::url_encode(std::string(text)); }

}  // namespace

std::optional<App::VisibleHabilitation> App::load_habilitation(std::string_view id_text, httplib::Response& res,
                                                               const Caller& caller) {
  const auto id = parse_id(id_text);
  auto habilitation = id ? store_.find_habilitation(*id) : std::nullopt;
  // Whoever may see its request may see it (the organisation, reporters and instructors).
  auto request = habilitation ? visible_request(habilitation->request_id, *caller.user) : std::nullopt;
  if (!habilitation || !request) {
    send_error_page(res, 404, "Habilitation introuvable", "Cette habilitation n’existe pas ou ne vous est pas accessible.",
                    caller);
    return std::nullopt;
  }
  const auto catalog = catalogs_.current();
  VisibleHabilitation out{std::move(*habilitation), std::move(*request), app::actor_of(*caller.user, store_), {}, {}};
  out.view = app::view_of(out.request, *catalog, store_);
  out.all = store_.habilitations_of(out.request.id);
  return out;
}

void App::show_habilitation(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm&) {
  auto loaded = load_habilitation(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& h = loaded->habilitation;
  const auto& request = loaded->request;
  const auto& actor = loaded->actor;
  const auto& view = loaded->view;
  const std::string tab = req.matches.size() > 2 ? req.matches[2].str() : std::string();
  const auto catalog = catalogs_.current();
  const auto* definition = catalog->find_definition(h.definition_id);
  const auto* form = catalog->find_form(h.form_uid);
  const auto data_json = server::parse_object(h.data_json);
  const std::string project = project_name(data_json);
  const std::string hid = std::to_string(h.id);
  const std::string rid = std::to_string(h.request_id);

  using H = domain::HabilitationState;
  using V = domain::Verdict;
  const bool member = caller.user->organization_siret == request.organization_siret;
  const bool reader = actor.roles.has(domain::RoleKind::Reporter, view.provider, view.definition_id);
  const bool latest = latest_of_its_stage(h, loaded->all);
  const bool active = h.state == H::Active;

  web::Data data;
  data.set("id", hid);
  data.set("definition", definition ? definition->name : h.definition_id);
  data.set("project", project);
  data.set("form", form ? form->display_name : h.form_uid);
  data.set("validated", web::date_text(h.created_at));
  data.set("request_id", rid);
  data.set("request_href", (member ? "/demandes/" : "/instruction/demandes/") + rid);
  web::set_badge(data, h.state);
  set_stage_habilitation(data, h, request, loaded->all, caller);  // stage badge, "Démarrer … en production"
  const std::string notice = habilitation_notice(req.get_param_value("fait"), project);
  data.set("has_notice", !notice.empty());
  data.set("notice", notice);

  // Header actions, each as the policy says.
  const bool can_update = active && latest && domain::can(actor, domain::Action::Reopen, view) == V::Allowed;
  // "Transférer" still shows where the definition turns transfer off: it
  // leads to the manual-transfer page (§2.4).
  const bool can_transfer =
      active && member && app::member_transfer(actor, view, request.user_id == caller.user->id).verdict == V::Allowed;
  const bool can_revoke = active && domain::can(actor, domain::Action::RevokeHabilitation, view) == V::Allowed;
  const bool support = h.state == H::Revoked && member;
  data.set("can_update", can_update);
  data.set("can_transfer", can_transfer);
  data.set("can_revoke", can_revoke);
  data.set("support", support);
  data.set("support_href", "mailto:datapass@api.gouv.fr?subject=" + percent_encode("Habilitation H" + hid + " révoquée"));
  data.set("has_actions", can_update || can_transfer || can_revoke || support);
  data.set("revoked", h.state == H::Revoked);
  data.set("instructor", reader);

  // The update in progress is shown on the habilitation it updates.
  data.set("updating", active && latest && request.reopening());
  data.set("update_href", (member ? "/demandes/" : "/instruction/demandes/") + rid);
  const bool obsolete = h.state == H::Obsolete;
  data.set("obsolete", obsolete);
  if (obsolete) {
    for (const auto& other : loaded->all) {
      if (other.definition_id == h.definition_id && other.id > h.id && other.state != H::Obsolete) {
        data.set("replaced_by", std::to_string(other.id));
      }
    }
  }
  // Who validated each habilitation: its approval event.
  std::map<std::int64_t, std::string> validators;
  for (const auto& e : store_.events_of(h.request_id)) {
    if (e.name == "approve" && e.habilitation_id && e.user_id) {
      if (const auto u = store_.find_user(*e.user_id)) validators[*e.habilitation_id] = u->email;
    }
  }
  if (validators.count(h.id)) data.set("validated_by", validators[h.id]);

  // Tabs: Habilitation, Historique, Toutes les habilitations (§2.2).
  web::List tabs;
  auto add_tab = [&](const std::string& key, const std::string& label, const std::string& href) {
    web::Data t;
    t.set("label", label);
    t.set("href", href);
    t.set("current", key == tab);
    tabs.push_back(t);
  };
  const std::string base = "/habilitations/" + hid;
  add_tab("", "Habilitation", base);
  add_tab("historique", "Historique", base + "/historique");
  // Messagerie (§2.7) when the policy lets the caller read the conversation (app_messages.cc).
  web::Data messaging;
  set_messaging_link(messaging, request, caller, base + "/messagerie");
  if (messaging.get("has_messaging")->is_true()) {
    const auto* unread = messaging.get("unread_messages");
    const bool has_unread = messaging.get("has_unread_messages")->is_true();
    add_tab("messagerie", has_unread && unread ? "Messagerie " + unread->string_value() : "Messagerie", base + "/messagerie");
  }
  add_tab("habilitations", "Toutes les habilitations", base + "/habilitations");
  data.set("tabs", tabs);
  data.set("tab_habilitation", tab.empty());
  data.set("tab_history", tab == "historique");
  data.set("tab_all", tab == "habilitations");
  if (tab.empty()) {
    // Rendered from the habilitation's own data: an obsolete one shows its
    // old values, and the files of its snapshot (those it was approved with).
    data.set("summary_trusted_html",
             web::trusted_html(form ? read_only_summary(*catalog, *form, data_json, h.request_id,
                                                        store_.documents_of_habilitation(h.id))
                                    : std::string()));
  } else if (tab == "historique") {
    set_request_history(data, request, *catalog);
  } else {
    data.set("all_title", reader && !member ? "Historique des habilitations liées à cette demande"
                                            : "Historique des habilitations");
    std::vector<storage::Habilitation> all = loaded->all;
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
    web::List items;
    for (const auto& other : all) {
      web::Data item;
      item.set("hid", std::to_string(other.id));
      const auto* d = catalog->find_definition(other.definition_id);
      item.set("label", d ? d->name : other.definition_id);
      if (validators.count(other.id)) item.set("validated_by", validators[other.id]);
      item.set("date", web::date_text(other.created_at));
      item.set("current", other.id == h.id);
      item.set("consult_label", reader && !member ? "Consulter l’habilitation" : "Consulter");
      web::set_badge(item, other.state);
      set_stage_badge(item, *catalog, other.definition_id);  // "Bac à sable" / "Production" (LIFECYCLE.md §2.2)
      items.push_back(item);
    }
    data.set("all", items);
  }

  pages::PageShell page;
  page.title = "Habilitation " + (definition ? definition->name : h.definition_id) + " - " + project;
  page.heading_in_body = true;
  page.body_html = web::render("habilitation", data);
  page.breadcrumbs = {{"Demandes et habilitations", member ? "/demandes?onglet=habilitations" : "/instruction/demandes"},
                      {"Habilitation H" + hid, ""}};
  send_page(res, 200, std::move(page), caller);
}

void App::reopen_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm&) {
  auto loaded = load_habilitation(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& h = loaded->habilitation;
  const std::string hid = std::to_string(h.id);
  if (req.method == "POST") {
    const auto outcome = lifecycle_.reopen(loaded->actor, h.id);
    if (outcome.kind == app::Outcome::Kind::Ok) return http::redirect(res, pages::summary_url(h.request_id));
    return send_outcome_page(res, outcome, caller);
  }
  // The same checks as the POST, so the page is never offered in vain.
  if (!latest_of_its_stage(h, loaded->all) || h.state != domain::HabilitationState::Active) {
    return send_error_page(res, 409, "Mise à jour impossible",
                           "Seule la dernière habilitation active d’une demande peut être mise à jour.", caller);
  }
  switch (domain::can(loaded->actor, domain::Action::Reopen, loaded->view)) {
    case domain::Verdict::Allowed: break;
    case domain::Verdict::WrongState:
      return send_error_page(res, 409, "Mise à jour impossible",
                             "Une mise à jour de cette habilitation est déjà en cours, ou elle ne peut plus être mise à jour.",
                             caller);
    default:
      return send_error_page(res, 403, "Action non autorisée",
                             "Seul le demandeur peut mettre à jour cette habilitation, si le fournisseur le permet.", caller);
  }
  const auto catalog = catalogs_.current();
  const auto data_json = server::parse_object(h.data_json);
  server::ActionPage page;
  page.title = "Mettre à jour la demande d’habilitation " + project_name(data_json);
  page.paragraphs = {
      "Si votre habilitation nécessite des modifications (changement de contacts, de documents…), vous pouvez demander sa "
      "mise à jour : vous modifiez les informations de la demande, puis vous l’envoyez au fournisseur de données, qui "
      "l’instruit.",
      "Votre habilitation restera valide quelque soit l’issue de la demande de mise à jour."};
  // Data that today's rules refuse will have to be corrected before sending.
  if (const auto* entry = catalog->find_form(h.form_uid)) {
    if (!catalog->validate(*entry, data_json, formc::rt::Context::submit()).empty()) {
      page.warning = "Attention, vous réouvrez une demande qui possède des données invalides ou manquantes : vous devrez "
                     "les corriger avant de pouvoir envoyer votre demande de mise à jour.";
    }
  }
  page.action = "/habilitations/" + hid + "/mettre-a-jour";
  page.csrf = caller.csrf_token;
  page.version = std::to_string(loaded->request.version);
  page.submit_label = "Mettre à jour l’habilitation";
  page.cancel_href = "/habilitations/" + hid;
  pages::PageShell shell;
  shell.title = page.title;
  shell.heading_in_body = true;
  shell.body_html = server::render_action_page(page);
  shell.breadcrumbs = {{"Demandes et habilitations", "/demandes?onglet=habilitations"},
                       {"Habilitation H" + hid, "/habilitations/" + hid},
                       {"Mettre à jour", ""}};
  send_page(res, 200, std::move(shell), caller);
}

void App::revoke_habilitation_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                   const PostedForm& form) {
  auto loaded = load_habilitation(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& h = loaded->habilitation;
  const std::string hid = std::to_string(h.id);
  std::string typed, field_error;
  if (req.method == "POST") {
    typed = http::form_value(form.pairs, "reason");
    if (!formc::rt::is_valid_utf8(typed)) return send_error_page(res, 400, "Requête invalide", "Texte mal encodé.", caller);
    const auto outcome = lifecycle_.revoke_habilitation(loaded->actor, h.id, typed);
    if (outcome.kind == app::Outcome::Kind::Ok) return http::redirect(res, "/habilitations/" + hid + "?fait=revoquee");
    if (outcome.kind != app::Outcome::Kind::Invalid) return send_outcome_page(res, outcome, caller);
    field_error = outcome.message;
  } else {
    switch (domain::can(loaded->actor, domain::Action::RevokeHabilitation, loaded->view)) {
      case domain::Verdict::Allowed:
        if (h.state == domain::HabilitationState::Active) break;
        [[fallthrough]];
      case domain::Verdict::WrongState:
        return send_error_page(res, 409, "Révocation impossible", "Cette habilitation n’est pas active.", caller);
      default:
        return send_error_page(res, 403, "Action non autorisée",
                               "Seuls les instructeurs de cette habilitation peuvent la révoquer.", caller);
    }
  }
  const std::string project = project_name(server::parse_object(h.data_json));
  server::ActionPage page;
  page.title = "Révoquer l’habilitation H" + hid;
  page.paragraphs = {"Vous êtes sur le point de révoquer l’habilitation « " + project + " » (H" + hid +
                     ") : elle ne donnera plus accès aux données, et le demandeur en sera informé par email avec les "
                     "motifs que vous indiquez."};
  page.irreversible = true;
  page.action = "/habilitations/" + hid + "/revoquer";
  page.csrf = caller.csrf_token;
  page.version = std::to_string(loaded->request.version);
  page.field = "reason";
  page.field_label = "Indiquez les motifs de révocation";
  page.value = typed;
  page.field_error = field_error;
  page.submit_label = "Révoquer l’habilitation";
  page.cancel_href = "/habilitations/" + hid;
  pages::PageShell shell;
  shell.title = page.title;
  shell.heading_in_body = true;
  shell.body_html = server::render_action_page(page);
  shell.breadcrumbs = {{"Instruction", "/instruction/demandes"}, {"Habilitation H" + hid, "/habilitations/" + hid},
                       {"Révoquer", ""}};
  send_page(res, field_error.empty() ? 200 : 422, std::move(shell), caller);
}

void App::send_outcome_page(httplib::Response& res, const app::Outcome& outcome, const Caller& caller) {
  using Kind = app::Outcome::Kind;
  switch (outcome.kind) {
    case Kind::NotFound:
      return send_error_page(res, 404, "Introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
    case Kind::Forbidden: return send_error_page(res, 403, "Action non autorisée", outcome.message, caller);
    case Kind::Invalid: return send_error_page(res, 422, "Action impossible", outcome.message, caller);
    case Kind::WrongState:
    case Kind::Stale: return send_error_page(res, 409, "Action impossible", outcome.message, caller);
    case Kind::Ok: break;
  }
  send_error_page(res, 500, "Erreur interne", "Nous n’avons pas pu traiter votre demande.", caller);
}

void App::install_lifecycle_pages(http::Router& router) {
  auto signed_in = [this](void (App::*handler)(const httplib::Request&, httplib::Response&, const Caller&,
                                               const PostedForm&)) {
    return this->page(PageAccess::SignedIn, [this, handler](const httplib::Request& req, httplib::Response& res,
                                                            const Caller& caller, const PostedForm& form) {
      (this->*handler)(req, res, caller, form);
    });
  };
  router.get(R"(/habilitations/(\d{1,18})(?:/(historique|habilitations))?)", signed_in(&App::show_habilitation));
  router.get(R"(/habilitations/(\d{1,18})/mettre-a-jour)", signed_in(&App::reopen_page));
  router.post(R"(/habilitations/(\d{1,18})/mettre-a-jour)", signed_in(&App::reopen_page));
  router.get(R"(/habilitations/(\d{1,18})/revoquer)", signed_in(&App::revoke_habilitation_page));
  router.post(R"(/habilitations/(\d{1,18})/revoquer)", signed_in(&App::revoke_habilitation_page));
  router.get(R"(/demandes/(\d{1,18})/transferer)", signed_in(&App::transfer_page));
  router.post(R"(/demandes/(\d{1,18})/transferer)", signed_in(&App::transfer_page));
  router.get(R"(/demandes/(\d{1,18})/annuler-mise-a-jour)", signed_in(&App::cancel_update_page));
  router.post(R"(/demandes/(\d{1,18})/annuler-mise-a-jour)", signed_in(&App::cancel_update_page));
  router.get(R"(/demandes/(\d{1,18})/supprimer)", signed_in(&App::archive_page));
  router.post(R"(/demandes/(\d{1,18})/supprimer)", signed_in(&App::archive_page));
}

}  // namespace formd
