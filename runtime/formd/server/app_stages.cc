// Stages sandbox → production (LIFECYCLE.md §2.10): the pages of the
// applicant and of the instructor, and the stage data other pages show
// through templates/stage_*.mustache (badges "Bac à sable" / "Production",
// "Démarrer ma demande d’habilitation en production", "Annuler la demande
// de production"). The use cases (app/stages.h) ask the policy and commit;
// these handlers ask the same policy to decide what to show.
//
//   GET|POST /demandes/{id}/production                    introduction, "Débuter ma demande"
//   GET|POST /demandes/{id}/annuler-production            the applicant's confirmation
//   GET|POST /instruction/demandes/{id}/annuler-production the instructor's "Confirmer l'annulation"
#include <charconv>

#include "gen/paths.h"
#include "http/messages.h"
#include "pages/request_views.h"
#include "render/slot_filler.h"
#include "server/app.h"
#include "web/models.h"
#include "server/page_support.h"

namespace formd {

using server::parse_id;
using server::project_name_of;

namespace {

std::string definition_name_of(const catalog::Catalog& catalog, const std::string& id) {
  const auto* d = catalog.find_definition(id);
  return d ? d->name : id;
}

// The first page of a form's wizard the applicant fills in.
std::string first_step_url(const catalog::FormEntry& form, std::int64_t request_id) {
  for (const auto& p : form.pages) {
    if (!p.read_only) return pages::step_url(request_id, p.key);
  }
  return pages::summary_url(request_id);
}

}  // namespace

std::string stage_banner_html(const catalog::Catalog& catalog, const std::string& definition_id,
                              const storage::Request* request) {
  web::Data data;
  App::set_stage_badge(data, catalog, definition_id);
  // The wizard and the summary are the applicant's, in draft or changes
  // requested: a stage in progress is theirs to cancel (LIFECYCLE.md §2.10).
  const bool cancellable = request && request->next_stage_from &&
                           (request->state == domain::RequestState::Draft ||
                            request->state == domain::RequestState::ChangesRequested);
  data.set("stage_can_cancel", cancellable);
  if (request) data.set("stage_request_id", std::to_string(request->id));
  return web::render("stage_banner", data);
}

void App::set_stage_badge(web::Data& data, const catalog::Catalog& catalog, const std::string& definition_id) {
  const auto stage = app::stage_of(catalog, definition_id);
  data.set("has_stage", stage != app::Stage::None);
  data.set("stage", std::string(app::stage_name(stage)));
  data.set("stage_label", std::string(app::stage_label(stage)));
}

void App::set_stage_start(web::Data& data, const storage::Request& request, const std::vector<storage::Habilitation>& all,
                          std::optional<std::int64_t> habilitation_id, const Caller& caller) {
  bool can_start = false;
  if (caller.user && may(domain::Action::StartNextStage, request, caller) == domain::Verdict::Allowed) {
    const auto origin = app::stage_origin(request, all, *catalogs_.current());
    can_start = origin && (!habilitation_id || origin->id == *habilitation_id);
  }
  data.set("stage_can_start", can_start);
  data.set("stage_request_id", std::to_string(request.id));
}

void App::set_stage_habilitation(web::Data& data, const storage::Habilitation& habilitation, const storage::Request& request,
                                 const std::vector<storage::Habilitation>& all, const Caller& caller) {
  set_stage_badge(data, *catalogs_.current(), habilitation.definition_id);
  set_stage_start(data, request, all, habilitation.id, caller);
}

void App::set_stage_habilitation_card(web::Data& card, const storage::Habilitation& habilitation, const Caller& caller) {
  const auto request = store_.find_request_by_id(habilitation.request_id);
  set_stage_badge(card, *catalogs_.current(), habilitation.definition_id);
  card.set("stage_can_start", false);
  if (request) set_stage_start(card, *request, store_.habilitations_of(request->id), habilitation.id, caller);
}

void App::set_stage_request(web::Data& data, const httplib::Request& req, const storage::Request& request,
                            const Caller& caller) {
  set_stage_badge(data, *catalogs_.current(), request.definition_id);
  data.set("stage_can_cancel", may(domain::Action::CancelNextStage, request, caller) == domain::Verdict::Allowed &&
                                   request.user_id == caller.user->id);
  data.set("stage_cancelled", req.has_param("production-annulee"));
  set_stage_start(data, request, store_.habilitations_of(request.id), std::nullopt, caller);
}

void App::set_stage_instruction(web::Data& data, const storage::Request& request, const domain::Actor& actor) {
  const auto catalog = catalogs_.current();
  set_stage_badge(data, *catalog, request.definition_id);
  data.set("stage_can_cancel", domain::can(actor, domain::Action::CancelNextStage, app::view_of(request, *catalog, store_)) ==
                                   domain::Verdict::Allowed);
  data.set("stage_request_id", std::to_string(request.id));
}

// A refused stage page or action, as its use case or the policy says.
void App::send_stage_refusal(httplib::Response& res, const app::Outcome& outcome, const Caller& caller) {
  using Kind = app::Outcome::Kind;
  switch (outcome.kind) {
    case Kind::NotFound:
      return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.",
                             caller);
    case Kind::Forbidden: return send_error_page(res, 403, "Action non autorisée", outcome.message, caller);
    case Kind::Invalid: return send_error_page(res, 422, "Action impossible", outcome.message, caller);
    case Kind::WrongState:
    case Kind::Stale:
    case Kind::Ok: break;
  }
  send_error_page(res, 409, "Action impossible", outcome.message, caller);
}

// "Démarrer ma demande d’habilitation en production": the introduction
// page (GET), then "Débuter ma demande" (POST) starts the stage and opens
// the production wizard.
void App::stage_intro_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm&) {
  const auto id = parse_id(req.matches[1].str());
  const auto actor = app::actor_of(*caller.user, store_);
  if (req.method == "POST") {
    const auto outcome = id ? stages_.start_next_stage(actor, *id) : app::Outcome{app::Outcome::Kind::NotFound, "", {}, {}};
    if (outcome.kind != app::Outcome::Kind::Ok) return send_stage_refusal(res, outcome, caller);
    const auto catalog = catalogs_.current();
    const auto* form = catalog->find_form(outcome.request->form_uid);
    return http::redirect(res, form ? first_step_url(*form, outcome.request->id) : pages::request_url(outcome.request->id));
  }
  const auto request = id ? visible_request(*id, *caller.user) : std::nullopt;
  if (!request) return send_stage_refusal(res, {app::Outcome::Kind::NotFound, "", {}, {}}, caller);
  const auto catalog = catalogs_.current();
  const auto view = app::view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::StartNextStage, view)) {
    case domain::Verdict::NotVisible: return send_stage_refusal(res, {app::Outcome::Kind::NotFound, "", {}, {}}, caller);
    case domain::Verdict::Forbidden:
      return send_error_page(res, 403, "Action non autorisée",
                             "Seul le demandeur peut démarrer la demande d’habilitation en production.", caller);
    case domain::Verdict::WrongState:
      return send_error_page(res, 409, "Action impossible",
                             "Cette demande ne peut pas passer en production dans son état actuel.", caller);
    case domain::Verdict::Allowed: break;
  }
  const auto* definition = catalog->find_definition(request->definition_id);
  const auto* next = definition && definition->stage && definition->stage->next
                         ? catalog->find_form(definition->stage->next->form_id.value)
                         : nullptr;
  const auto origin = app::stage_origin(*request, store_.habilitations_of(request->id), *catalog);
  if (!next || !origin) {
    return send_error_page(res, 409, "Action impossible", "Cette demande ne peut pas passer en production.", caller);
  }
  web::Data data;
  data.set("id", std::to_string(request->id));
  data.set("project", project_name_of(request->data_json));
  data.set("definition", next->definition->name);
  data.set("form", next->display_name);
  data.set("sandbox_id", std::to_string(origin->id));
  data.set("csrf", caller.csrf_token);
  data.set("back_href", "/habilitations/" + std::to_string(origin->id));
  set_stage_badge(data, *catalog, next->definition->id);
  web::List steps;
  for (const auto& p : next->pages) {
    if (!p.read_only) steps.push_back(web::Data(p.title));
  }
  steps.push_back(web::Data(std::string("Les conditions générales d’utilisation")));
  data.set("steps", steps);
  const std::string* intro = catalog->file(formc::gen::paths::html_introduction(next->form->uid));
  data.set("introduction_trusted_html",
           web::trusted_html(intro ? render::fill_slots(*intro, render::SlotContext{}) : std::string()));
  pages::PageShell page;
  page.title = "Demande d’habilitation en production – " + next->definition->name;
  page.heading_in_body = true;
  page.body_html = web::render("stage_intro", data);
  page.breadcrumbs = {{"Demandes et habilitations", "/demandes?onglet=habilitations"},
                      {"Habilitation H" + std::to_string(origin->id), "/habilitations/" + std::to_string(origin->id)},
                      {"Demande en production", ""}};
  send_page(res, 200, std::move(page), caller);
}

// The confirmation page of "Annuler la demande de production" and the
// cancellation, for the applicant (`instructor` false) or an instructor.
void App::stage_cancel(const httplib::Request& req, httplib::Response& res, const Caller& caller, bool instructor) {
  const auto id = parse_id(req.matches[1].str());
  const auto actor = app::actor_of(*caller.user, store_);
  const std::string rid = id ? std::to_string(*id) : std::string();
  if (req.method == "POST") {
    const auto outcome = id ? stages_.cancel_next_stage(actor, *id) : app::Outcome{app::Outcome::Kind::NotFound, "", {}, {}};
    if (outcome.kind != app::Outcome::Kind::Ok) return send_stage_refusal(res, outcome, caller);
    // The instructor goes back to the list; the applicant sees the sandbox request again.
    return http::redirect(res, instructor ? std::string("/instruction/demandes") : "/demandes/" + rid + "?production-annulee=1");
  }
  const auto request = id ? visible_request(*id, *caller.user) : std::nullopt;
  if (!request) return send_stage_refusal(res, {app::Outcome::Kind::NotFound, "", {}, {}}, caller);
  const auto catalog = catalogs_.current();
  switch (domain::can(actor, domain::Action::CancelNextStage, app::view_of(*request, *catalog, store_))) {
    case domain::Verdict::NotVisible: return send_stage_refusal(res, {app::Outcome::Kind::NotFound, "", {}, {}}, caller);
    case domain::Verdict::Forbidden:
      return send_error_page(res, 403, "Action non autorisée",
                             "Seuls le demandeur et les instructeurs peuvent annuler la demande de production.", caller);
    case domain::Verdict::WrongState:
      return send_error_page(res, 409, "Action impossible",
                             "Cette demande n’est pas une demande de production que vous pouvez annuler.", caller);
    case domain::Verdict::Allowed: break;
  }
  web::Data data;
  data.set("id", rid);
  data.set("project", project_name_of(request->data_json));
  data.set("definition", definition_name_of(*catalog, request->definition_id));
  data.set("sandbox_id", request->next_stage_from ? std::to_string(*request->next_stage_from) : std::string());
  data.set("applicant", !instructor);
  data.set("csrf", caller.csrf_token);
  data.set("action", (instructor ? "/instruction/demandes/" : "/demandes/") + rid + "/annuler-production");
  data.set("back_href", (instructor ? "/instruction/demandes/" : "/demandes/") + rid);
  data.set("submit_label", instructor ? "Confirmer l'annulation" : "Annuler la demande de production");
  set_stage_badge(data, *catalog, request->definition_id);
  pages::PageShell page;
  page.title = "Annuler la demande de production n°" + rid;
  page.heading_in_body = true;
  page.body_html = web::render("stage_cancel", data);
  if (instructor) {
    page.breadcrumbs = {{"Instruction", "/instruction/demandes"}, {"Demande n°" + rid, "/instruction/demandes/" + rid},
                        {"Annuler la demande de production", ""}};
  } else {
    page.breadcrumbs = {{"Mes demandes", "/demandes"}, {"Demande n°" + rid, "/demandes/" + rid},
                        {"Annuler la demande de production", ""}};
  }
  send_page(res, 200, std::move(page), caller);
}

void App::install_stage_pages(http::Router& router) {
  auto signed_in = [this](bool instructor_side) {
    return page(instructor_side ? PageAccess::RoleHolder : PageAccess::SignedIn,
                [this, instructor_side](const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                        const PostedForm&) { stage_cancel(req, res, caller, instructor_side); });
  };
  auto intro = page(PageAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                                 const PostedForm& form) { stage_intro_page(req, res, caller, form); });
  router.get(R"(/demandes/(\d{1,18})/production)", intro);
  router.post(R"(/demandes/(\d{1,18})/production)", intro);
  router.get(R"(/demandes/(\d{1,18})/annuler-production)", signed_in(false));
  router.post(R"(/demandes/(\d{1,18})/annuler-production)", signed_in(false));
  router.get(R"(/instruction/demandes/(\d{1,18})/annuler-production)", signed_in(true));
  router.post(R"(/instruction/demandes/(\d{1,18})/annuler-production)", signed_in(true));
}

}  // namespace formd
