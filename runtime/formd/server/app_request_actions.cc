// What the organisation does with a request beyond filling it in, as
// pages: transfer it (LIFECYCLE.md §2.4: CAS 2, the applicant to a
// colleague; CAS 3, a colleague to themselves), cancel an update before it
// is sent (§2.3, "Annulation de vos modifications") and delete it (§2.6).
//
// Each page shows DataPass's confirmation (its modal, as a page), and its
// POST goes through the use case (app::Lifecycle, app::Instruction), which
// asks the policy again: a refused POST changes nothing. Instructors
// transfer, revoke and cancel updates from the instruction space.
#include "formc/runtime/strings.h"
#include "http/messages.h"
#include "pages/request_views.h"
#include "server/app.h"
#include "server/page_support.h"

namespace formd {

using server::parse_id;

namespace {

// The version the confirmation page was shown for is not the request's any more.
bool stale_post(const std::vector<std::pair<std::string, std::string>>& pairs, const storage::Request& request) {
  const auto posted = parse_id(http::form_value(pairs, "_version"));
  return !posted || *posted != request.version;
}

}  // namespace

std::optional<App::RequestAction> App::load_request_action(std::string_view id_text, httplib::Response& res,
                                                           const Caller& caller) {
  const auto id = parse_id(id_text);
  auto request = id ? visible_request(*id, *caller.user) : std::nullopt;
  if (!request) {
    send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
    return std::nullopt;
  }
  const auto catalog = catalogs_.current();
  RequestAction out{std::move(*request), app::actor_of(*caller.user, store_), {}, {}};
  out.view = app::view_of(out.request, *catalog, store_);
  const auto* definition = catalog->find_definition(out.request.definition_id);
  out.definition_name = definition ? definition->name : out.request.definition_id;
  return out;
}

void App::transfer_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form) {
  auto loaded = load_request_action(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& request = loaded->request;
  const std::string rid = std::to_string(request.id);
  const bool member = caller.user->organization_siret == request.organization_siret;
  if (!member) {
    // An instructor transfers from the instruction space (its own page and wording).
    if (req.method == "GET") return http::redirect(res, "/instruction/demandes/" + rid + "/transferer");
    return send_error_page(res, 403, "Action non autorisée", "Transférez cette demande depuis l’espace d’instruction.",
                           caller);
  }
  const bool applicant = request.user_id == caller.user->id;
  const auto transfer = app::member_transfer(loaded->actor, loaded->view, applicant);
  switch (transfer.verdict) {
    case domain::Verdict::Allowed: break;
    case domain::Verdict::WrongState:
      return send_error_page(res, 409, "Transfert impossible",
                             "Une demande en brouillon ne peut pas être transférée : seules les demandes déjà envoyées ou "
                             "les mises à jour d’une habilitation le peuvent.",
                             caller);
    case domain::Verdict::NotVisible:
      return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.",
                             caller);
    case domain::Verdict::Forbidden:
      return send_error_page(res, 403, "Action non autorisée", "Vous n’avez pas le droit de transférer cette demande.",
                             caller);
  }

  server::ActionPage page;
  page.cancel_href = "/demandes/" + rid;
  const std::string about = "Demande n°" + rid + " – « " + server::project_name_of(request.data_json) + " ».";
  if (!loaded->view.features.transfer) {
    // DataPass's "Transfert manuel requis" (DGFiP turns transfer off).
    if (req.method == "POST") {
      return send_error_page(res, 403, "Transfert manuel requis",
                             "La fonctionnalité de transfert automatique n'est pas disponible pour « " +
                                 loaded->definition_name + " ».",
                             caller);
    }
    page.title = "Transfert manuel requis";
    page.paragraphs = {
        about,
        "La fonctionnalité de transfert automatique n'est pas disponible pour « " + loaded->definition_name + " ».",
        "Pour transférer cette demande, écrivez au fournisseur de données en indiquant le numéro de la demande (n°" + rid +
            ") et l’email de la nouvelle personne.",
        "La nouvelle personne doit s’être connectée au moins une fois à DataPass avec l’organisation de la demande (numéro "
        "de siret " + request.organization_siret + ")."};
    page.cancel_label = "Retour à la demande";
  } else {
    std::string typed, error;
    if (req.method == "POST") {
      if (stale_post(form.pairs, request)) {
        return send_error_page(res, 409, "Transfert impossible",
                               "La demande a été modifiée entre-temps : relisez-la puis recommencez.", caller);
      }
      typed = http::form_value(form.pairs, "email");
      if (!formc::rt::is_valid_utf8(typed)) return send_error_page(res, 400, "Requête invalide", "Texte mal encodé.", caller);
      const auto outcome =
          lifecycle_.transfer(loaded->actor, request.id, applicant ? std::optional<std::string>(typed) : std::nullopt);
      if (outcome.kind == app::Outcome::Kind::Ok) {
        return http::redirect(res, "/demandes/" + rid + (applicant ? "?fait=transferee" : "?fait=transfert-recu"));
      }
      if (outcome.kind != app::Outcome::Kind::Invalid) return send_outcome_page(res, outcome, caller);
      error = outcome.message;
    }
    page.action = "/demandes/" + rid + "/transferer";
    page.csrf = caller.csrf_token;
    page.version = std::to_string(request.version);
    if (!error.empty()) {
      page.error_title = "Transfert de la demande impossible";
      page.error = error;
    }
    if (applicant) {
      page.title = "Transférer ma demande d’habilitation";
      page.paragraphs = {about, "Vous êtes sur le point de transférer votre demande d’habilitation n°D" + rid +
                             " vers le compte d’un autre usager, qui en deviendra le demandeur. Tant que vous appartenez "
                             "à la même organisation, vous pourrez toujours la consulter ou refaire un transfert vers "
                             "votre compte.",
                         "Le nouveau demandeur doit remplir les conditions suivantes :"};
      page.conditions = {"il possède un compte sur DataPass ;",
                         "il appartient à la même organisation que la demande d’habilitation (siret " +
                             request.organization_siret + ")."};
      page.field = "email";
      page.textarea = false;
      page.field_label = "Email du nouveau demandeur";
      page.field_hint = "Format attendu : nom@domaine.fr";
      page.value = typed;
      page.field_error = error;
      page.submit_label = "Valider le transfert";
    } else {
      page.title = "Transfert d’une demande d’habilitation";
      page.paragraphs = {about, "Vous êtes sur le point de transférer la demande d’habilitation n°D" + rid +
                         " vers votre compte : vous en deviendrez le demandeur. Vous pourrez toujours refaire un "
                         "transfert vers un autre utilisateur."};
      page.submit_label = "Valider le transfert vers mon compte";
    }
  }
  const bool refused = !page.error.empty();
  pages::PageShell shell;
  shell.title = page.title;
  shell.heading_in_body = true;
  shell.body_html = server::render_action_page(page);
  shell.breadcrumbs = {{"Demandes et habilitations", "/demandes"}, {"Demande n°" + rid, "/demandes/" + rid},
                       {"Transférer", ""}};
  send_page(res, refused ? 422 : 200, std::move(shell), caller);
}

void App::cancel_update_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                             const PostedForm& form) {
  auto loaded = load_request_action(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& request = loaded->request;
  const std::string rid = std::to_string(request.id);
  const bool applicant =
      request.user_id == caller.user->id && request.organization_siret == caller.user->organization_siret;
  if (!applicant) {
    return send_error_page(res, 403, "Action non autorisée", "Seul le demandeur peut annuler sa demande de modification.",
                           caller);
  }
  if (!request.reopening() || domain::can(loaded->actor, domain::Action::CancelReopening, loaded->view) !=
                                  domain::Verdict::Allowed) {
    return send_error_page(res, 409, "Annulation impossible",
                           request.reopening() ? "Votre demande de modification a été envoyée : elle ne peut plus être "
                                                 "annulée."
                                               : "Cette demande n’est pas une mise à jour en cours.",
                           caller);
  }
  if (req.method == "POST") {
    if (stale_post(form.pairs, request)) {
      return send_error_page(res, 409, "Annulation impossible",
                             "La demande a été modifiée entre-temps : relisez-la puis recommencez.", caller);
    }
    const auto outcome = lifecycle_.cancel_reopening(loaded->actor, request.id, std::nullopt);
    if (outcome.kind == app::Outcome::Kind::Ok) {
      return http::redirect(res, "/demandes?fait=reouverture-annulee&demande=" + rid);
    }
    return send_outcome_page(res, outcome, caller);
  }
  server::ActionPage page;
  page.title = "Annulation de vos modifications";
  page.paragraphs = {"Demande de mise à jour n°" + rid + " – « " + server::project_name_of(request.data_json) + " ».",
                     "Vous êtes sur le point d’annuler votre demande de modification : l’ensemble des changements que "
                     "vous avez pu effectuer seront perdus. Votre habilitation quant à elle sera toujours valide."};
  page.irreversible = true;
  page.action = "/demandes/" + rid + "/annuler-mise-a-jour";
  page.csrf = caller.csrf_token;
  page.version = std::to_string(request.version);
  page.submit_label = "Annuler ma demande de modification";
  page.cancel_href = pages::summary_url(request.id);
  page.cancel_label = "Retour à la synthèse";
  pages::PageShell shell;
  shell.title = page.title;
  shell.heading_in_body = true;
  shell.body_html = server::render_action_page(page);
  shell.breadcrumbs = {{"Demandes et habilitations", "/demandes"}, {"Demande n°" + rid, pages::summary_url(request.id)},
                       {"Annulation", ""}};
  send_page(res, 200, std::move(shell), caller);
}

void App::archive_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form) {
  auto loaded = load_request_action(req.matches[1].str(), res, caller);
  if (!loaded) return;
  const auto& request = loaded->request;
  const std::string rid = std::to_string(request.id);
  const bool applicant =
      request.user_id == caller.user->id && request.organization_siret == caller.user->organization_siret;
  // "Supprimer" is the applicant's (§2.6); instructors delete drafts from the instruction space.
  if (!applicant) {
    return send_error_page(res, 403, "Action non autorisée", "Seul le demandeur peut supprimer sa demande.", caller);
  }
  if (domain::can(loaded->actor, domain::Action::Archive, loaded->view) != domain::Verdict::Allowed) {
    return send_error_page(res, 409, "Suppression impossible",
                           "Seule une demande en brouillon, refusée ou révoquée, sans habilitation active, peut être "
                           "supprimée.",
                           caller);
  }
  if (req.method == "POST") {
    if (stale_post(form.pairs, request)) {
      return send_error_page(res, 409, "Suppression impossible",
                             "La demande a été modifiée entre-temps : relisez-la puis recommencez.", caller);
    }
    const auto outcome = instruction_.archive(loaded->actor, request.id);
    if (outcome.kind == app::Outcome::Kind::Ok) return http::redirect(res, "/demandes?fait=supprimee&demande=" + rid);
    return send_outcome_page(res, outcome, caller);
  }
  server::ActionPage page;
  page.title = "Suppression de la demande d’habilitation « " + server::project_name_of(request.data_json) + " »";
  page.paragraphs = {"La demande n°" + rid + " sera supprimée : elle n’apparaîtra plus dans vos demandes."};
  page.irreversible = true;
  page.action = "/demandes/" + rid + "/supprimer";
  page.csrf = caller.csrf_token;
  page.version = std::to_string(request.version);
  page.submit_label = "Supprimer la demande d’habilitation";
  page.cancel_href = "/demandes/" + rid;
  pages::PageShell shell;
  shell.title = "Suppression de la demande d’habilitation n°" + rid;
  shell.heading_in_body = true;
  shell.body_html = server::render_action_page(page);
  shell.breadcrumbs = {{"Demandes et habilitations", "/demandes"}, {"Demande n°" + rid, "/demandes/" + rid},
                       {"Supprimer", ""}};
  send_page(res, 200, std::move(shell), caller);
}

}  // namespace formd
