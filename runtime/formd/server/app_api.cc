// The JSON API (README.md documents it): forms, schemas, validation, and
// the requests of the logged-in user's organisation.
#include <algorithm>
#include <charconv>

#include "formc/runtime/formats.h"
#include "formc/runtime/strings.h"
#include "gen/paths.h"
#include "http/json_body.h"
#include "http/messages.h"
#include "server/app.h"
#include "server/page_support.h"

namespace formd {

using server::parse_id;

namespace {

using Json = nlohmann::json;

// The first kMaxErrorsShown errors (callers report the total).
Json errors_json(const std::vector<formc::rt::Error>& errors) {
  Json out = Json::array();
  for (std::size_t i = 0; i < errors.size() && i < kMaxErrorsShown; ++i) {
    const auto& e = errors[i];
    out.push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
  }
  return out;
}

void send_invalid_request(httplib::Response& res, const std::vector<formc::rt::Error>& errors) {
  http::send_json(res, 422,
                  {{"error", {{"status", 422},
                              {"message", "La demande contient des erreurs."},
                              {"details", errors_json(errors)},
                              {"error_count", errors.size()}}}});
}

// Document entries come only with their bytes (POST …/documents/{field}):
// 422 whose message names the first such field, every one in `details`.
void send_documents_refused(httplib::Response& res, const std::vector<formc::rt::Error>& refused) {
  http::send_json(res, 422,
                  {{"error", {{"status", 422},
                              {"message", refused.front().message},
                              {"details", errors_json(refused)},
                              {"error_count", refused.size()}}}});
}

// The keys of a merge patch that would change `data` (a client sending
// back the document entries it read, unchanged, writes nothing there).
Json changed_keys(const Json& patch, const Json& data) {
  Json out = Json::object();
  for (const auto& [key, value] : patch.items()) {
    const auto it = data.find(key);
    const bool same = it != data.end() ? *it == value : value.is_null();
    if (!same) out[key] = value;
  }
  return out;
}

Json habilitation_json(const storage::Habilitation& h) {
  Json data = Json::parse(h.data_json, nullptr, false);
  if (!data.is_object()) data = Json::object();
  return {{"id", h.id},
          {"request_id", h.request_id},
          {"state", std::string(domain::to_string(h.state))},
          {"data", std::move(data)},
          {"form_uid", h.form_uid},
          {"definition_id", h.definition_id},
          {"created_at", h.created_at}};
}

Json request_json(const storage::Request& r) {
  Json data = Json::parse(r.data_json, nullptr, false);
  if (!data.is_object()) data = Json::object();
  return {{"id", r.id},
          {"form_uid", r.form_uid},
          {"definition_id", r.definition_id},
          {"definition_hash", r.definition_hash},
          {"organization_siret", r.organization_siret},
          {"state", std::string(domain::to_string(r.state))},
          {"version", r.version},
          {"data", std::move(data)},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at},
          {"submitted_at", r.submitted_at ? Json(*r.submitted_at) : Json(nullptr)},
          {"links", {{"self", "/api/v1/requests/" + std::to_string(r.id)}, {"html", "/demandes/" + std::to_string(r.id)}}}};
}

// request_json() with what instruction adds: the applicant and the habilitations.
Json full_request_json(const storage::Request& r, storage::Store& store) {
  Json out = request_json(r);
  if (const auto applicant = store.find_user(r.user_id)) {
    out["applicant"] = {{"email", applicant->email}, {"name", applicant->name}};
  }
  Json habilitations = Json::array();
  for (const auto& h : store.habilitations_of(r.id)) habilitations.push_back(habilitation_json(h));
  // DataPass's flag: an update of its habilitation is in progress (stored:
  // set by reopen, cleared when the update ends).
  out["reopening"] = r.reopening();
  out["reopened_at"] = r.reopened_at ? Json(*r.reopened_at) : Json(nullptr);
  out["habilitations"] = std::move(habilitations);
  // Messaging (LIFECYCLE.md §2.7): what each side has not read yet.
  const auto unread = store.unread_messages({r.id});
  const auto counters = unread.count(r.id) ? unread.at(r.id) : storage::UnreadMessages{};
  out["unread_messages"] = {{"applicant", counters.applicant}, {"instructor", counters.instructor}};
  return out;
}

// full_request_json() with the stages (LIFECYCLE.md §2.10, app/stages.h):
// the request's stage ("sandbox", "production", null for a single-stage
// definition), the sandbox habilitation a stage in progress started from,
// and each habilitation's stage.
Json staged_request_json(const storage::Request& r, storage::Store& store, const catalog::Catalog& catalog) {
  Json out = full_request_json(r, store);
  auto stage = [&](const std::string& definition_id) {
    const auto name = app::stage_name(app::stage_of(catalog, definition_id));
    return name.empty() ? Json(nullptr) : Json(std::string(name));
  };
  out["stage"] = stage(r.definition_id);
  out["next_stage_from"] = r.next_stage_from ? Json(*r.next_stage_from) : Json(nullptr);
  for (auto& h : out["habilitations"]) h["stage"] = stage(h.value("definition_id", std::string()));
  return out;
}

// Parses a JSON body (bounded depth, UTF-8, finite numbers), answering 415 / 400 itself.
std::optional<Json> read_json_body(const httplib::Request& req, httplib::Response& res) {
  if (!http::is_json(req)) {
    http::send_json_error(res, 415, "Le corps de la requête doit être du JSON (Content-Type: application/json).");
    return std::nullopt;
  }
  auto parsed = http::parse_json(req.body);
  if (!parsed.value) http::send_json_error(res, 400, parsed.error);
  return std::move(parsed.value);
}

// Every string longer than `limit` bytes, as `too_long` errors.
void find_oversized(const Json& value, const std::string& field, std::size_t limit, std::vector<formc::rt::Error>& out) {
  if (value.is_string() && value.get_ref<const std::string&>().size() > limit) {
    out.push_back({field, "too_long", "La valeur dépasse " + std::to_string(limit) + " octets."});
  } else if (value.is_array() || value.is_object()) {
    for (const auto& item : value) find_oversized(item, field, limit, out);
  }
}

// Only the keys in `allowed`; answers 400 naming the first other one.
bool only_keys(const Json& body, std::initializer_list<std::string_view> allowed, httplib::Response& res) {
  if (!body.is_object()) {
    http::send_json_error(res, 400, "Le corps de la requête doit être un objet JSON.");
    return false;
  }
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      http::send_json_error(res, 400, "Clé inconnue : « " + key + " ».");
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> body_version(const Json& body, const httplib::Request& req, httplib::Response& res) {
  if (body.contains("version") && body["version"].is_number_integer()) return body["version"].get<std::int64_t>();
  std::string match = req.get_header_value("If-Match");
  match.erase(std::remove(match.begin(), match.end(), '"'), match.end());
  if (auto v = parse_id(match)) return v;
  http::send_json_error(res, 428, "La version de la demande est requise (champ « version » ou en-tête If-Match).");
  return std::nullopt;
}

}  // namespace

// A use case's refusal as a JSON error: 404, 403, 409, 422.
static void send_outcome_error(httplib::Response& res, const app::Outcome& outcome) {
  using Kind = app::Outcome::Kind;
  switch (outcome.kind) {
    case Kind::NotFound: return http::send_json_error(res, 404, outcome.message);
    case Kind::Forbidden: return http::send_json_error(res, 403, outcome.message);
    case Kind::WrongState:
    case Kind::Stale: return http::send_json_error(res, 409, outcome.message);
    case Kind::Invalid: return http::send_json_error(res, 422, outcome.message);
    case Kind::Ok: break;
  }
  http::send_json_error(res, 500, "Erreur interne.");
}

std::optional<storage::Request> App::visible_request(std::int64_t id, const storage::User& user) {
  auto found = store_.find_request_by_id(id);
  if (!found) return std::nullopt;
  const auto catalog = catalogs_.current();
  const auto verdict =
      domain::can(app::actor_of(user, store_), domain::Action::View, app::view_of(*found, *catalog, store_));
  if (verdict != domain::Verdict::Allowed) return std::nullopt;
  return found;
}

void App::install_api(http::Router& router) {
  router.get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const auto catalog = catalogs_.current();
    const auto status = catalogs_.status();
    http::send_json(res, 200,
                    {{"status", "ok"},
                     {"definitions", catalog->module().definitions.size()},
                     {"forms", catalog->forms().size()},
                     {"validator", catalog->validator_kind() == catalog::ValidatorKind::Compiled ? "compiled" : "interpreted"},
                     {"catalog_generation", status.generation},
                     {"reload_error", status.error.empty() ? Json(nullptr) : Json(status.error)},
                     {"schema_version", store_.schema_version()}});
  });

  router.get("/api/v1/forms", [this](const httplib::Request&, httplib::Response& res) {
    const auto catalog = catalogs_.current();
    Json forms = Json::array();
    for (const auto& entry : catalog->forms()) {
      Json steps = Json::array();
      for (const auto& p : entry.pages) steps.push_back({{"key", p.key}, {"title", p.title}, {"blocks", p.blocks}, {"read_only", p.read_only}});
      forms.push_back({{"uid", entry.form->uid},
                       {"definition", entry.definition->id},
                       {"name", entry.display_name},
                       {"definition_name", entry.definition->name},
                       {"provider", entry.definition->provider},
                       {"default", entry.form->is_default},
                       {"public", entry.form->is_public},
                       {"definition_hash", catalog->definition_hash(entry.definition->id)},
                       {"steps", std::move(steps)},
                       {"links", {{"schema", "/api/v1/forms/" + entry.form->uid + "/schema"},
                                  {"validate", "/api/v1/forms/" + entry.form->uid + "/validate"},
                                  {"preview", "/preview/" + entry.form->uid},
                                  {"start", "/formulaires/" + entry.form->uid + "/demande/nouveau"}}}});
    }
    http::send_json(res, 200, forms);
  });

  router.get(R"(/api/v1/forms/([A-Za-z0-9_-]+)/schema)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto catalog = catalogs_.current();
    const std::string* schema = catalog->find_form(req.matches[1].str())
                                    ? catalog->file(formc::gen::paths::schema(req.matches[1].str()))
                                    : nullptr;
    if (!schema) return http::send_json_error(res, 404, "Formulaire inconnu.");
    res.status = 200;
    res.set_content(*schema, "application/schema+json; charset=utf-8");
  });

  router.post(R"(/api/v1/forms/([A-Za-z0-9_-]+)/validate)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto catalog = catalogs_.current();
    const auto* entry = catalog->find_form(req.matches[1].str());
    if (!entry) return http::send_json_error(res, 404, "Formulaire inconnu.");
    const std::string context_text = req.has_param("context") ? req.get_param_value("context") : "submit";
    auto context = formc::rt::Context::parse(context_text);
    if (context && context->kind == formc::rt::Context::Kind::Step) {
      const bool known = std::any_of(entry->pages.begin(), entry->pages.end(),
                                     [&](const auto& p) { return !p.validate_step.empty() && p.validate_step == context->step; });
      if (!known) context.reset();
    }
    if (!context) {
      return http::send_json_error(res, 400, "Contexte inconnu : attendu draft, submit ou step:<bloc> d’une étape du formulaire.");
    }
    const auto body = read_json_body(req, res);
    if (!body) return;
    const auto errors = catalog->validate(*entry, *body, *context);
    http::send_json(res, 200, {{"valid", errors.empty()}, {"errors", errors_json(errors)}, {"error_count", errors.size()}});
  });

  // Always routed, so that without --dev-login it answers 404 (not 405 for
  // the GET route beside it): the development login does not exist there.
  router.post("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
    if (!options_.dev_login) return http::send_json_error(res, 404, "Cette page n’existe pas.");
    const auto body = read_json_body(req, res);
    if (!body || !only_keys(*body, {"email", "name", "siret"}, res)) return;
    auto text = [&](const char* key) { return (*body).contains(key) && (*body)[key].is_string() ? (*body)[key].get<std::string>() : std::string(); };
    std::string email = text("email");
    for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string name = text("name"), siret = text("siret");
    Json problems = Json::array();
    if (!formc::rt::is_valid_email(email)) problems.push_back({{"field", "email"}, {"code", "format_email"}, {"message", "L’adresse électronique n’est pas valide."}});
    if (!formc::rt::has_text(name) || name.size() > 200) problems.push_back({{"field", "name"}, {"code", "required"}, {"message", "Indiquez votre prénom et votre nom."}});
    if (!formc::rt::is_valid_siret(siret)) problems.push_back({{"field", "siret"}, {"code", "format_siret"}, {"message", "Le SIRET doit comporter 14 chiffres valides."}});
    if (!problems.empty()) return http::send_json_error(res, 422, "Identité invalide.", problems);
    const auto user = store_.upsert_user(email, name, siret);
    const Caller caller = start_session(user, res);
    http::send_json(res, 200, {{"user", {{"id", user.id}, {"email", user.email}, {"name", user.name}, {"organization_siret", user.organization_siret}}},
                               {"csrf_token", caller.csrf_token}});
  });

  router.get("/api/v1/session", api(ApiAccess::SignedIn, [this](const httplib::Request&, httplib::Response& res, const Caller& caller) {
    const auto& user = *caller.user;
    http::send_json(res, 200, {{"user", {{"id", user.id}, {"email", user.email}, {"name", user.name}, {"organization_siret", user.organization_siret}}},
                               {"csrf_token", caller.csrf_token}});
  }));

  router.get("/api/v1/requests", api(ApiAccess::SignedIn, [this](const httplib::Request&, httplib::Response& res, const Caller& caller) {
    Json list = Json::array();
    for (const auto& r : store_.list_requests(caller.user->organization_siret)) list.push_back(request_json(r));
    http::send_json(res, 200, {{"requests", std::move(list)}});
  }));

  router.post("/api/v1/requests", api(ApiAccess::SignedInWithCsrf, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const auto body = read_json_body(req, res);
    if (!body || !only_keys(*body, {"form_uid", "data"}, res)) return;
    const auto catalog = catalogs_.current();
    const auto* entry = (*body).contains("form_uid") && (*body)["form_uid"].is_string()
                            ? catalog->find_form((*body)["form_uid"].get<std::string>())
                            : nullptr;
    if (!entry) return http::send_json_error(res, 404, "Formulaire inconnu (champ « form_uid »).");
    // As the pages: a form the applicant may not start (a production
    // continuation, LIFECYCLE.md §2.10, is reached from its sandbox request).
    if (!entry->startable) {
      return http::send_json_error(res, 403, "Ce formulaire ne peut pas être démarré directement (champ « form_uid »).");
    }
    Json data = catalog->prefill(*entry);
    if ((*body).contains("data")) {
      if (!(*body)["data"].is_object()) return http::send_json_error(res, 400, "« data » doit être un objet JSON.");
      if (const auto refused = document_keys_refused(*entry, (*body)["data"]); !refused.empty()) {
        return send_documents_refused(res, refused);
      }
      data.merge_patch((*body)["data"]);
    }
    std::vector<formc::rt::Error> errors;
    for (const auto& [key, value] : data.items()) find_oversized(value, key, options_.max_value_bytes, errors);
    if (errors.empty()) errors = catalog->validate(*entry, data, formc::rt::Context::draft());
    if (!errors.empty()) return send_invalid_request(res, errors);
    const auto created = store_.create_request({entry->form->uid, entry->definition->id,
                                                catalog->definition_hash(entry->definition->id), data.dump(),
                                                caller.user->id, caller.user->organization_siret});
    res.set_header("Location", "/api/v1/requests/" + std::to_string(created.id));
    http::send_json(res, 201, request_json(created));
  }));

  router.get(R"(/api/v1/requests/(\d{1,18}))", api(ApiAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const auto id = parse_id(req.matches[1].str());
    const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
    if (!found) return http::send_json_error(res, 404, "Demande introuvable.");
    res.set_header("ETag", "\"" + std::to_string(found->version) + "\"");
    http::send_json(res, 200, staged_request_json(*found, store_, *catalogs_.current()));
  }));

  // PATCH and submit: the applicant writes (the middleware has checked the session and its CSRF token).
  auto write = [this](const httplib::Request& req, httplib::Response& res, const Caller& caller, bool submit) {
    const auto body = read_json_body(req, res);
    if (!body) return;
    if (!only_keys(*body, submit ? std::initializer_list<std::string_view>{"version"}
                                 : std::initializer_list<std::string_view>{"version", "data"}, res)) return;
    const auto id = parse_id(req.matches[1].str());
    const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
    if (!found) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto version = body_version(*body, req, res);
    if (!version) return;
    const auto catalog = catalogs_.current();
    const auto* entry = catalog->find_form(found->form_uid);
    if (!entry) return http::send_json_error(res, 410, "Le formulaire de cette demande n’est plus proposé.");
    // Only the applicant edits and submits, a draft or a request whose changes were asked for.
    switch (may(submit ? domain::Action::Submit : domain::Action::Edit, *found, caller)) {
      case domain::Verdict::Allowed: break;
      case domain::Verdict::WrongState:
        return http::send_json_error(res, 409, "La demande n’est plus un brouillon.", {{"request", request_json(*found)}});
      default: return http::send_json_error(res, 403, "Seul le demandeur peut modifier cette demande.");
    }
    Json data = Json::parse(found->data_json, nullptr, false);
    if (!data.is_object()) data = Json::object();
    if (!submit && (*body).contains("data")) {
      if (!(*body)["data"].is_object()) return http::send_json_error(res, 400, "« data » doit être un objet JSON.");
      if (const auto refused = document_keys_refused(*entry, changed_keys((*body)["data"], data)); !refused.empty()) {
        return send_documents_refused(res, refused);
      }
      data.merge_patch((*body)["data"]);
    }
    std::vector<formc::rt::Error> errors;
    for (const auto& [key, value] : data.items()) find_oversized(value, key, options_.max_value_bytes, errors);
    if (errors.empty()) errors = catalog->validate(*entry, data, submit ? formc::rt::Context::submit() : formc::rt::Context::draft());
    if (!errors.empty()) return send_invalid_request(res, errors);
    if (submit) {
      const auto outcome = submission_.submit(app::actor_of(*caller.user, store_), *id, *version, data);
      if (outcome.kind == app::Outcome::Kind::Ok) {
        res.set_header("ETag", "\"" + std::to_string(outcome.request->version) + "\"");
        return http::send_json(res, 200, request_json(*outcome.request));
      }
      return send_outcome_error(res, outcome);
    }
    const auto written = store_.update_draft(*id, caller.user->organization_siret, *version, data.dump(), caller.user->id);
    switch (written.outcome) {
      case storage::WriteOutcome::Ok:
        res.set_header("ETag", "\"" + std::to_string(written.request->version) + "\"");
        return http::send_json(res, 200, request_json(*written.request));
      case storage::WriteOutcome::NotFound: return http::send_json_error(res, 404, "Demande introuvable.");
      case storage::WriteOutcome::Stale:
        return http::send_json_error(res, 409, "La demande a été modifiée entre-temps : relisez-la puis recommencez.",
                                     {{"current_version", written.request ? written.request->version : 0}});
      case storage::WriteOutcome::WrongState:
        return http::send_json_error(res, 409, "La demande n’est plus un brouillon.");
    }
  };
  router.patch(R"(/api/v1/requests/(\d{1,18}))", api(ApiAccess::SignedInWithCsrf, [write](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    write(req, res, caller, false);
  }));

  // ---- Instruction (issue 9) ----------------------------------------------------
  // POST /api/v1/requests/{id}/approve {"message"?} | refuse {"reason"} |
  // request_changes {"reason"} | archive: the policy and the lifecycle decide
  // (404 / 403 / 409 / 422), the store commits state, history, habilitation
  // and emails together.
  router.post(R"(/api/v1/requests/(\d{1,18})/(approve|refuse|request_changes|archive))",
              api(ApiAccess::SignedInWithCsrf, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const std::string verb = req.matches[2].str();
    Json body = Json::object();
    if (!req.body.empty() || verb != "archive") {
      const auto parsed = read_json_body(req, res);
      if (!parsed) return;
      body = *parsed;
    }
    const bool keys_ok = verb == "approve"   ? only_keys(body, {"message"}, res)
                         : verb == "archive" ? only_keys(body, {}, res)
                                             : only_keys(body, {"reason"}, res);
    if (!keys_ok) return;
    auto text = [&](const char* key) -> std::optional<std::string> {
      if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
      return body[key].get<std::string>();
    };
    const auto id = parse_id(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto actor = app::actor_of(*caller.user, store_);
    app::Outcome outcome;
    if (verb == "approve") outcome = instruction_.approve(actor, *id, text("message"));
    else if (verb == "refuse") outcome = instruction_.refuse(actor, *id, text("reason").value_or(""));
    else if (verb == "request_changes") outcome = instruction_.request_changes(actor, *id, text("reason").value_or(""));
    else outcome = instruction_.archive(actor, *id);
    if (outcome.kind != app::Outcome::Kind::Ok) return send_outcome_error(res, outcome);
    Json out = staged_request_json(*outcome.request, store_, *catalogs_.current());
    if (outcome.habilitation) out["habilitation"] = habilitation_json(*outcome.habilitation);
    http::send_json(res, 200, out);
  }));

  // ---- Life with a habilitation (issue 10, LIFECYCLE.md §2.3–§2.5) -------------
  // POST /api/v1/habilitations/{id}/reopen | revoke {"reason"},
  // /api/v1/requests/{id}/cancel_reopening {"reason"?} | transfer {"email"?} |
  // revoke {"reason"}: app/lifecycle.h decides (404 / 403 / 409 / 422) and
  // commits; the answer is the request as it is now. An empty body is {}.
  auto lifecycle_body = [](const httplib::Request& req, httplib::Response& res,
                           std::initializer_list<std::string_view> keys) -> std::optional<Json> {
    Json body = Json::object();
    if (!req.body.empty()) {
      auto parsed = read_json_body(req, res);
      if (!parsed) return std::nullopt;
      body = std::move(*parsed);
    }
    if (!only_keys(body, keys, res)) return std::nullopt;
    return body;
  };
  // A text field: absent or a string (anything else: nullopt, as a missing reason).
  auto text_of = [](const Json& body, const char* key) -> std::optional<std::string> {
    if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  auto answer = [this](httplib::Response& res, const app::Outcome& outcome) {
    if (outcome.kind != app::Outcome::Kind::Ok) return send_outcome_error(res, outcome);
    res.set_header("ETag", "\"" + std::to_string(outcome.request->version) + "\"");
    http::send_json(res, 200, staged_request_json(*outcome.request, store_, *catalogs_.current()));
  };

  router.post(R"(/api/v1/habilitations/(\d{1,18})/(reopen|revoke))",
              api(ApiAccess::SignedInWithCsrf, [=, this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const bool reopen = req.matches[2].str() == "reopen";
    const auto body = reopen ? lifecycle_body(req, res, {}) : lifecycle_body(req, res, {"reason"});
    if (!body) return;
    const auto id = parse_id(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Habilitation introuvable.");
    const auto actor = app::actor_of(*caller.user, store_);
    answer(res, reopen ? lifecycle_.reopen(actor, *id) : lifecycle_.revoke_habilitation(actor, *id, text_of(*body, "reason")));
  }));

  router.post(R"(/api/v1/requests/(\d{1,18})/(cancel_reopening|transfer|revoke))",
              api(ApiAccess::SignedInWithCsrf, [=, this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const std::string verb = req.matches[2].str();
    const auto body = verb == "transfer" ? lifecycle_body(req, res, {"email"}) : lifecycle_body(req, res, {"reason"});
    if (!body) return;
    const auto id = parse_id(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto actor = app::actor_of(*caller.user, store_);
    if (verb == "cancel_reopening") return answer(res, lifecycle_.cancel_reopening(actor, *id, text_of(*body, "reason")));
    if (verb == "revoke") return answer(res, lifecycle_.revoke_request(actor, *id, text_of(*body, "reason")));
    // Absent: a colleague takes the request over; otherwise a string.
    if (body->contains("email") && !(*body)["email"].is_string()) {
      return http::send_json_error(res, 400, "« email » doit être une chaîne de caractères.");
    }
    answer(res, lifecycle_.transfer(actor, *id, text_of(*body, "email")));
  }));

  // ---- Stages sandbox → production (LIFECYCLE.md §2.10) -------------------------
  // POST /api/v1/requests/{id}/start_next_stage | cancel_next_stage (no body,
  // or {}): app/stages.h decides (404 / 403 / 409) and commits; the answer
  // is the request as it is now, with its stage.
  router.post(R"(/api/v1/requests/(\d{1,18})/(start_next_stage|cancel_next_stage))",
              api(ApiAccess::SignedInWithCsrf, [=, this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    if (!lifecycle_body(req, res, {})) return;
    const auto id = parse_id(req.matches[1].str());
    if (!id) return http::send_json_error(res, 404, "Demande introuvable.");
    const auto actor = app::actor_of(*caller.user, store_);
    answer(res, req.matches[2].str() == "start_next_stage" ? stages_.start_next_stage(actor, *id)
                                                            : stages_.cancel_next_stage(actor, *id));
  }));

  // The request's history, newest first.
  router.get(R"(/api/v1/requests/(\d{1,18})/events)", api(ApiAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const auto id = parse_id(req.matches[1].str());
    const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
    if (!found) return http::send_json_error(res, 404, "Demande introuvable.");
    Json events = Json::array();
    for (const auto& e : store_.events_of(*id)) {
      Json changes = e.changes_json ? Json::parse(*e.changes_json, nullptr, false) : Json(nullptr);
      std::string actor_email;
      if (e.user_id) {
        if (const auto u = store_.find_user(*e.user_id)) actor_email = u->email;
      }
      events.push_back({{"name", e.name},
                        {"actor_email", e.user_id ? Json(actor_email) : Json(nullptr)},
                        {"created_at", e.created_at},
                        {"reason", e.reason ? Json(*e.reason) : Json(nullptr)},
                        {"changes", changes.is_discarded() ? Json(nullptr) : changes},
                        {"habilitation_id", e.habilitation_id ? Json(*e.habilitation_id) : Json(nullptr)}});
    }
    http::send_json(res, 200, events);
  }));

  router.get(R"(/api/v1/habilitations/(\d{1,18}))", api(ApiAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    const auto id = parse_id(req.matches[1].str());
    const auto habilitation = id ? store_.find_habilitation(*id) : std::nullopt;
    if (!habilitation || !visible_request(habilitation->request_id, *caller.user)) {
      return http::send_json_error(res, 404, "Habilitation introuvable.");
    }
    http::send_json(res, 200, habilitation_json(*habilitation));
  }));
  router.post(R"(/api/v1/requests/(\d{1,18})/submit)", api(ApiAccess::SignedInWithCsrf, [write](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
    write(req, res, caller, true);
  }));
}

}  // namespace formd
