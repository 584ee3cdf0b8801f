// Messaging (LIFECYCLE.md §2.7): the "Messagerie" tab of a request
// (/demandes/{id}/messagerie: its applicant and organisation), of the
// instruction space (/instruction/demandes/{id}/messagerie: instructors and
// reporters) and of a habilitation (/habilitations/{id}/messagerie: the
// conversation of its request), their form ("Corps du message", "Envoyer"),
// and the JSON API (GET|POST /api/v1/requests/{id}/messages). app/messaging.h
// decides who reads and who posts; a party opening the tab resets its
// side's unread counter. Every text is escaped by the templates
// (messages.mustache, messages_tab.mustache, messages_link.mustache).
#include <charconv>
#include <map>
#include <string>

#include "app/messaging.h"
#include "formc/runtime/strings.h"
#include "http/json_body.h"
#include "http/messages.h"
#include "server/app.h"
#include "web/models.h"

namespace formd {

namespace {

using Json = nlohmann::json;
using Kind = app::Outcome::Kind;
using Party = storage::MessageParty;

std::optional<std::int64_t> parse_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string project_of(const std::string& data_json) {
  const auto data = Json::parse(data_json, nullptr, false);
  const auto it = data.is_object() ? data.find("intitule") : data.end();
  return data.is_object() && it != data.end() && it->is_string() ? it->get<std::string>() : std::string("(sans nom)");
}

std::string_view party_name(Party party) { return party == Party::Applicant ? "applicant" : "instructor"; }

Json unread_json(const storage::UnreadMessages& unread) {
  return {{"applicant", unread.applicant}, {"instructor", unread.instructor}};
}

// "1 nouveau message", "3 nouveaux messages".
std::string unread_text(std::int64_t count) {
  return std::to_string(count) + (count > 1 ? " nouveaux messages" : " nouveau message");
}

// The three pages of the conversation: where they live and who they are for.
enum class Where { Request, Instruction, Habilitation };

}  // namespace

void App::set_messaging_link(web::Data& data, const storage::Request& request, const Caller& caller,
                             const std::string& href) {
  data.set("has_messaging", false);
  data.set("has_unread_messages", false);
  if (!caller.user) return;
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  const auto view = app::view_of(request, *catalog, store_);
  if (domain::can(actor, domain::Action::ReadMessages, view) != domain::Verdict::Allowed) return;
  data.set("has_messaging", true);
  data.set("messaging_href", href);
  const auto side = app::Messaging::side_of(actor, view);
  if (!side) return;
  const auto all = store_.unread_messages({request.id});
  const auto it = all.find(request.id);
  const std::int64_t count =
      it == all.end() ? 0 : (*side == Party::Applicant ? it->second.applicant : it->second.instructor);
  if (count <= 0) return;
  data.set("has_unread_messages", true);
  data.set("unread_messages", std::to_string(count));
  data.set("unread_messages_text", unread_text(count));
}

pages::PageShell App::with_messaging_link(pages::PageShell page, const storage::Request& request, const Caller& caller) {
  web::Data link;
  set_messaging_link(link, request, caller, "/demandes/" + std::to_string(request.id) + "/messagerie");
  page.body_html = web::render("messages_link", link) + page.body_html;
  return page;
}

void App::set_unread_badge(web::Data& item, std::int64_t count, const std::string& href) {
  item.set("has_unread_messages", count > 0);
  if (count > 0) {
    item.set("unread_messages", std::to_string(count));
    item.set("unread_messages_text", unread_text(count));
    item.set("unread_href", href);
  }
}

void App::set_messages_tab(web::Data& data, const app::Conversation& conversation, const Caller& caller,
                           const std::string& action, const std::string& typed, const std::string& error) {
  web::List messages;
  std::map<std::int64_t, std::string> authors;
  for (const auto& m : conversation.messages) {
    if (!authors.count(m.user_id)) authors[m.user_id] = user_label(m.user_id);
    web::Data item;
    item.set("id", std::to_string(m.id));
    item.set("side", std::string(party_name(m.from)));
    item.set("side_label", m.from == Party::Applicant ? "demandeur" : "instructeur");
    item.set("author", authors[m.user_id]);
    item.set("date", web::date_time_text(m.created_at));
    item.set("body", m.body);
    messages.push_back(item);
  }
  data.set("has_messages", !conversation.messages.empty());
  data.set("messages", messages);
  data.set("can_post", conversation.can_post);
  data.set("messages_action", action);
  data.set("csrf", caller.csrf_token);
  // DataPass's instructor form; the applicant writes to the instructors.
  data.set("form_legend", conversation.side == Party::Instructor ? "Pour quel motif voulez-vous écrire au demandeur ?"
                                                                 : "Écrire aux instructeurs de la demande");
  data.set("body_value", typed);
  data.set("has_body_error", !error.empty());
  data.set("body_error", error);
  data.set("max_message_bytes", std::to_string(app::kMaxMessageBytes));
}

// One handler for the three pages: GET shows the conversation (and resets
// the reader's counter), POST posts (303 back on success, 422 with the
// typed text on an invalid body).
void App::messages_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                        const PostedForm& form, int where_code) {
  const auto where = static_cast<Where>(where_code);
  const bool posting = req.method == "POST";
  const auto catalog = catalogs_.current();
  const auto actor = app::actor_of(*caller.user, store_);
  const auto id = parse_number(req.matches[1].str());

  // The request, found the page's way.
  std::optional<storage::Habilitation> habilitation;
  std::optional<storage::Request> request;
  if (where == Where::Habilitation) {
    habilitation = id ? store_.find_habilitation(*id) : std::nullopt;
    if (habilitation) request = store_.find_request_by_id(habilitation->request_id);
  } else if (id) {
    request = store_.find_request_by_id(*id);
  }
  const auto not_found = [&] {
    if (where == Where::Habilitation) {
      return send_error_page(res, 404, "Habilitation introuvable",
                             "Cette habilitation n’existe pas ou ne vous est pas accessible.", caller);
    }
    send_error_page(res, 404, "Demande introuvable", "Cette demande n’existe pas ou ne vous est pas accessible.", caller);
  };
  if (!request) return not_found();
  const auto* definition = catalog->find_definition(request->definition_id);
  const bool member = caller.user->organization_siret == request->organization_siret;
  if (where == Where::Instruction &&
      (!definition || !actor.roles.has(domain::RoleKind::Reporter, definition->provider, definition->id))) {
    return not_found();  // only through a role, as the instruction page
  }
  if (where == Where::Request && !member) {
    // Instructors and reporters read it in the instruction space; anyone
    // else must not learn that it exists.
    const bool visible = domain::can(actor, domain::Action::View, app::view_of(*request, *catalog, store_)) ==
                         domain::Verdict::Allowed;
    if (visible && !posting) {
      return http::redirect(res, "/instruction/demandes/" + std::to_string(request->id) + "/messagerie");
    }
    return not_found();
  }

  const std::string base = where == Where::Habilitation ? "/habilitations/" + std::to_string(habilitation->id)
                           : where == Where::Instruction ? "/instruction/demandes/" + std::to_string(request->id)
                                                         : "/demandes/" + std::to_string(request->id);
  const std::string self = base + "/messagerie";
  std::string typed, error;
  app::Conversation conversation;
  if (posting) {
    typed = http::form_value(form.pairs, "body");
    conversation = messaging_.post(actor, request->id, typed);
    if (conversation.kind == Kind::Ok) return http::redirect(res, self + "?envoye=1#messagerie");
    if (conversation.kind == Kind::Invalid) {
      error = conversation.message;
      if (!formc::rt::is_valid_utf8(typed)) typed.clear();
      // The page shows the conversation as it is, with the typed text; a
      // refusal changes nothing, the counters included.
      conversation = messaging_.read(actor, request->id, false);
    }
  } else {
    conversation = messaging_.read(actor, request->id);
  }
  switch (conversation.kind) {
    case Kind::Ok: break;
    case Kind::Invalid: break;  // unreachable: read() validates nothing
    case Kind::NotFound: return not_found();
    case Kind::Forbidden: return send_error_page(res, 403, "Action non autorisée", conversation.message, caller);
    case Kind::WrongState:
    case Kind::Stale: return send_error_page(res, 409, "Action impossible", conversation.message, caller);
  }

  const auto& r = *conversation.request;
  web::Data data;
  const std::string definition_name = definition ? definition->name : r.definition_id;
  const std::string project = project_of(habilitation ? habilitation->data_json : r.data_json);
  data.set("definition", definition_name);
  data.set("project", project);
  if (habilitation) {
    data.set("heading", "Habilitation à " + definition_name);
    data.set("number_label", "Habilitation H" + std::to_string(habilitation->id));
    web::set_badge(data, habilitation->state);
  } else {
    data.set("heading", "Demande n°" + std::to_string(r.id) + " – " + definition_name);
    data.set("number_label", "Demande n°" + std::to_string(r.id));
    web::set_badge(data, r.state);
  }
  web::List tabs;
  auto add_tab = [&](const std::string& label, const std::string& href, bool current) {
    web::Data t;
    t.set("label", label);
    t.set("href", href);
    t.set("current", current);
    tabs.push_back(t);
  };
  if (where == Where::Habilitation) {
    add_tab("Habilitation", base, false);
    add_tab("Historique", base + "/historique", false);
    add_tab("Messagerie", self, true);
    add_tab("Toutes les habilitations", base + "/habilitations", false);
  } else {
    add_tab("Demande", base, false);
    add_tab("Messagerie", self, true);
  }
  data.set("tabs", tabs);
  data.set("messages_sent", !posting && req.has_param("envoye"));
  set_messages_tab(data, conversation, caller, self, typed, error);

  pages::PageShell page;
  page.title = "Messagerie – " + (habilitation ? "Habilitation H" + std::to_string(habilitation->id)
                                                 : "Demande n°" + std::to_string(r.id)) +
               " – " + definition_name;
  page.heading_in_body = true;
  page.body_html = web::render("messages", data);
  if (where == Where::Instruction) {
    page.breadcrumbs = {{"Instruction", "/instruction/demandes"}, {"Demande n°" + std::to_string(r.id), base}, {"Messagerie", ""}};
  } else if (where == Where::Habilitation) {
    page.breadcrumbs = {{"Demandes et habilitations", member ? "/demandes?onglet=habilitations" : "/instruction/demandes"},
                        {"Habilitation H" + std::to_string(habilitation->id), base},
                        {"Messagerie", ""}};
  } else {
    page.breadcrumbs = {{"Mes demandes", "/demandes"}, {"Demande n°" + std::to_string(r.id), base}, {"Messagerie", ""}};
  }
  send_page(res, error.empty() ? 200 : 422, std::move(page), caller);
}

void App::install_messaging(http::Router& router) {
  auto messages = [this](PageAccess access, Where where) {
    return page(access, [this, where](const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                      const PostedForm& form) {
      messages_page(req, res, caller, form, static_cast<int>(where));
    });
  };
  router.get(R"(/demandes/(\d{1,18})/messagerie)", messages(PageAccess::SignedIn, Where::Request));
  router.post(R"(/demandes/(\d{1,18})/messagerie)", messages(PageAccess::SignedIn, Where::Request));
  router.get(R"(/instruction/demandes/(\d{1,18})/messagerie)", messages(PageAccess::RoleHolder, Where::Instruction));
  router.post(R"(/instruction/demandes/(\d{1,18})/messagerie)", messages(PageAccess::RoleHolder, Where::Instruction));
  router.get(R"(/habilitations/(\d{1,18})/messagerie)", messages(PageAccess::SignedIn, Where::Habilitation));
  router.post(R"(/habilitations/(\d{1,18})/messagerie)", messages(PageAccess::SignedIn, Where::Habilitation));

  // ---- JSON API --------------------------------------------------------------------
  // GET: the conversation (a party reading resets its side's counter);
  // POST {"body"}: 201 with the message. app/messaging.h decides: 404 / 403 /
  // 409 / 422.
  auto message_json = [this](const storage::Message& m, std::map<std::int64_t, std::string>& authors) {
    if (!authors.count(m.user_id)) authors[m.user_id] = user_label(m.user_id);
    return Json{{"id", m.id},
                {"request_id", m.request_id},
                {"from", std::string(party_name(m.from))},
                {"author", {{"name", authors[m.user_id]}}},
                {"body", m.body},
                {"created_at", m.created_at}};
  };
  auto send_refusal = [](httplib::Response& res, const app::Conversation& c) {
    switch (c.kind) {
      case Kind::NotFound: return http::send_json_error(res, 404, c.message);
      case Kind::Forbidden: return http::send_json_error(res, 403, c.message);
      case Kind::WrongState:
      case Kind::Stale: return http::send_json_error(res, 409, c.message);
      case Kind::Invalid:
        return http::send_json_error(res, 422, c.message,
                                     Json::array({Json{{"field", "body"}, {"code", "invalid"}, {"message", c.message}}}));
      case Kind::Ok: break;
    }
    http::send_json_error(res, 500, "Erreur interne.");
  };
  router.get(R"(/api/v1/requests/(\d{1,18})/messages)",
             api(ApiAccess::SignedIn, [=, this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const auto id = parse_number(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto c = messaging_.read(app::actor_of(*caller.user, store_), *id);
    if (c.kind != Kind::Ok) return send_refusal(res, c);
    std::map<std::int64_t, std::string> authors;
    Json list = Json::array();
    for (const auto& m : c.messages) list.push_back(message_json(m, authors));
    http::send_json(res, 200, {{"messages", std::move(list)},
                               {"can_post", c.can_post},
                               {"side", c.side ? Json(std::string(party_name(*c.side))) : Json(nullptr)},
                               {"unread_messages", unread_json(c.unread)}});
  }));
  router.post(R"(/api/v1/requests/(\d{1,18})/messages)",
              api(ApiAccess::SignedInWithCsrf, [=, this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    if (!http::is_json(req)) {
      return http::send_json_error(res, 415, "Le corps de la requête doit être du JSON (Content-Type: application/json).");
    }
    auto parsed = http::parse_json(req.body);
    if (!parsed.value) return http::send_json_error(res, 400, parsed.error);
    const Json& body = *parsed.value;
    if (!body.is_object()) return http::send_json_error(res, 400, "Le corps de la requête doit être un objet JSON.");
    for (const auto& [key, value] : body.items()) {
      if (key != "body") return http::send_json_error(res, 400, "Clé inconnue : « " + key + " ».");
    }
    std::optional<std::string> text;
    if (body.contains("body")) {
      if (!body["body"].is_string()) return http::send_json_error(res, 400, "« body » doit être une chaîne de caractères.");
      text = body["body"].get<std::string>();
    }
    const auto id = parse_number(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto c = messaging_.post(app::actor_of(*caller.user, store_), *id, text);
    if (c.kind != Kind::Ok) return send_refusal(res, c);
    std::map<std::int64_t, std::string> authors;
    res.set_header("Location", "/api/v1/requests/" + std::to_string(*id) + "/messages");
    http::send_json(res, 201, {{"message", message_json(*c.posted, authors)}, {"unread_messages", unread_json(c.unread)}});
  }));
}

}  // namespace formd
