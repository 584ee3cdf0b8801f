// The applicant's pages: starting a request, the wizard, the summary and
// submission, "mes demandes".
#include <algorithm>
#include <charconv>
#include <ctime>

#include "formc/runtime/strings.h"
#include "gen/paths.h"
#include "pages/request_views.h"
#include "render/form_post.h"
#include "render/slot_filler.h"
#include "server/app.h"
#include "server/page_support.h"
#include "web/models.h"
#include "http/messages.h"

namespace formd {

using server::parse_id;

using PostPairs = std::vector<std::pair<std::string, std::string>>;

namespace {

bool all_utf8(const PostPairs& pairs) {
  return std::all_of(pairs.begin(), pairs.end(), [](const auto& p) {
    return formc::rt::is_valid_utf8(p.first) && formc::rt::is_valid_utf8(p.second);
  });
}

std::string date_text(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%Y %H:%M UTC", &tm);
  return buf;
}

// The applicant's badge kind (DSFR), with DataPass's label (LIFECYCLE.md §2.0).
void set_state_badge(web::Data& data, storage::RequestState state) {
  using S = storage::RequestState;
  const char* kind = "";
  switch (state) {
    case S::Draft: kind = "new"; break;
    case S::Submitted: kind = "info"; break;
    case S::ChangesRequested: kind = "warning"; break;
    case S::Validated: kind = "success"; break;
    case S::Refused:
    case S::Revoked: kind = "error"; break;
    case S::Archived: kind = ""; break;
  }
  data.set("has_state_kind", *kind != '\0');
  data.set("state_kind", kind);
  data.set("state_label", std::string(domain::badge_label(state)));
}

// {problems, has_omitted, omitted} for templates/problems.mustache.
void set_problems(web::Data& data, const render::PostResult& posted) {
  web::List problems;
  for (const auto& p : posted.problems) problems.push_back(web::Data(p.message));
  data.set("problems", problems);
  data.set("has_omitted", posted.omitted_problems > 0);
  data.set("omitted", std::to_string(posted.omitted_problems));
}

// The errors of `fields`, at most kMaxErrorsShown of them (a page shows
// each at its field and in the summary: a hostile post must not make it huge).
std::vector<formc::rt::Error> only_fields(const std::vector<formc::rt::Error>& errors,
                                          const std::vector<const formc::model::Field*>& fields) {
  std::vector<formc::rt::Error> out;
  for (const auto& e : errors) {
    if (out.size() == kMaxErrorsShown) break;
    if (std::any_of(fields.begin(), fields.end(), [&](const auto* f) { return f->name == e.field; })) out.push_back(e);
  }
  return out;
}

std::optional<std::size_t> page_index(const catalog::FormEntry& form, std::string_view key) {
  for (std::size_t i = 0; i < form.pages.size(); ++i) {
    if (form.pages[i].key == key) return i;
  }
  return std::nullopt;
}

// The query parameters a new request may be prefilled with (DATAPASS.md §6.2):
// prefillable fields (never contacts), scopes, as "F" or "F[]".
std::vector<const formc::model::Field*> prefill_fields(const formc::model::Definition& def, const PostPairs& pairs) {
  std::vector<const formc::model::Field*> out;
  for (const auto& block : def.blocks) {
    for (const auto& f : block.fields) {
      if (f.type == formc::model::FieldType::Document || !f.contact_kind.empty()) continue;
      if (!f.prefillable && f.type != formc::model::FieldType::Scopes) continue;
      const bool given = std::any_of(pairs.begin(), pairs.end(),
                                     [&](const auto& p) { return p.first == f.name || p.first == f.name + "[]"; });
      if (given) out.push_back(&f);
    }
  }
  return out;
}

}  // namespace

std::optional<App::OwnedRequest> App::load_owned(std::string_view id_text, httplib::Response& res, const Caller& caller,
                                                 const catalog::Catalog& catalog) {
  const auto id = parse_id(id_text);
  std::optional<storage::Request> request;
  if (id && caller.user) request = visible_request(*id, *caller.user);
  if (!request) {
    send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
    return std::nullopt;
  }
  const auto* form = catalog.find_form(request->form_uid);
  if (!form) {
    send_error_page(res, 410, "Formulaire retiré", "Le formulaire de cette demande n’est plus proposé.", caller);
    return std::nullopt;
  }
  nlohmann::json data = nlohmann::json::parse(request->data_json, nullptr, false);
  if (!data.is_object()) data = nlohmann::json::object();
  auto documents = store_.documents_of(request->id);
  return OwnedRequest{std::move(*request), form, std::move(data), std::move(documents)};
}

domain::Verdict App::may(domain::Action action, const storage::Request& request, const Caller& caller) {
  if (!caller.user) return domain::Verdict::NotVisible;
  const auto catalog = catalogs_.current();
  return domain::can(app::actor_of(*caller.user, store_), action, app::view_of(request, *catalog, store_));
}

std::optional<std::int64_t> App::check_draft_post(const OwnedRequest& owned,
                                                  const std::vector<std::pair<std::string, std::string>>& pairs,
                                                  httplib::Response& res, const Caller& caller) {
  // Only the applicant edits, and only a draft or a request whose changes were asked for.
  switch (may(domain::Action::Edit, owned.request, caller)) {
    case domain::Verdict::Allowed: break;
    case domain::Verdict::WrongState:
      send_error_page(res, 409, "Demande déjà soumise", "Cette demande a été soumise : elle ne peut plus être modifiée.", caller);
      return std::nullopt;
    default:
      send_error_page(res, 403, "Action non autorisée", "Seul le demandeur peut modifier cette demande.", caller);
      return std::nullopt;
  }
  if (!all_utf8(pairs)) {
    send_error_page(res, 400, "Requête invalide", "Le formulaire contient du texte mal encodé.", caller);
    return std::nullopt;
  }
  const auto version = parse_id(http::form_value(pairs, "_version"));
  if (!version) send_error_page(res, 400, "Requête invalide", "La version de la demande est absente.", caller);
  return version;
}

void App::start_request(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const auto catalog = catalogs_.current();
  const auto* entry = catalog->find_form(req.matches[1].str());
  if (!entry || !entry->startable) {
    return send_error_page(res, 404, "Formulaire introuvable", "Ce formulaire n’existe pas.", caller);
  }
  if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=" + http::url_encode(req.target));

  // Query parameters travel to the creation as hidden inputs (prefill.<name>).
  PostPairs query;
  for (const auto& [k, v] : req.params) query.emplace_back(k, v);
  web::Data data;
  web::List prefill;
  for (const auto* f : prefill_fields(*entry->definition, query)) {
    for (const auto& [k, v] : query) {
      if ((k == f->name || k == f->name + "[]") && formc::rt::is_valid_utf8(v) && v.size() <= options_.max_value_bytes) {
        web::Data input;
        input.set("name", k);
        input.set("value", v);
        prefill.push_back(input);
      }
    }
  }
  data.set("prefill", prefill);
  web::List steps;
  for (const auto& p : entry->pages) steps.push_back(web::Data(p.title));
  data.set("steps", steps);
  const std::string* intro = catalog->file(formc::gen::paths::html_introduction(entry->form->uid));
  data.set("introduction_trusted_html", web::trusted_html(intro ? render::fill_slots(*intro, render::SlotContext{}) : std::string()));
  data.set("uid", entry->form->uid);
  data.set("csrf", caller.csrf_token);
  pages::PageShell page;
  page.title = "Nouvelle demande : " + entry->display_name;
  page.body_html = stage_banner_html(*catalog, entry->definition->id, nullptr) + web::render("start_request", data);
  page.breadcrumbs = {{"Catalogue", "/"}, {entry->definition->name, "/definitions/" + entry->definition->id},
                      {"Nouvelle demande", ""}};
  send_page(res, 200, std::move(page), caller);
}

void App::create_request(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!http::is_form_post(req)) return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
  const auto pairs = http::form_pairs(req);
  if (!check_form_csrf(req, res, caller, http::form_value(pairs, "_csrf"))) return;
  if (!caller.logged_in()) return http::redirect(res, "/connexion");
  const auto catalog = catalogs_.current();
  const auto* entry = catalog->find_form(req.matches[1].str());
  if (!entry || !entry->startable) {
    return send_error_page(res, 404, "Formulaire introuvable", "Ce formulaire n’existe pas.", caller);
  }
  nlohmann::json data = catalog->prefill(*entry);
  PostPairs prefill;
  for (const auto& [k, v] : pairs) {
    if (k.rfind("prefill.", 0) == 0 && formc::rt::is_valid_utf8(k) && formc::rt::is_valid_utf8(v)) {
      prefill.emplace_back(k.substr(8), v);
    }
  }
  // Attribute by attribute, as DataPass's setters: a value that cannot be
  // read, or that the validator refuses even in a draft (an unknown scope, a
  // word for a number), is skipped; the others stay.
  for (const auto* field : prefill_fields(*entry->definition, prefill)) {
    PostPairs own;
    for (const auto& [k, v] : prefill) {
      if (k == field->name || k == field->name + "[]") own.emplace_back(k, v);
    }
    auto applied = render::apply_form_post(*entry->definition, *entry->form, {field}, own, data,
                                           options_.max_value_bytes);
    if (!applied.ok()) continue;
    const auto errors = catalog->validate(*entry, applied.data, formc::rt::Context::draft());
    const bool refused = std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.field == field->name; });
    if (!refused) data = std::move(applied.data);
  }
  storage::NewRequest fresh{entry->form->uid, entry->definition->id, catalog->definition_hash(entry->definition->id),
                            data.dump(), caller.user->id, caller.user->organization_siret};
  const auto created = store_.create_request(fresh);
  http::redirect(res, pages::step_url(created.id, entry->pages.front().key));
}

void App::my_requests(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=%2Fdemandes");
  const auto catalog = catalogs_.current();
  const bool habilitations_tab = req.get_param_value("onglet") == "habilitations";
  web::Data data;
  data.set("requests_tab", !habilitations_tab);
  data.set("habilitations_tab", habilitations_tab);
  {
    // DataPass's notices after an action that ends here (LIFECYCLE.md §2.3, §2.6).
    const std::string done = req.get_param_value("fait");
    const auto about = server::parse_id(req.get_param_value("demande"));
    const auto request = about ? store_.find_request_by_id(*about) : std::nullopt;
    std::string notice;
    if (request && request->organization_siret == caller.user->organization_siret) {
      const std::string project = server::project_name_of(request->data_json);
      if (done == "mise-a-jour-soumise") {
        notice = "La demande de mise à jour de l’habilitation « " + project + " » a été soumise avec succès.";
      } else if (done == "reouverture-annulee") {
        notice = "La réouverture de l’habilitation « " + project + " » a été annulée.";
      } else if (done == "supprimee") {
        notice = "La demande d’habilitation « " + project + " » a été supprimée avec succès.";
      }
    }
    data.set("has_notice", !notice.empty());
    data.set("notice", notice);
  }
  const auto actor = app::actor_of(*caller.user, store_);
  auto who = [&](std::int64_t user_id) {
    return user_id == caller.user->id ? std::string("vous êtes le demandeur") : user_label(user_id) + " est le demandeur";
  };
  auto definition_name = [&](const std::string& id) {
    const auto* d = catalog->find_definition(id);
    return d ? d->name : id;
  };
  auto form_name = [&](const std::string& uid) {
    const auto* f = catalog->find_form(uid);
    return f ? f->display_name : uid;
  };
  auto project = [](const std::string& data_json) {
    const auto d = nlohmann::json::parse(data_json, nullptr, false);
    const auto it = d.is_object() ? d.find("intitule") : d.end();
    return d.is_object() && it != d.end() && it->is_string() ? it->get<std::string>() : std::string("(sans nom)");
  };
  if (!habilitations_tab) {
    // DataPass's groups (LIFECYCLE.md §2.2); validated, archived and revoked requests live on as habilitations.
    using S = storage::RequestState;
    const struct {
      S state;
      const char* key;
      const char* title;
    } groups[] = {{S::ChangesRequested, "a-modifier", "Demandes à modifier"},
                  {S::Submitted, "en-cours", "Demandes en cours d’instruction"},
                  {S::Draft, "brouillons", "Demandes en brouillon"},
                  {S::Refused, "refusees", "Demandes refusées"}};
    const auto requests = store_.list_requests(caller.user->organization_siret);
    // The applicant's unread messages, on their own cards (LIFECYCLE.md §2.7).
    std::vector<std::int64_t> request_ids;
    for (const auto& r : requests) request_ids.push_back(r.id);
    const auto unread = store_.unread_messages(request_ids);
    web::List group_list;
    for (const auto& g : groups) {
      web::List cards;
      for (const auto& r : requests) {
        if (r.state != g.state) continue;
        web::Data card;
        card.set("id", std::to_string(r.id));
        card.set("definition", definition_name(r.definition_id));
        card.set("project", project(r.data_json));
        card.set("form", form_name(r.form_uid));
        card.set("who", who(r.user_id));
        card.set("updated", web::date_text(r.updated_at));
        const bool editable = (r.state == S::Draft || r.state == S::ChangesRequested) && r.user_id == caller.user->id;
        card.set("action", editable && !r.reopening() ? (r.state == S::Draft ? "Continuer" : "Modifier") : "Consulter");
        web::set_badge(card, r.state);
        set_unread_badge(card, r.user_id == caller.user->id && unread.count(r.id) ? unread.at(r.id).applicant : 0,
                         "/demandes/" + std::to_string(r.id) + "/messagerie");
        // An update of a habilitation: "Mise à jour" and "Réouverte le …" (§2.2).
        card.set("update", r.reopening());
        card.set("reopened", r.reopened_at ? web::date_text(*r.reopened_at) : std::string());
        set_stage_badge(card, *catalog, r.definition_id);  // "Bac à sable" / "Production"
        cards.push_back(card);
      }
      if (cards.empty()) continue;
      web::Data group;
      group.set("key", g.key);
      group.set("title", g.title);
      group.set("count", std::to_string(cards.size()));
      group.set("highlight", g.state == S::ChangesRequested);
      group.set("cards", cards);
      group_list.push_back(group);
    }
    data.set("has_requests", !group_list.empty());
    data.set("groups", group_list);
  } else {
    using H = domain::HabilitationState;
    const auto habilitations = store_.habilitations_of_organization(caller.user->organization_siret);
    // The applicant's unread messages about their habilitations' requests (LIFECYCLE.md §2.7).
    std::vector<std::int64_t> request_ids;
    for (const auto& h : habilitations) request_ids.push_back(h.request_id);
    const auto unread = store_.unread_messages(request_ids);
    web::List group_list;
    // Obsolete habilitations are not listed (LIFECYCLE.md §2.2).
    for (const auto& [state, key, title] : {std::tuple{H::Active, "actives", "Habilitations actives"},
                                            std::tuple{H::Revoked, "revoquees", "Habilitations révoquées"}}) {
      web::List cards;
      for (const auto& h : habilitations) {
        if (h.state != state) continue;
        web::Data card;
        card.set("hid", std::to_string(h.id));
        card.set("definition", definition_name(h.definition_id));
        card.set("project", project(h.data_json));
        card.set("form", form_name(h.form_uid));
        card.set("who", who(h.applicant_user_id));
        card.set("validated", web::date_text(h.created_at));
        web::set_badge(card, h.state);
        set_unread_badge(card, h.applicant_user_id == caller.user->id && unread.count(h.request_id)
                                   ? unread.at(h.request_id).applicant
                                   : 0,
                         "/habilitations/" + std::to_string(h.id) + "/messagerie");
        set_stage_habilitation_card(card, h, caller);  // its stage; "Démarrer ma demande d’habilitation en production"
        // "Mettre à jour" when this one may be updated by the viewer (§2.3).
        bool can_update = false;
        if (h.state == H::Active) {
          const auto request = store_.find_request_by_id(h.request_id);
          const bool latest = std::none_of(habilitations.begin(), habilitations.end(), [&](const auto& other) {
            return other.request_id == h.request_id && other.definition_id == h.definition_id && other.id > h.id;
          });
          can_update = request && latest &&
                       domain::can(actor, domain::Action::Reopen, app::view_of(*request, *catalog, store_)) ==
                           domain::Verdict::Allowed;
        }
        card.set("can_update", can_update);
        cards.push_back(card);
      }
      if (cards.empty()) continue;
      web::Data group;
      group.set("key", key);
      group.set("title", title);
      group.set("count", std::to_string(cards.size()));
      group.set("cards", cards);
      group_list.push_back(group);
    }
    data.set("has_habilitations", !group_list.empty());
    data.set("hgroups", group_list);
  }
  pages::PageShell page;
  page.title = habilitations_tab ? "Les habilitations délivrées" : "Les demandes en cours";
  page.heading_in_body = true;
  page.body_html = web::render("dashboard", data);
  page.breadcrumbs = {{"Catalogue", "/"}, {"Demandes et habilitations", ""}};
  send_page(res, 200, std::move(page), caller);
}

void App::show_request(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=" + http::url_encode(req.path));
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return;
  const auto& r = owned->request;
  // Instructors and reporters see it through the instruction space.
  if (r.organization_siret != caller.user->organization_siret) {
    return http::redirect(res, "/instruction/demandes/" + std::to_string(r.id));
  }
  if (may(domain::Action::Edit, r, caller) == domain::Verdict::Allowed) {
    // An update is edited from its summary, never through the wizard (LIFECYCLE.md §2.3).
    if (r.reopening()) return http::redirect(res, pages::summary_url(r.id));
    if (r.state == storage::RequestState::Draft) return http::redirect(res, pages::step_url(r.id, owned->form->pages.front().key));
  }
  web::Data data;
  data.set("sent", req.has_param("envoyee"));
  set_state_badge(data, r.state);
  data.set("update", r.reopening());
  {
    // After a transfer (LIFECYCLE.md §2.4), the wording of the side who made it.
    const std::string done = req.get_param_value("fait");
    const std::string project = server::project_name(owned->data);
    std::string notice;
    if (done == "transferee") {
      const auto applicant = store_.find_user(r.user_id);
      notice = "Votre demande d’habilitation « " + project + " » a bien été transférée à l’utilisateur " +
               (applicant ? applicant->email : std::string("choisi")) + ".";
    } else if (done == "transfert-recu" && r.user_id == caller.user->id) {
      notice = "La demande d’habilitation « " + project + " » a bien été transférée sur votre compte.";
    }
    data.set("has_notice", !notice.empty());
    data.set("notice", notice);
    // The organisation's actions on the request, as the policy says.
    const auto actor = app::actor_of(*caller.user, store_);
    auto view = app::view_of(r, *catalog, store_);
    const bool applicant = r.user_id == caller.user->id;
    const bool can_transfer = app::member_transfer(actor, view, applicant).verdict == domain::Verdict::Allowed;
    const bool can_archive = applicant && domain::can(actor, domain::Action::Archive, view) == domain::Verdict::Allowed;
    data.set("can_transfer", can_transfer);
    data.set("can_archive", can_archive);
    data.set("has_actions", can_transfer || can_archive);
    data.set("id", std::to_string(r.id));
  }
  data.set("has_submitted", r.submitted_at.has_value());
  data.set("submitted", r.submitted_at ? date_text(*r.submitted_at) : std::string());
  {
    // The instructor's last word, and the habilitations the request issued (templates/request_status.mustache).
    const auto events = store_.events_of(r.id);
    auto last_reason = [&](std::string_view name) {
      for (const auto& e : events) {
        if (e.name == name) return e.reason.value_or("");
      }
      return std::string();
    };
    const bool changes = r.state == storage::RequestState::ChangesRequested;
    const bool refused = r.state == storage::RequestState::Refused;
    data.set("changes_requested", changes);
    data.set("refused", refused);
    if (changes) data.set("reason", last_reason("request_changes"));
    if (refused) data.set("reason", last_reason("refuse"));
    data.set("can_edit", changes && may(domain::Action::Edit, r, caller) == domain::Verdict::Allowed);
    data.set("edit_href", pages::step_url(r.id, owned->form->pages.front().key));
    web::List habilitations;
    for (const auto& h : store_.habilitations_of(r.id)) {
      web::Data item;
      item.set("hid", std::to_string(h.id));
      item.set("state_label", std::string(domain::badge_label(h.state)));
      habilitations.push_back(item);
    }
    data.set("has_habilitations", !habilitations.empty());
    data.set("habilitations", habilitations);
  }
  pages::SummaryView view;
  view.catalog = catalog.get();
  view.form = owned->form;
  view.data = &owned->data;
  view.request_id = r.id;
  view.editable = false;
  view.documents_html = [&owned](std::string_view field) { return documents::list_html(owned->documents, field, false); };
  data.set("summary_trusted_html", web::trusted_html(pages::summary_body(view)));
  set_messaging_link(data, r, caller, "/demandes/" + std::to_string(r.id) + "/messagerie");  // messages_link.mustache
  set_request_history(data, r, *catalog);  // templates/history.mustache
  set_stage_request(data, req, r, caller);  // templates/stage_request.mustache
  pages::PageShell page;
  page.title = "Demande n°" + std::to_string(r.id) + " – " + owned->form->display_name;
  page.body_html = web::render("request", data);
  page.breadcrumbs = {{"Mes demandes", "/demandes"}, {"Demande n°" + std::to_string(r.id), ""}};
  send_page(res, 200, std::move(page), caller);
}

namespace {

struct StepRender {
  std::vector<formc::rt::Error> errors;
  bool checked = false;
  pages::WizardNotice notice = pages::WizardNotice::None;
};

}  // namespace

static pages::PageShell wizard_shell(const catalog::Catalog& catalog, const App::OwnedRequest& owned, std::size_t index,
                                     const StepRender& state, const std::string& csrf) {
  const auto& form = *owned.form;
  pages::WizardPageView view;
  view.catalog = &catalog;
  view.form = &form;
  view.page_index = index;
  view.data = &owned.data;
  view.errors = state.errors;
  view.checked = state.checked;
  view.action = pages::step_url(owned.request.id, form.pages[index].key);
  view.csrf_token = csrf;
  view.version = owned.request.version;
  if (index > 0) view.previous_url = pages::step_url(owned.request.id, form.pages[index - 1].key);
  // An update edits one page at a time from its summary (LIFECYCLE.md §2.3).
  if (owned.request.reopening()) view.update_summary_url = pages::summary_url(owned.request.id);
  view.notice = state.notice;
  view.documents_html = [&owned](std::string_view field) { return documents::list_html(owned.documents, field, true); };
  pages::PageShell page;
  page.title = "Demande n°" + std::to_string(owned.request.id) + " – " + form.display_name;
  page.body_html = stage_banner_html(catalog, owned.request.definition_id, &owned.request) + pages::wizard_page_body(view);
  page.scripts = pages::form_scripts(form);
  page.breadcrumbs = {{"Mes demandes", "/demandes"}, {"Demande n°" + std::to_string(owned.request.id), ""}};
  return page;
}

void App::show_step(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=" + http::url_encode(req.path));
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return;
  if (may(domain::Action::Edit, owned->request, caller) != domain::Verdict::Allowed) {
    return http::redirect(res, pages::request_url(owned->request.id));
  }
  const auto index = page_index(*owned->form, req.matches[2].str());
  if (!index) return send_error_page(res, 404, "Étape introuvable", "Cette étape n’existe pas pour ce formulaire.", caller);
  send_page(res, 200,
            with_messaging_link(wizard_shell(*catalog, *owned, *index, StepRender{}, caller.csrf_token), owned->request, caller),
            caller);
}

void App::save_step(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!http::is_form_post(req)) return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
  save_step_posted(req, res, caller, http::form_pairs(req), nullptr);
}

void App::save_step_posted(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                           const std::vector<std::pair<std::string, std::string>>& pairs, StepFiles* files) {
  if (!check_form_csrf(req, res, caller, http::form_value(pairs, "_csrf"))) return;
  if (!caller.logged_in()) return http::redirect(res, "/connexion");
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return;
  const auto& form = *owned->form;
  const auto index = page_index(form, req.matches[2].str());
  if (!index) return send_error_page(res, 404, "Étape introuvable", "Cette étape n’existe pas pour ce formulaire.", caller);
  const auto version = check_draft_post(*owned, pairs, res, caller);
  if (!version) return;
  const auto& page = form.pages[*index];
  // An update comes back to its summary after each page; a draft goes on to the next page.
  const std::string next = *index + 1 < form.pages.size() && !owned->request.reopening()
                               ? pages::step_url(owned->request.id, form.pages[*index + 1].key)
                               : pages::summary_url(owned->request.id);
  if (page.read_only) return http::redirect(res, next);

  const auto fields = pages::page_fields(*form.definition, page);
  auto posted = render::apply_form_post(*form.definition, *form.form, fields, pairs, owned->data, options_.max_value_bytes);
  if (!posted.ok()) {
    pages::PageShell shell;
    shell.title = "Formulaire refusé";
    web::Data data;
    set_problems(data, posted);
    data.set("step_href", pages::step_url(owned->request.id, page.key));
    shell.body_html = web::render("step_refused", data);
    return send_page(res, 400, std::move(shell), caller);
  }
  // Types and formats first (the draft context, as the API checks them):
  // a value the API would refuse is not stored either. The page comes back
  // with what was typed and every error of the step at its field (formats
  // and missing values alike); nothing is written.
  const auto context = page.validate_step.empty() ? formc::rt::Context::draft() : formc::rt::Context::at_step(page.validate_step);
  StepRender state;
  state.checked = true;
  if (!only_fields(catalog->validate(form, posted.data, formc::rt::Context::draft()), fields).empty()) {
    state.errors = only_fields(catalog->validate(form, posted.data, context), fields);
    owned->data = std::move(posted.data);
    state.notice = pages::WizardNotice::NotSaved;
    return send_page(res, 422, wizard_shell(*catalog, *owned, *index, state, caller.csrf_token), caller);
  }
  // Documents (issue 12): files and removals are written with the step; a
  // refused file is an error at its field and the rest is saved.
  StepDocuments step_files = step_documents(*owned, fields, pairs, files);
  storage::WriteResult written;
  if (step_files.add.empty() && step_files.remove.empty()) {
    written = store_.update_draft(owned->request.id, caller.user->organization_siret, *version, posted.data.dump(),
                                  caller.user->id);
  } else {
    storage::Request based_on = owned->request;
    based_on.version = *version;
    auto with_files = write_request_documents(based_on, posted.data, std::move(step_files.add), std::move(step_files.remove),
                                              caller.user->id);
    written = {with_files.outcome, std::move(with_files.request)};
    if (written.outcome == storage::WriteOutcome::Ok) {
      posted.data = server::parse_object(written.request->data_json);
      owned->documents = store_.documents_of(owned->request.id);
    }
  }
  if (written.outcome == storage::WriteOutcome::NotFound) {
    return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
  }
  if (written.outcome == storage::WriteOutcome::Stale || written.outcome == storage::WriteOutcome::WrongState) {
    pages::PageShell shell;
    shell.title = "Modification en conflit";
    web::Data data;
    data.set("step_href", pages::step_url(owned->request.id, page.key));
    shell.body_html = web::render("step_conflict", data);
    return send_page(res, 409, std::move(shell), caller);
  }
  owned->request = *written.request;
  owned->data = std::move(posted.data);

  state.errors = only_fields(catalog->validate(form, owned->data, context), fields);
  state.errors.insert(state.errors.begin(), step_files.errors.begin(), step_files.errors.end());
  const bool draft_only = http::form_value(pairs, "_action") == "draft";
  if (state.errors.empty() && !draft_only) return http::redirect(res, next);
  if (draft_only) {
    state.notice = pages::WizardNotice::DraftSaved;
  }
  send_page(res, state.errors.empty() ? 200 : 422,
            wizard_shell(*catalog, *owned, *index, state, caller.csrf_token), caller);
}

namespace {

// What the summary adds for an update of a habilitation (LIFECYCLE.md §2.3)
// or offers on a plain draft ("Supprimer", §2.6), as the policy says.
struct SummaryExtras {
  bool update = false;
  bool unchanged = false;  // the data equals the habilitation's: nothing to send yet
  bool changes_requested = false;
  std::string reason;       // the instructor's, when changes were requested
  std::string cancel_url;   // "Annuler ma demande de modification"
  std::string archive_url;  // "Supprimer"
  std::string error;        // why the last "Envoyer" was refused
};

SummaryExtras summary_extras(storage::Store& store, const catalog::Catalog& catalog, const App::OwnedRequest& owned,
                             const storage::User& user) {
  SummaryExtras x;
  const auto& r = owned.request;
  const auto actor = app::actor_of(user, store);
  const auto view = app::view_of(r, catalog, store);
  x.update = r.reopening();
  if (x.update) {
    if (const auto h = app::habilitation_to_restore(store, r.id)) {
      x.unchanged = nlohmann::json::parse(h->data_json, nullptr, false) == owned.data;
    }
    if (domain::can(actor, domain::Action::CancelReopening, view) == domain::Verdict::Allowed) {
      x.cancel_url = pages::request_url(r.id) + "/annuler-mise-a-jour";
    }
    if (r.state == storage::RequestState::ChangesRequested) {
      x.changes_requested = true;
      for (const auto& e : store.events_of(r.id)) {
        if (e.name == "request_changes") {
          x.reason = e.reason.value_or("");
          break;
        }
      }
    }
  } else if (domain::can(actor, domain::Action::Archive, view) == domain::Verdict::Allowed) {
    x.archive_url = pages::request_url(r.id) + "/supprimer";
  }
  return x;
}

}  // namespace

static pages::PageShell summary_shell(const catalog::Catalog& catalog, const App::OwnedRequest& owned,
                                      std::vector<formc::rt::Error> errors, const std::string& csrf,
                                      const SummaryExtras& extras) {
  pages::SummaryView view;
  view.catalog = &catalog;
  view.form = owned.form;
  view.data = &owned.data;
  view.request_id = owned.request.id;
  if (errors.size() > kMaxErrorsShown) errors.resize(kMaxErrorsShown);
  view.errors = std::move(errors);
  view.action = pages::request_url(owned.request.id) + "/soumettre";
  view.csrf_token = csrf;
  view.version = owned.request.version;
  view.update = extras.update;
  view.unchanged = extras.unchanged;
  view.cancel_update_url = extras.cancel_url;
  view.archive_url = extras.archive_url;
  view.documents_html = [&owned](std::string_view field) { return documents::list_html(owned.documents, field, false); };
  pages::PageShell page;
  page.title = extras.update ? "Demande de mise à jour des informations – demande n°" + std::to_string(owned.request.id)
                             : "Résumé de la demande n°" + std::to_string(owned.request.id);
  page.heading_in_body = extras.update;
  web::Data data;
  data.set("form_name", owned.form->display_name);
  data.set("update", extras.update);
  data.set("id", std::to_string(owned.request.id));
  data.set("siret", owned.request.organization_siret);
  web::set_badge(data, owned.request.state);
  data.set("changes_requested", extras.changes_requested);
  data.set("reason", extras.reason);
  data.set("has_error", !extras.error.empty());
  data.set("error", extras.error);
  data.set("summary_trusted_html", web::trusted_html(pages::summary_body(view)));
  page.body_html = stage_banner_html(catalog, owned.request.definition_id, &owned.request) + web::render("request_summary", data);
  page.scripts = pages::form_scripts(*owned.form);
  page.breadcrumbs = {{"Mes demandes", "/demandes"}, {"Demande n°" + std::to_string(owned.request.id), ""}};
  return page;
}

void App::show_summary(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=" + http::url_encode(req.path));
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return;
  if (may(domain::Action::Edit, owned->request, caller) != domain::Verdict::Allowed) {
    return http::redirect(res, pages::request_url(owned->request.id));
  }
  // What is still missing, except the final checkboxes the applicant has not seen yet.
  std::vector<formc::rt::Error> missing;
  const auto checkboxes = pages::submit_fields(*owned->form->definition);
  for (auto& e : catalog->validate(*owned->form, owned->data, formc::rt::Context::submit())) {
    const bool checkbox = std::any_of(checkboxes.begin(), checkboxes.end(), [&](const auto& f) { return f.name == e.field; });
    if (!checkbox) missing.push_back(std::move(e));
  }
  send_page(res, 200,
            with_messaging_link(summary_shell(*catalog, *owned, std::move(missing), caller.csrf_token,
                                              summary_extras(store_, *catalog, *owned, *caller.user)),
                                owned->request, caller),
            caller);
}

void App::submit_request(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  if (!http::is_form_post(req)) return send_error_page(res, 415, "Requête refusée", "Type de contenu non accepté.", caller);
  const auto pairs = http::form_pairs(req);
  if (!check_form_csrf(req, res, caller, http::form_value(pairs, "_csrf"))) return;
  if (!caller.logged_in()) return http::redirect(res, "/connexion");
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return;
  const auto version = check_draft_post(*owned, pairs, res, caller);
  if (!version) return;
  const auto checkboxes = pages::submit_fields(*owned->form->definition);
  std::vector<const formc::model::Field*> fields;
  for (const auto& f : checkboxes) fields.push_back(&f);
  auto posted = render::apply_form_post(*owned->form->definition, *owned->form->form, fields, pairs, owned->data,
                                        options_.max_value_bytes);
  if (!posted.ok()) {
    return send_error_page(res, 400, "Formulaire refusé", "Le formulaire envoyé n’a pas pu être lu.", caller);
  }
  owned->data = std::move(posted.data);
  auto errors = catalog->validate(*owned->form, owned->data, formc::rt::Context::submit());
  auto extras = summary_extras(store_, *catalog, *owned, *caller.user);
  if (!errors.empty()) {
    if (extras.update) extras.error = "Corrigez les erreurs signalées, puis envoyez de nouveau votre demande de modification.";
    return send_page(res, 422, summary_shell(*catalog, *owned, std::move(errors), caller.csrf_token, extras), caller);
  }
  const bool update = owned->request.reopening();
  const auto outcome = submission_.submit(app::actor_of(*caller.user, store_), owned->request.id, *version, owned->data);
  switch (outcome.kind) {
    case app::Outcome::Kind::Ok:
      // An update goes back to the dashboard with DataPass's notice; a first submission to its page.
      if (update) return http::redirect(res, "/demandes?fait=mise-a-jour-soumise&demande=" + std::to_string(owned->request.id));
      return http::redirect(res, pages::request_url(owned->request.id) + "?envoyee=1");
    case app::Outcome::Kind::Invalid:
      // Nothing changed since the habilitation: the summary says so (422), as the API does.
      extras.error = outcome.message;
      return send_page(res, 422, summary_shell(*catalog, *owned, {}, caller.csrf_token, extras), caller);
    case app::Outcome::Kind::NotFound:
      return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
    case app::Outcome::Kind::Forbidden: return send_error_page(res, 403, "Action non autorisée", outcome.message, caller);
    default: break;
  }
  send_error_page(res, 409, "Modification en conflit",
                  "La demande a été modifiée entre-temps : rechargez le résumé, vérifiez-le, puis soumettez-la.", caller);
}

}  // namespace formd
