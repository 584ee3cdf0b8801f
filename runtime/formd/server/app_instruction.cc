// The instruction space (/instruction/…) and the habilitation pages: what
// reporters, instructors and managers of a definition see and do
// (LIFECYCLE.md §2.1, §2.2). Each handler identifies the caller, asks the
// policy through the use cases or App::may(), gathers plain values and
// renders a web/ template, which escapes them.
#include <algorithm>
#include <charconv>

#include "app/changelog.h"
#include "formc/runtime/strings.h"
#include "http/messages.h"
#include "pages/request_views.h"
#include "server/app.h"
#include "web/models.h"
#include "server/page_support.h"

namespace formd {

using server::parse_id;
using server::parse_object;
using server::project_name;

namespace {

constexpr std::size_t kRowsPerPage = 50;

// An instruction action, as it appears in URLs and the "Instruire la demande" menu.
struct ActionPage {
  std::string_view slug;
  domain::Action action;
  const char* menu_label;
  const char* title;
  const char* field;        // "" : no text to type
  const char* field_label;  // DataPass's wording
  bool required;
  const char* submit_label;
  const char* done;  // the notice after it
};

constexpr ActionPage kActionPages[] = {
    {"valider", domain::Action::Approve, "Valider", "Validation de la demande d’habilitation", "message",
     "Message complémentaire (optionnel)", false, "Valider la demande d’habilitation",
     "La demande d’habilitation a été validée."},
    {"refuser", domain::Action::Refuse, "Refuser", "Refus de la demande d’habilitation", "reason", "Raison du refus", true,
     "Refuser la demande d’habilitation", "La demande d’habilitation a été refusée."},
    {"demander-des-modifications", domain::Action::RequestChanges, "Demander des modifications",
     "Demande de modifications", "reason", "Raison de la demande de modification", true,
     "Envoyer la demande de modification", "Les modifications ont été demandées au demandeur."},
    {"supprimer", domain::Action::Archive, "Supprimer", "Supprimer la demande", "", "", false, "Supprimer la demande",
     "La demande a été supprimée."},
    // Life with a habilitation (LIFECYCLE.md §2.3–§2.5).
    {"annuler-reouverture", domain::Action::CancelReopening, "Annuler la demande de réouverture",
     "Annulation de la réouverture", "reason", "Raison de l’annulation de la réouverture", true,
     "Annuler la réouverture de cette demande",
     "La réouverture a été annulée : la demande a retrouvé les données de son habilitation, qui reste active."},
    {"transferer", domain::Action::TransferByInstructor, "Transférer", "Transférer la demande d’habilitation", "email",
     "Email du nouveau demandeur", true, "Valider le transfert", "La demande d’habilitation a été transférée avec succès."},
    {"revoquer", domain::Action::Revoke, "Révoquer", "Révocation de l’habilitation", "reason",
     "Indiquez les motifs de révocation", true, "Révoquer l’habilitation", "L’habilitation a été révoquée."},
};

const ActionPage* action_page(std::string_view slug) {
  for (const auto& a : kActionPages) {
    if (a.slug == slug) return &a;
  }
  return nullptr;
}

}  // namespace

std::string App::user_label(std::optional<std::int64_t> user_id) {
  if (!user_id) return "DataPass";
  const auto user = store_.find_user(*user_id);
  if (!user) return "Un utilisateur";
  return formc::rt::has_text(user->name) ? user->name : user->email;
}

void App::set_request_history(web::Data& data, const storage::Request& request, const catalog::Catalog& catalog) {
  const auto* definition = catalog.find_definition(request.definition_id);
  std::vector<web::HistoryEntry> entries;
  for (const auto& e : store_.events_of(request.id)) {
    web::HistoryEntry entry{e.name, user_label(e.user_id), e.created_at, e.reason, std::nullopt, e.habilitation_id};
    if (e.changes_json) {
      const auto changes = nlohmann::json::parse(*e.changes_json, nullptr, false);
      if (changes.is_array()) {
        entry.changes.emplace();
        for (const auto& c : changes) {
          std::string label = c.value("label", c.value("field", std::string()));
          if (definition) {
            if (const auto* f = definition->find_field(c.value("field", std::string()))) label = f->label.empty() ? label : f->label;
          }
          entry.changes->push_back({label, app::changelog_value_text(c.value("from", nlohmann::json())),
                                    app::changelog_value_text(c.value("to", nlohmann::json()))});
        }
      }
    }
    entries.push_back(std::move(entry));
  }
  web::set_history(data, entries);
}

std::string App::read_only_summary(const catalog::Catalog& catalog, const catalog::FormEntry& form,
                                   const nlohmann::json& data, std::int64_t request_id,
                                   const std::vector<storage::Document>& documents) {
  pages::SummaryView view;
  // Its (hidden) edit links point at the request's real pages, never at
  // anchors of a page that has no steps.
  view.request_id = request_id;
  view.catalog = &catalog;
  view.form = &form;
  view.data = &data;
  view.editable = false;
  // templates/document_list.mustache: name, size, download link.
  view.documents_html = [&documents](std::string_view field) { return documents::list_html(documents, field, false); };
  return pages::summary_body(view);
}

std::vector<const formc::model::Definition*> App::instructed_definitions(const domain::Actor& actor,
                                                                         const catalog::Catalog& catalog,
                                                                         domain::RoleKind kind) {
  std::vector<const formc::model::Definition*> out;
  for (const auto& d : catalog.module().definitions) {
    if (actor.roles.has(kind, d.provider, d.id)) out.push_back(&d);
  }
  return out;
}

void App::instruction_list(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm&) {
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  const auto definitions = instructed_definitions(actor, *catalog, domain::RoleKind::Reporter);

  storage::RequestSearch search;
  const std::string wanted_definition = req.get_param_value("definition");
  for (const auto* d : definitions) {
    if (wanted_definition.empty() || wanted_definition == d->id) search.definition_ids.push_back(d->id);
  }
  const std::string wanted_state = req.get_param_value("etat");
  search.state = domain::parse_request_state(wanted_state);
  std::string query = req.get_param_value("q");
  if (query.size() > 200 || !formc::rt::is_valid_utf8(query)) query.clear();
  search.text = query;
  const auto page_number = std::max<std::int64_t>(1, parse_id(req.get_param_value("page")).value_or(1));
  search.limit = kRowsPerPage;
  search.offset = static_cast<std::size_t>(std::min<std::int64_t>(page_number - 1, 1'000'000)) * kRowsPerPage;
  const auto found = store_.search_requests(search);

  web::Data data;
  web::List states;
  auto option = [](const std::string& value, const std::string& label, bool selected) {
    web::Data o;
    o.set("value", value);
    o.set("label", label);
    o.set("selected", selected);
    return o;
  };
  states.push_back(option("", "Tous les états", !search.state));
  for (const auto s : domain::kAllRequestStates) {
    states.push_back(option(std::string(domain::to_string(s)), std::string(domain::badge_label(s)), search.state == s));
  }
  data.set("states", states);
  web::List definition_options;
  definition_options.push_back(option("", "Toutes", wanted_definition.empty()));
  for (const auto* d : definitions) definition_options.push_back(option(d->id, d->name, wanted_definition == d->id));
  data.set("definitions", definition_options);
  data.set("query", query);
  data.set("total_text", std::to_string(found.total) + (found.total > 1 ? " demandes" : " demande"));

  web::List rows;
  std::map<std::int64_t, std::string> applicants;
  // "1 nouveau message": the instructors' unread messages (LIFECYCLE.md §2.7).
  std::vector<std::int64_t> request_ids;
  for (const auto& r : found.requests) request_ids.push_back(r.id);
  const auto unread = store_.unread_messages(request_ids);
  for (const auto& r : found.requests) {
    web::Data row;
    row.set("id", std::to_string(r.id));
    row.set("project", project_name(parse_object(r.data_json)));
    const auto* d = catalog->find_definition(r.definition_id);
    row.set("definition", d ? d->name : r.definition_id);
    row.set("siret", r.organization_siret);
    if (!applicants.count(r.user_id)) applicants[r.user_id] = user_label(r.user_id);
    row.set("applicant", applicants[r.user_id]);
    row.set("updated", web::date_text(r.updated_at));
    web::set_badge(row, r.state);
    set_stage_badge(row, *catalog, r.definition_id);  // "Bac à sable" / "Production" (LIFECYCLE.md §2.10)
    set_unread_badge(row, unread.count(r.id) ? unread.at(r.id).instructor : 0,
                     "/instruction/demandes/" + std::to_string(r.id) + "/messagerie");
    row.set("update", r.reopening());
    rows.push_back(row);
  }
  data.set("has_rows", !found.requests.empty());
  data.set("rows", rows);

  const std::size_t page_count = (found.total + kRowsPerPage - 1) / kRowsPerPage;
  web::List pages_list;
  if (page_count > 1) {
    std::string base = "/instruction/demandes?";
    if (search.state) base += "etat=" + http::url_encode(wanted_state) + "&";
    if (!wanted_definition.empty()) base += "definition=" + http::url_encode(wanted_definition) + "&";
    if (!query.empty()) base += "q=" + http::url_encode(query) + "&";
    // First, last, and two around the current page.
    for (std::size_t n = 1; n <= page_count; ++n) {
      const auto current = static_cast<std::size_t>(page_number);
      if (n != 1 && n != page_count && (n + 2 < current || n > current + 2)) continue;
      web::Data p;
      p.set("number", std::to_string(n));
      p.set("href", base + "page=" + std::to_string(n));
      p.set("current", n == current);
      pages_list.push_back(p);
    }
  }
  data.set("has_pages", page_count > 1);
  data.set("pages", pages_list);

  pages::PageShell page;
  page.title = "Demandes et habilitations – Instruction";
  page.heading_in_body = true;
  page.body_html = web::render("instruction_list", data);
  page.breadcrumbs = {{"Instruction", ""}};
  send_page(res, 200, std::move(page), caller);
}

// The request as an instructor or reporter sees it.
void App::instruction_request(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                              const PostedForm&) {
  show_instruction_request(req, res, caller, req.matches[1].str(), instruction_notice(req.get_param_value("fait")), 200);
}

void App::show_instruction_request(const httplib::Request&, httplib::Response& res, const Caller& caller,
                                   const std::string& id_text, const std::string& notice, int status) {
  const auto catalog = catalogs_.current();
  const auto id = parse_id(id_text);
  const auto actor = app::actor_of(*caller.user, store_);
  const auto request = id ? store_.find_request_by_id(*id) : std::nullopt;
  // Only through a role: the applicant's own view is /demandes/{id}.
  const auto* definition = request ? catalog->find_definition(request->definition_id) : nullptr;
  if (!request || !definition || !actor.roles.has(domain::RoleKind::Reporter, definition->provider, definition->id)) {
    return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
  }
  const auto* form = catalog->find_form(request->form_uid);
  const auto data_json = parse_object(request->data_json);
  web::Data data;
  data.set("id", std::to_string(request->id));
  data.set("definition", definition->name);
  data.set("form", form ? form->display_name : request->form_uid);
  data.set("project", project_name(data_json));
  data.set("siret", request->organization_siret);
  const auto applicant = store_.find_user(request->user_id);
  data.set("applicant_name", applicant ? applicant->name : std::string());
  data.set("applicant_email", applicant ? applicant->email : std::string());
  if (request->submitted_at) data.set("submitted", web::date_time_text(*request->submitted_at));
  web::set_badge(data, request->state);
  data.set("update", request->reopening());
  set_stage_instruction(data, *request, actor);  // templates/stage_instruction.mustache
  data.set("has_notice", !notice.empty());
  data.set("notice", notice);

  const auto view = app::view_of(*request, *catalog, store_);
  web::List actions;
  for (const auto& a : kActionPages) {
    if (domain::can(actor, a.action, view) != domain::Verdict::Allowed) continue;
    web::Data item;
    item.set("id", std::to_string(request->id));
    item.set("slug", std::string(a.slug));
    item.set("label", a.menu_label);
    item.set("secondary", a.action != domain::Action::Approve);
    actions.push_back(item);
  }
  data.set("has_actions", !actions.empty());
  data.set("actions", actions);

  web::List habilitations;
  for (const auto& h : store_.habilitations_of(request->id)) {
    web::Data item;
    item.set("hid", std::to_string(h.id));
    item.set("state_label", std::string(domain::badge_label(h.state)));
    habilitations.push_back(item);
  }
  data.set("has_habilitations", !habilitations.empty());
  data.set("habilitations", habilitations);
  // The request's current files, each with its download link (issue 12).
  data.set("summary_trusted_html",
           web::trusted_html(form ? read_only_summary(*catalog, *form, data_json, request->id, store_.documents_of(request->id))
                                  : std::string()));
  set_messaging_link(data, *request, caller, "/instruction/demandes/" + std::to_string(request->id) + "/messagerie");
  set_request_history(data, *request, *catalog);

  pages::PageShell page;
  page.title = "Instruction " + definition->name + " - " + project_name(data_json);
  page.heading_in_body = true;
  page.body_html = web::render("instruction_request", data);
  page.breadcrumbs = {{"Instruction", "/instruction/demandes"}, {"Demande n°" + std::to_string(request->id), ""}};
  send_page(res, status, std::move(page), caller);
}

void App::instruction_action(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                             const PostedForm& form) {
  const bool posting = req.method == "POST";
  const auto& pairs = form.pairs;
  const auto* page_def = action_page(req.matches[2].str());
  const auto id = parse_id(req.matches[1].str());
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  const auto request = id ? store_.find_request_by_id(*id) : std::nullopt;
  const auto* definition = request ? catalog->find_definition(request->definition_id) : nullptr;
  if (!page_def || !request || !definition ||
      !actor.roles.has(domain::RoleKind::Reporter, definition->provider, definition->id)) {
    return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
  }
  const auto verdict = domain::can(actor, page_def->action, app::view_of(*request, *catalog, store_));
  if (verdict == domain::Verdict::Forbidden || verdict == domain::Verdict::NotVisible) {
    return send_error_page(res, 403, "Action non autorisée",
                           "Vous n’avez pas le droit d’effectuer cette action sur cette demande.", caller);
  }
  if (verdict == domain::Verdict::WrongState) {
    return send_error_page(res, 409, "Action impossible",
                           "Cette action n’est pas possible dans l’état actuel de la demande.", caller);
  }
  std::string typed = posting && *page_def->field ? http::form_value(pairs, page_def->field) : std::string();
  std::string field_error;
  if (posting) {
    if (!formc::rt::is_valid_utf8(typed)) return send_error_page(res, 400, "Requête invalide", "Texte mal encodé.", caller);
    const auto posted_version = parse_id(http::form_value(pairs, "_version"));
    app::Outcome outcome;
    if (posted_version && *posted_version != request->version) {
      outcome = {app::Outcome::Kind::Stale, "La demande a été modifiée entre-temps : relisez-la puis recommencez.", request,
                 std::nullopt};
    } else if (page_def->action == domain::Action::Approve) {
      outcome = instruction_.approve(actor, request->id, typed.empty() ? std::nullopt : std::optional<std::string>(typed));
    } else if (page_def->action == domain::Action::Refuse) {
      outcome = instruction_.refuse(actor, request->id, typed);
    } else if (page_def->action == domain::Action::RequestChanges) {
      outcome = instruction_.request_changes(actor, request->id, typed);
    } else if (page_def->action == domain::Action::CancelReopening) {
      outcome = lifecycle_.cancel_reopening(actor, request->id, typed);
    } else if (page_def->action == domain::Action::TransferByInstructor) {
      outcome = lifecycle_.transfer(actor, request->id, typed);
    } else if (page_def->action == domain::Action::Revoke) {
      outcome = lifecycle_.revoke_request(actor, request->id, typed);
    } else {
      outcome = instruction_.archive(actor, request->id);
    }
    using Kind = app::Outcome::Kind;
    switch (outcome.kind) {
      case Kind::Ok:
        return http::redirect(res, "/instruction/demandes/" + std::to_string(request->id) + "?fait=" + std::string(page_def->slug));
      case Kind::Invalid: field_error = outcome.message; break;
      case Kind::NotFound:
        return send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
      case Kind::Forbidden: return send_error_page(res, 403, "Action non autorisée", outcome.message, caller);
      case Kind::WrongState:
      case Kind::Stale: return send_error_page(res, 409, "Action impossible", outcome.message, caller);
    }
  }
  web::Data data;
  // An update of a habilitation is approved or refused as such (LIFECYCLE.md §2.3).
  const bool update = request->reopening();
  std::string title = page_def->title, submit_label = page_def->submit_label;
  if (update && page_def->action == domain::Action::Approve) {
    title = "Validation de la demande de mise à jour";
    submit_label = "Valider la demande de mise à jour";
  } else if (update && page_def->action == domain::Action::Refuse) {
    title = "Refus de la demande de mise à jour";
    submit_label = "Refuser la demande de mise à jour";
  }
  data.set("title", title);
  data.set("id", std::to_string(request->id));
  data.set("slug", std::string(page_def->slug));
  data.set("definition", definition->name);
  data.set("project", project_name(parse_object(request->data_json)));
  data.set("csrf", caller.csrf_token);
  data.set("version", std::to_string(request->version));
  data.set("has_field", *page_def->field != '\0');
  data.set("field", page_def->field);
  data.set("field_label", page_def->field_label);
  data.set("required", page_def->required);
  data.set("value", typed);
  if (!field_error.empty()) data.set("field_error", field_error);
  data.set("has_error", !field_error.empty());
  data.set("error", field_error);
  data.set("input", page_def->action == domain::Action::TransferByInstructor);  // an email, not a text
  if (page_def->action == domain::Action::Archive) {
    data.set("confirm", "La demande sera supprimée : elle n’apparaîtra plus dans les demandes en cours du demandeur.");
  } else if (update && page_def->action == domain::Action::Refuse) {
    data.set("confirm", "Les modifications apportées par le demandeur depuis le début de la réouverture seront annulées. "
                        "L’habilitation sera toujours valide.");
  } else if (page_def->action == domain::Action::CancelReopening) {
    data.set("confirm", "Les données de la demande redeviennent celles de son habilitation, qui reste active.");
  } else if (page_def->action == domain::Action::Revoke) {
    data.set("confirm", "Toutes les habilitations actives de cette demande seront révoquées ; le demandeur recevra les "
                        "motifs par email.");
  } else if (page_def->action == domain::Action::TransferByInstructor) {
    data.set("confirm", "Le nouveau demandeur doit avoir un compte DataPass et appartenir à l’organisation de la demande "
                        "(siret " + request->organization_siret + ").");
  }
  data.set("submit_label", submit_label);
  pages::PageShell page;
  page.title = title + " n°" + std::to_string(request->id);
  page.heading_in_body = true;
  page.body_html = web::render("instruction_action", data);
  page.breadcrumbs = {{"Instruction", "/instruction/demandes"},
                      {"Demande n°" + std::to_string(request->id), "/instruction/demandes/" + std::to_string(request->id)},
                      {page_def->menu_label, ""}};
  send_page(res, field_error.empty() ? 200 : 422, std::move(page), caller);
}

std::string App::instruction_notice(std::string_view slug) {
  if (const auto* a = action_page(slug)) return a->done;
  return "";
}

}  // namespace formd
