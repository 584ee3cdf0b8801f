// formd's HTTP application: every route, on top of a catalogue source and a store.
//
// Contract: install() registers the routes on an httplib::Server; handlers
// are thread-safe (they share only the CatalogSource, the Store and
// immutable options). Each handler reads the current catalogue once, so a
// dev-mode reload never changes the definitions under a request in flight.
// Routes (French URLs for pages, README documents the JSON API):
//   GET  /                                      catalogue by provider
//   GET  /definitions/{id}                      definition, eligibility, its forms
//   GET  /formulaires/{uid}/demande/nouveau     start a request (query-string prefill)
//   POST /formulaires/{uid}/demande             create the draft
//   GET  /demandes                              "mes demandes"
//   GET  /demandes/{id}                         a request (drafts go to their wizard)
//   GET|POST /demandes/{id}/etapes/{page}       a wizard page: show, save + validate
//   GET  /demandes/{id}/resume                  summary, CGU and DPO checkboxes
//   POST /demandes/{id}/soumettre               full validation, submit
//   GET|POST /connexion                         dev login (email, name, SIRET), only with --dev-login
//   POST /deconnexion                           sign out (through ProConnect's end_session when signed in with it)
//   GET  /auth/proconnect[/callback]            ProConnect login (with --oidc-issuer), app_proconnect.cc
//   GET  /organisations, POST /organisations/choisir   "Changer d'organisation"
//   GET  /preview/{uid}                         every page with example data, no login, no storage
//   GET  /static/...                            DSFR (local copy), formc's scripts, formd.css
//   GET  /healthz, /api/v1/...                  JSON API
// Identity: a session cookie for signed-in users only (storage::Session
// keeps the token's digest); every HTML form POST carries the session's CSRF
// token in `_csrf`, every mutating API call in the X-CSRF-Token header. The
// login form, shown to visitors without a session, is protected by a signed
// double-submit cookie instead, so an anonymous visit stores nothing.
// Expired sessions are purged by purge_expired_sessions(), which main runs
// in the background. A request of another organisation answers 404.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "app/instruction.h"
#include "app/lifecycle.h"
#include "app/messaging.h"
#include "app/stages.h"
#include "app/submission.h"
#include "auth/oidc/relying_party.h"
#include "catalog/catalog_source.h"
#include "documents/blob_store.h"
#include "documents/uploads.h"
#include "http/router.h"
#include "http/strict_server.h"
#include "pages/layout.h"
#include "storage/repository.h"
#include "web/view.h"

namespace formd {

struct AppOptions {
  std::string assets_dir;                // DSFR's dist/ directory (npm @gouvfr/dsfr)
  std::size_t max_body_bytes = 1 << 20;  // any request body
  std::size_t max_value_bytes = 20000;   // one value of a request
  long session_ttl_seconds = 8 * 3600;
  // The development login (GET|POST /connexion, POST /api/v1/session): anyone
  // signs in as any email and SIRET. Off unless formd runs with --dev-login;
  // then those routes answer 404. ProConnect is the real login (its own issue).
  bool dev_login = false;
  // Where users reach formd, without a trailing "/" (e.g.
  // "https://datapass.example.fr"): the links in the emails point there.
  std::string public_url = "http://localhost:8080";
  // ProConnect (issue 13, server/app_proconnect.cc): the OpenID Connect
  // relying party when formd runs with --oidc-issuer, else null (no
  // /auth/proconnect routes). Its redirect URI is <public_url>/auth/proconnect/callback.
  std::shared_ptr<auth::oidc::RelyingParty> proconnect;
  // A session unused this long is over (0: no idle limit).
  long session_idle_seconds = 2 * 3600;
  // Documents (issue 12): where their bytes are stored (<data>/documents;
  // "": uploads answer 503), and the largest upload body (--max-upload-bytes).
  std::string documents_dir;
  std::size_t max_upload_bytes = 64u << 20;
};

// The most validation errors one answer lists (the JSON API says how many
// there were in all).
inline constexpr std::size_t kMaxErrorsShown = 100;

// Stages (app_stages.cc): the stage badge of a form's pages (start page,
// wizard, summary) and, on the applicant's production request in progress,
// "Annuler la demande de production". `request` is null on the start page.
std::string stage_banner_html(const catalog::Catalog& catalog, const std::string& definition_id,
                              const storage::Request* request);

class App {
 public:
  App(catalog::CatalogSource& catalogs, storage::Store& store, AppOptions options);
  // Registers routes, error handlers and headers. False if the assets directory is missing.
  bool install(http::StrictServer& server);

  // Removes expired sessions; returns how many.
  std::size_t purge_expired_sessions();

  // Who is calling (for handlers).
  struct Caller {
    std::string session_token;  // from the cookie; empty without a session
    std::string csrf_token;     // derived from session_token
    std::optional<storage::Session> session;
    std::optional<storage::User> user;
    [[nodiscard]] bool logged_in() const { return user.has_value(); }
    [[nodiscard]] pages::Viewer viewer() const;
  };

  // A request the caller may see, with its form in the current catalogue.
  struct OwnedRequest {
    storage::Request request;
    const catalog::FormEntry* form = nullptr;
    nlohmann::json data;
    std::vector<storage::Document> documents;  // its current files (issue 12)
  };

 private:
  Caller identify(const httplib::Request& req);
  // Signs `user` in: a new session (never the one the visitor came with), its cookie set on `res`.
  Caller start_session(const storage::User& user, httplib::Response& res, const std::string& id_token = "");
  // ProConnect (app_proconnect.cc): login, callback, organisations; cookies
  // are __Host- and Secure when the public URL is https.
  void install_proconnect(http::Router& router);
  void proconnect_start(const httplib::Request& req, httplib::Response& res);
  void proconnect_callback(const httplib::Request& req, httplib::Response& res);
  void send_proconnect_error(httplib::Response& res, int status, const std::string& message, const std::string& log,
                             const Caller& caller);
  [[nodiscard]] bool secure_cookies() const;
  [[nodiscard]] std::string cookie_name(std::string_view base) const;
  void set_session_cookie(httplib::Response& res, std::string_view value, long max_age_seconds) const;
  // The login form's CSRF token for this visitor, setting its cookie when missing.
  std::string login_form_token(const httplib::Request& req, httplib::Response& res);
  [[nodiscard]] bool login_form_token_matches(const httplib::Request& req, const std::string& posted) const;
  // `next` if it is a local page formd serves by GET, else "/demandes".
  [[nodiscard]] std::string local_redirect_target(const std::string& next) const;
  // For HTML forms: the `_csrf` field matches the session. Sends 403 otherwise.
  bool check_form_csrf(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                       const std::string& posted_token);
  // ---- Middleware (app_middleware.cc): what a route needs, in one line ----
  enum class ApiAccess { Public, SignedIn, SignedInWithCsrf };
  using ApiHandler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&)>;
  // JSON API route: identifies the caller; SignedIn answers 401 without a
  // session; SignedInWithCsrf also 403 without the session's X-CSRF-Token.
  http::Router::Handler api(ApiAccess access, ApiHandler handler);
  enum class PageAccess { SignedIn, RoleHolder };
  struct PostedForm {
    std::vector<std::pair<std::string, std::string>> pairs;  // a POST's fields (empty for GET)
  };
  using PageHandler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&, const PostedForm&)>;
  // HTML page route: identifies the caller; a POST must be a form post (415)
  // carrying the session's `_csrf` (403); then signed in (303 to the login)
  // and, for RoleHolder, holding some role (403).
  http::Router::Handler page(PageAccess access, PageHandler handler);

  // For the JSON API: logged in (401) and X-CSRF-Token matches (403).
  bool check_api_identity(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                          bool needs_csrf);
  // Loads request `id` for a logged-in caller; answers 404 (absent, other
  // organisation) or 410 (its form is gone) itself and returns nullopt.
  std::optional<OwnedRequest> load_owned(std::string_view id, httplib::Response& res, const Caller& caller,
                                         const catalog::Catalog& catalog);
  // Request `id` if the policy lets `user` see it (its organisation, the
  // reporters and instructors of its definition), else nullopt (answer 404).
  std::optional<storage::Request> visible_request(std::int64_t id, const storage::User& user);
  // What the policy says of `action` on `request` for the caller.
  domain::Verdict may(domain::Action action, const storage::Request& request, const Caller& caller);
  // For a POST that writes a draft: the caller may edit it (the applicant,
  // 403; a draft or a request whose changes were asked for, 409), the
  // posted text is UTF-8 (400) and names the version it was based on (400).
  // Answers itself and returns nullopt otherwise.
  std::optional<std::int64_t> check_draft_post(const OwnedRequest& owned,
                                               const std::vector<std::pair<std::string, std::string>>& pairs,
                                               httplib::Response& res, const Caller& caller);
  void send_page(httplib::Response& res, int status, pages::PageShell page, const Caller& caller);
  void send_error_page(httplib::Response& res, int status, const std::string& title, const std::string& message,
                       const Caller& caller);

  // Pages (app_pages.cc)
  void catalogue(const httplib::Request& req, httplib::Response& res);
  void definition(const httplib::Request& req, httplib::Response& res);
  void login_form(const httplib::Request& req, httplib::Response& res);
  void login(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);
  // "Changer d'organisation" (app_proconnect.cc): GET lists, POST selects and rotates the session.
  void organisations_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  // Requests (app_requests.cc)
  void start_request(const httplib::Request& req, httplib::Response& res);
  void create_request(const httplib::Request& req, httplib::Response& res);
  void my_requests(const httplib::Request& req, httplib::Response& res);
  void show_request(const httplib::Request& req, httplib::Response& res);
  void show_step(const httplib::Request& req, httplib::Response& res);
  void save_step(const httplib::Request& req, httplib::Response& res);
  // Documents (app_documents.cc, issue 12): upload, removal and download
  // routes; the step form as multipart; the rows and entries written together.
  struct StepFiles {
    std::vector<documents::ReceivedFile> received;
  };
  struct StepDocuments {
    std::vector<storage::NewDocument> add;
    std::vector<std::int64_t> remove;
    std::vector<formc::rt::Error> errors;  // refused files, at their field
  };
  void install_documents(http::Router& router);
  // The document fields of the form's definition that `posted` (a JSON API
  // data object) names: errors, since entries come only with uploaded bytes
  // (the caller lets through entries sent back unchanged).
  static std::vector<formc::rt::Error> document_keys_refused(const catalog::FormEntry& form, const nlohmann::json& posted);
  void save_step_stream(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  // save_step once the body is read: `pairs` posted, `files` (multipart only) received.
  void save_step_posted(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                        const std::vector<std::pair<std::string, std::string>>& pairs, StepFiles* files);
  StepDocuments step_documents(const OwnedRequest& owned, const std::vector<const formc::model::Field*>& fields,
                               const std::vector<std::pair<std::string, std::string>>& pairs, StepFiles* files);
  storage::DocumentWriteResult write_request_documents(const storage::Request& request, nlohmann::json data,
                                                       std::vector<storage::NewDocument> add,
                                                       std::vector<std::int64_t> remove, std::int64_t actor);
  void show_summary(const httplib::Request& req, httplib::Response& res);
  void submit_request(const httplib::Request& req, httplib::Response& res);
  // Instruction space and habilitations (app_instruction.cc)
  void instruction_list(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void instruction_request(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void show_instruction_request(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                const std::string& id_text, const std::string& notice, int status);
  // GET: the action's form; POST: the action (the use case decides).
  void instruction_action(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  // Life with a habilitation (app_habilitations.cc, app_request_actions.cc):
  // the habilitation page and its tabs, "Mettre à jour", the revocation of
  // one habilitation; on a request: transfer, cancelling an update, deletion.
  void install_lifecycle_pages(http::Router& router);
  struct VisibleHabilitation {
    storage::Habilitation habilitation;
    storage::Request request;
    domain::Actor actor;
    domain::RequestView view;
    std::vector<storage::Habilitation> all;  // every habilitation of its request
  };
  // Habilitation `id` if the caller may see its request; answers 404 itself otherwise.
  std::optional<VisibleHabilitation> load_habilitation(std::string_view id_text, httplib::Response& res,
                                                       const Caller& caller);
  struct RequestAction {
    storage::Request request;
    domain::Actor actor;
    domain::RequestView view;
    std::string definition_name;
  };
  // Request `id` if the caller may see it; answers 404 itself otherwise.
  std::optional<RequestAction> load_request_action(std::string_view id_text, httplib::Response& res,
                                                   const Caller& caller);
  void show_habilitation(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void reopen_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void revoke_habilitation_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                                const PostedForm& form);
  void transfer_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void cancel_update_page(const httplib::Request& req, httplib::Response& res, const Caller& caller,
                          const PostedForm& form);
  void archive_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  // The error page of a refused use case (404, 403, 409, 422 as app::Outcome says).
  void send_outcome_page(httplib::Response& res, const app::Outcome& outcome, const Caller& caller);
  // Managers grant and revoke roles on their definitions (app_roles.cc).
  void roles_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void grant_role(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void revoke_role(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  // The catalogue's definitions on which `actor` holds at least `kind`.
  static std::vector<const formc::model::Definition*> instructed_definitions(const domain::Actor& actor,
                                                                             const catalog::Catalog& catalog,
                                                                             domain::RoleKind kind);
  static std::string instruction_notice(std::string_view slug);
  // A user as history and lists show them: their name, else their email; "DataPass" for none.
  std::string user_label(std::optional<std::int64_t> user_id);
  // {events, has_events} of the request's history (web/models.h).
  void set_request_history(web::Data& data, const storage::Request& request, const catalog::Catalog& catalog);
  // `documents`: the files listed at their fields with size and download link (issue 12).
  static std::string read_only_summary(const catalog::Catalog& catalog, const catalog::FormEntry& form,
                                       const nlohmann::json& data, std::int64_t request_id,
                                       const std::vector<storage::Document>& documents);
  // Preview (app_preview.cc)
  void preview(const httplib::Request& req, httplib::Response& res);
  // Static files generated by formc (scripts) and formd.css
  void generated_static(const httplib::Request& req, httplib::Response& res);
  // JSON API (app_api.cc)
  void install_api(http::Router& router);
  // Messaging (app_messages.cc, LIFECYCLE.md §2.7): the "Messagerie" pages
  // of a request, of the instruction space and of a habilitation, and
  // GET|POST /api/v1/requests/{id}/messages.
  void install_messaging(http::Router& router);
  void messages_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form,
                     int where);
  // For a page linking to the conversation (templates/messages_link.mustache,
  // or a "Messagerie" tab): has_messaging and messaging_href (`href`) when
  // the policy lets the caller read it; has_unread_messages, unread_messages
  // and unread_messages_text ("1 nouveau message") for the caller's side
  // (the applicant's counter, or the instructors').
  void set_messaging_link(web::Data& data, const storage::Request& request, const Caller& caller, const std::string& href);
  // `page` with templates/messages_link.mustache at the top of its body:
  // the applicant's wizard and summary pages of a draft (LIFECYCLE.md §2.7:
  // messaging works in every state), whose templates are formc's pages.
  pages::PageShell with_messaging_link(pages::PageShell page, const storage::Request& request, const Caller& caller);
  // A list item's badge (dashboard card, instruction list row), a link to
  // the conversation at `href`: has_unread_messages, unread_messages(_text), unread_href.
  static void set_unread_badge(web::Data& item, std::int64_t count, const std::string& href);
  // The data of templates/messages_tab.mustache: the conversation, and the
  // form posting to `action` when the caller may post (`typed` and `error`
  // after a refused post).
  void set_messages_tab(web::Data& data, const app::Conversation& conversation, const Caller& caller,
                        const std::string& action, const std::string& typed, const std::string& error);
  // Stages sandbox → production (app_stages.cc, LIFECYCLE.md §2.10): the
  // introduction page and "Débuter ma demande", "Annuler la demande de
  // production" for the applicant and for an instructor, and the stage data
  // of other pages (templates/stage_*.mustache).
  void install_stage_pages(http::Router& router);
  void stage_intro_page(const httplib::Request& req, httplib::Response& res, const Caller& caller, const PostedForm& form);
  void stage_cancel(const httplib::Request& req, httplib::Response& res, const Caller& caller, bool instructor);
  void send_stage_refusal(httplib::Response& res, const app::Outcome& outcome, const Caller& caller);

 public:
  // has_stage, stage, stage_label (stage_badge.mustache) of a definition.
  static void set_stage_badge(web::Data& data, const catalog::Catalog& catalog, const std::string& definition_id);

 private:
  // stage_can_start and stage_request_id (stage_start.mustache): the caller
  // may start the request's next stage, from `habilitation_id` when given.
  void set_stage_start(web::Data& data, const storage::Request& request, const std::vector<storage::Habilitation>& all,
                       std::optional<std::int64_t> habilitation_id, const Caller& caller);
  // The habilitation page and the dashboard's habilitation card: badge and start button.
  void set_stage_habilitation(web::Data& data, const storage::Habilitation& habilitation, const storage::Request& request,
                              const std::vector<storage::Habilitation>& all, const Caller& caller);
  void set_stage_habilitation_card(web::Data& card, const storage::Habilitation& habilitation, const Caller& caller);
  // The applicant's request page (stage_request.mustache) and the instruction page (stage_instruction.mustache).
  void set_stage_request(web::Data& data, const httplib::Request& req, const storage::Request& request,
                         const Caller& caller);
  void set_stage_instruction(web::Data& data, const storage::Request& request, const domain::Actor& actor);

  catalog::CatalogSource& catalogs_;
  storage::Store& store_;
  AppOptions options_;
  app::Instruction instruction_;
  app::Submission submission_;
  // Update, transfer, revocation (issue 10): the JSON API's lifecycle calls.
  app::Lifecycle lifecycle_{store_, catalogs_, options_.public_url};
  // Messaging (issue 10): applicant ↔ instructors on a request.
  app::Messaging messaging_{store_, catalogs_, options_.public_url};
  // Stages sandbox → production (LIFECYCLE.md §2.10): API and pages.
  app::Stages stages_{store_, catalogs_};
  std::unique_ptr<documents::BlobStore> blobs_;  // null without options_.documents_dir
  std::unique_ptr<http::Router> router_;
  std::string login_form_key_;  // signs the login form's CSRF tokens (a server secret)
  std::string login_origin_;    // the ProConnect issuer's origin ("" without ProConnect), allowed in form-action
};

}  // namespace formd
