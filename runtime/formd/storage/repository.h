// Storage of formd: users, sessions and authorization requests.
//
// Contract: formd talks to storage only through these interfaces, so the
// embedded SQLite store (sqlite_store.h) and the PostgreSQL store that comes
// next are interchangeable. Every method is safe to call from several HTTP
// worker threads at once. Nothing here throws for expected outcomes (not
// found, stale version): those are return values. A StorageError is thrown
// only when the database itself fails (disk full, corrupt file); the HTTP
// layer turns it into a 503 page, never a crash.
//
// Ownership: a request belongs to the user who created it and to that user's
// organisation (SIRET). Reads and writes take the caller's organisation and
// answer "not found" for a request of another organisation, so a caller can
// never learn that it exists.
//
// Optimistic concurrency: every request carries a `version`, 1 at creation
// and +1 at every write. A write names the version it was based on; when the
// stored one differs the write is refused (Stale) and nothing changes, so two
// concurrent edits of one draft never lose an update silently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/lifecycle.h"
#include "domain/states.h"

namespace formd::storage {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct User {
  std::int64_t id = 0;
  std::string email;  // unique, lower-cased by the caller
  std::string name;
  std::string organization_siret;  // 14 digits
};

// An organisation a user belongs to (DataPass's "organisation link"), by SIRET.
struct Organization {
  std::string siret;  // 14 digits
  std::string name;   // empty when no login's claims gave one
};

// A login through an OpenID Connect provider (ProConnect), as its claims say.
struct OidcLogin {
  std::string issuer, sub;
  std::string email;  // lower-cased by the caller
  std::string name;
  std::string siret;  // 14 digits, or empty when the provider gave none
  std::string organization_name;
};

// A signed-in user's session. The store keeps only the SHA-256 digest of
// the session token (auth/tokens.h): the token itself lives in the user's
// cookie and nowhere else. Visitors who are not signed in have no session.
struct Session {
  std::string token_digest;  // 64 hex digits
  std::int64_t user_id = 0;
  std::int64_t expires_at = 0;  // unix seconds
};

// The domain's states (domain/states.h), stored by their DataPass names.
using RequestState = domain::RequestState;

struct Request {
  std::int64_t id = 0;
  std::string form_uid;
  std::string definition_id;
  std::string definition_hash;  // content hash of the definition the request was made against
  RequestState state = RequestState::Draft;
  std::string data_json;        // the flat DataPass attribute object, as JSON text
  std::int64_t user_id = 0;
  std::string organization_siret;
  std::int64_t version = 1;
  std::int64_t created_at = 0, updated_at = 0;  // unix seconds
  std::optional<std::int64_t> submitted_at;
  // The data as last submitted (unset before the first submission): a
  // resubmission's changelog compares the new data with it.
  std::optional<std::string> submitted_data_json;
  // When its applicant reopened it to update its habilitation ("Mettre à
  // jour", LIFECYCLE.md §2.3), while that update is in progress: set by the
  // change that starts it (StateChange::start_reopening), cleared by every
  // change that leaves draft, submitted and changes_requested (approved,
  // refused, cancelled, revoked). Set means DataPass's `reopening` flag.
  std::optional<std::int64_t> reopened_at;
  [[nodiscard]] bool reopening() const { return reopened_at.has_value(); }
  // Stages (LIFECYCLE.md §2.10): the habilitation of the earlier stage
  // (sandbox) the applicant started this request's next stage from, while
  // that stage is in progress: set by StateChange::start_next_stage_from,
  // kept through draft, submitted and changes_requested, cleared by every
  // change to another state (approved, refused, cancelled, revoked).
  std::optional<std::int64_t> next_stage_from;
};

struct NewRequest {
  std::string form_uid, definition_id, definition_hash, data_json;
  std::int64_t user_id = 0;
  std::string organization_siret;
};

enum class WriteOutcome { Ok, NotFound, Stale, WrongState };

struct WriteResult {
  WriteOutcome outcome = WriteOutcome::Ok;
  std::optional<Request> request;  // the stored request after the write (Ok), or as it is now (Stale, WrongState)
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Creates the user, or updates name and SIRET of the user with that email.
  virtual User upsert_user(const std::string& email, const std::string& name, const std::string& siret) = 0;
  virtual std::optional<User> find_user(std::int64_t id) = 0;
  virtual std::optional<User> find_user_by_email(const std::string& email) = 0;
  // The user with that email, created (no name, no organisation yet: filled
  // at their first login) when unknown: roles can be granted before it.
  virtual User ensure_user(const std::string& email) = 0;
  // ProConnect (issue 13), one transaction: the user of (issuer, sub) — or,
  // at their first login, the user of that email who has no subject yet
  // (roles may be granted before it), or a new one — gets the claims' email
  // and name; the SIRET is added to their organisations and made current.
  // nullopt when the email belongs to another subject's user.
  virtual std::optional<User> sign_in_oidc_user(const OidcLogin& login) = 0;
  // The user's organisations, by SIRET.
  virtual std::vector<Organization> organizations_of(std::int64_t user_id) = 0;
  // Makes `siret` the user's current organisation; nullopt (nothing changed)
  // unless it is among their organisations.
  virtual std::optional<User> select_organization(std::int64_t user_id, const std::string& siret) = 0;
};

struct RoleGrant {
  User user;
  std::string role;  // DataPass's text, e.g. "ans:api_pro_sante_connect:instructor" (domain/roles.h)
  std::int64_t granted_at = 0;
};

// Roles are stored as DataPass writes them; callers parse them with
// domain::parse_role and store only what it accepts.
class RoleRepository {
 public:
  virtual ~RoleRepository() = default;
  // False when the user already had it.
  virtual bool grant_role(std::int64_t user_id, const std::string& role) = 0;
  // False when the user did not have it.
  virtual bool revoke_role(std::int64_t user_id, const std::string& role) = 0;
  virtual std::vector<std::string> roles_of(std::int64_t user_id) = 0;
  // Every grant, by email then role.
  virtual std::vector<RoleGrant> list_role_grants() = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual Session create_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds) = 0;
  // The session if it exists and has not expired.
  virtual std::optional<Session> find_session(const std::string& token_digest) = 0;
  virtual void delete_session(const std::string& token_digest) = 0;
  // Removes every expired session; returns how many.
  virtual std::size_t delete_expired_sessions() = 0;
  // A session with an idle limit too (find_session() ends it once unused for
  // idle_seconds; 0: none) and the login's id_token ("" for none).
  virtual Session create_login_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds,
                                       std::int64_t idle_seconds, const std::string& id_token) = 0;
  // The id_token the session was opened with ("" for none).
  virtual std::string session_id_token(const std::string& token_digest) = 0;
  // Ends every session of the user; returns how many.
  virtual std::size_t delete_sessions_of_user(std::int64_t user_id) = 0;
  // The server-wide secret `name` (e.g. the key that signs login forms):
  // stored on first use as `candidate`, then the stored value for every
  // caller and every process sharing the database.
  virtual std::string server_secret(const std::string& name, const std::string& candidate) = 0;
};

class RequestRepository {
 public:
  virtual ~RequestRepository() = default;
  virtual Request create_request(const NewRequest& request) = 0;
  // Not found unless the request belongs to `organization_siret`.
  virtual std::optional<Request> find_request(std::int64_t id, const std::string& organization_siret) = 0;
  // Replaces the data of a draft (or of a request whose changes were asked
  // for) whose version is `expected_version`.
  // `actor_user_id` is who writes (any member of the organisation may): it
  // is recorded in the request's event history (unset: a system write).
  virtual WriteResult update_draft(std::int64_t id, const std::string& organization_siret,
                                   std::int64_t expected_version, const std::string& data_json,
                                   std::optional<std::int64_t> actor_user_id) = 0;
  // Moves a draft (or a request whose changes were asked for) to Submitted,
  // storing its final data, if its version is `expected_version`.
  virtual WriteResult submit(std::int64_t id, const std::string& organization_siret, std::int64_t expected_version,
                             const std::string& data_json, std::optional<std::int64_t> actor_user_id) = 0;
  // The organisation's requests (the user's own among them), newest first.
  virtual std::vector<Request> list_requests(const std::string& organization_siret) = 0;
};

// ---- Instruction: state changes, habilitations, history, outbox ----------

struct Habilitation {
  std::int64_t id = 0;  // shown as H<id>
  std::int64_t request_id = 0;
  domain::HabilitationState state = domain::HabilitationState::Active;
  std::string data_json;  // the request's data when it was approved
  std::string form_uid, definition_id, definition_hash;
  std::int64_t applicant_user_id = 0;
  std::string organization_siret;
  std::int64_t created_at = 0;
};

struct RequestEvent {
  std::int64_t id = 0;
  std::string name;  // DataPass's: create, update, submit, approve, refuse, request_changes, …
  std::optional<std::int64_t> user_id;
  std::optional<std::string> reason;
  std::optional<std::string> changes_json;  // [{field, label, from, to}] on a resubmission
  std::optional<std::int64_t> habilitation_id;
  std::int64_t created_at = 0;
};

struct OutboxMessage {
  std::string kind = "email";
  std::string payload_json;
};

struct OutboxEntry {
  std::int64_t id = 0;
  std::string kind;
  std::string payload_json;
  int attempts = 0;
};

// A change of state the domain decided (domain::next_state): the store
// applies it as one unit — the request's state (and data, when given), its
// history event, the habilitation an approval issues and the outbox messages
// — or not at all.
struct StateChange {
  std::int64_t request_id = 0;
  std::int64_t expected_version = 0;
  RequestState from = RequestState::Draft;  // what the domain decided from
  RequestState to = RequestState::Draft;
  std::string event;  // DataPass's event name (domain::to_string(Event))
  std::optional<std::int64_t> actor_user_id;
  std::optional<std::string> reason;
  std::optional<std::string> data_json;     // new data, e.g. a resubmission
  std::optional<std::string> changes_json;  // its changelog
  // Issue a habilitation: an active snapshot of the request's data; the
  // request's earlier active habilitations of the same stage (the same
  // definition_id, DataPass's authorization_request_class) become obsolete:
  // a production approval leaves the sandbox habilitation active.
  bool issue_habilitation = false;
  // Start an update (reopen): reopened_at becomes now. `to` must be one of
  // draft, submitted, changes_requested (a StorageError otherwise). Any
  // change to another state ends the update (reopened_at cleared).
  bool start_reopening = false;
  // Revoke habilitations of the request: None; All, every active one
  // (obsolete ones stay obsolete); One, `habilitation_id`, which must be an
  // active habilitation of this request (WrongState otherwise, nothing written).
  enum class Revocation { None, All, One };
  Revocation revoke = Revocation::None;
  // Stages (LIFECYCLE.md §2.10): the request moves to another form, and so
  // definition (and its content hash): its next stage, or back to the
  // earlier one. Unset: the form stays.
  struct FormSwitch {
    std::string form_uid, definition_id, definition_hash;
  };
  std::optional<FormSwitch> switch_form;
  // Start the next stage from this habilitation of the earlier stage:
  // next_stage_from becomes it. `to` must be one of draft, submitted,
  // changes_requested (a StorageError otherwise); any change to another
  // state ends the stage in progress (next_stage_from cleared).
  std::optional<std::int64_t> start_next_stage_from;
  // The habilitation the event is about (recorded in the event): the one an
  // update reopens or whose data comes back, the one revoked. An issued
  // habilitation takes its place.
  std::optional<std::int64_t> habilitation_id;
  // Documents (issue 12): the request's current documents become copies of
  // this habilitation's (an update cancelled or refused brings its files
  // back with its data). Unset: they stay. An issued habilitation always
  // takes a copy of the request's current documents.
  std::optional<std::int64_t> restore_documents_from;
  // With restore_documents_from: only these fields' documents are replaced
  // (a production request carrying the production files of its previous
  // production habilitation); empty: all of them.
  std::vector<std::string> restore_document_fields;
  std::vector<OutboxMessage> outbox;
};

// A transfer (LIFECYCLE.md §2.4): the request's applicant changes (and its
// organisation, for an admin's transfer to another one), with the
// ownership of its habilitations; the request's state and data, and the
// habilitations' ids, states and data, do not. One unit with its `transfer`
// event and outbox, or nothing.
struct Transfer {
  std::int64_t request_id = 0;
  // What the caller decided on. WrongState when the request is no longer
  // in `state`; Stale when its applicant or organisation changed meanwhile.
  // The version is not compared: an edit of the data in between does not
  // undo the decision, and the transfer moves the version on, so that an
  // edit based on the version before it is refused (Stale).
  RequestState state = RequestState::Draft;
  std::int64_t from_user_id = 0;
  std::string from_organization_siret;
  std::int64_t to_user_id = 0;
  std::string to_organization_siret;
  std::optional<std::int64_t> actor_user_id;
  std::optional<std::string> changes_json;  // the event's record: [{field, label, from, to}]
  std::vector<OutboxMessage> outbox;
};

struct StateChangeResult {
  WriteOutcome outcome = WriteOutcome::Ok;
  std::optional<Request> request;            // after the change (Ok), or as it is (Stale, WrongState)
  std::optional<Habilitation> habilitation;  // the one issued, if any
};

// What an instructor's list asks for. Only requests of `definition_ids`
// match (the definitions the caller may see; empty: none at all).
struct RequestSearch {
  std::vector<std::string> definition_ids;
  std::optional<RequestState> state;
  // A request number ("42", "n°42", "#42") or a piece of its project name
  // (the `intitule` attribute: the trimmed text as one substring, ASCII
  // letters case-insensitively); empty: all. Drafts match too: an
  // instructor may delete one (DataPass's "Supprimer").
  std::string text;
  std::size_t offset = 0;
  std::size_t limit = 50;
};

struct RequestPage {
  std::vector<Request> requests;
  std::size_t total = 0;
};

class InstructionRepository {
 public:
  virtual ~InstructionRepository() = default;
  // NotFound: no such request; WrongState: it is no longer in `from` (or
  // the habilitation to revoke is not an active one of it); Stale: another
  // write came first (version). Nothing is written then.
  virtual StateChangeResult change_state(const StateChange& change) = 0;
  // NotFound: no such request; WrongState / Stale: see Transfer. Nothing is
  // written then. Ok: the request after the transfer (no habilitation).
  virtual StateChangeResult transfer_request(const Transfer& transfer) = 0;
  // Without an organisation filter: for callers that ask the policy first.
  virtual std::optional<Request> find_request_by_id(std::int64_t id) = 0;
  virtual std::optional<Habilitation> find_habilitation(std::int64_t id) = 0;
  // Oldest first.
  virtual std::vector<Habilitation> habilitations_of(std::int64_t request_id) = 0;
  // Newest first.
  virtual std::vector<RequestEvent> events_of(std::int64_t request_id) = 0;
  // The instructors' list: one page of matching requests, newest first, and
  // how many match in all.
  virtual RequestPage search_requests(const RequestSearch& search) = 0;
  // An organisation's habilitations, newest first.
  virtual std::vector<Habilitation> habilitations_of_organization(const std::string& organization_siret) = 0;
  // Messages due at `now`, oldest first, at most `limit`.
  virtual std::vector<OutboxEntry> due_outbox(std::size_t limit) = 0;
  // Takes message `id` for one sending attempt: true only if it is still
  // pending (neither sent nor given up) and due now, and then its next
  // attempt moves to `lease_until`, so no other worker sharing the database
  // (another formd process) takes it before then. The taker marks it sent or
  // failed; a taker that dies leaves it to be taken again at `lease_until`.
  virtual bool claim_outbox(std::int64_t id, std::int64_t lease_until) = 0;
  virtual void mark_outbox_sent(std::int64_t id) = 0;
  // Another attempt at `next_attempt_at`, or (nullopt) given up.
  virtual void mark_outbox_failed(std::int64_t id, std::optional<std::int64_t> next_attempt_at) = 0;
};

// ---- Messaging (LIFECYCLE.md §2.7) ----------------------------------------

// Which side of the conversation: the request's applicant, or the
// instructors of its definition (one shared side: one unread counter).
using MessageParty = domain::Party;

struct Message {
  std::int64_t id = 0;
  std::int64_t request_id = 0;
  std::int64_t user_id = 0;  // the author
  MessageParty from = MessageParty::Applicant;
  std::string body;
  std::int64_t created_at = 0;
};

// A message the use case decided to post (it asked the policy first).
struct NewMessage {
  std::int64_t request_id = 0;
  std::int64_t user_id = 0;
  MessageParty from = MessageParty::Applicant;
  std::string body;  // non-empty (a StorageError otherwise: the use case checks it)
  // The request's state the caller decided on: WrongState when it is no
  // longer in it (e.g. archived meanwhile), and nothing is written. The
  // version is not compared: a message does not change the request, and an
  // edit of its data in between does not undo the decision.
  RequestState state = RequestState::Draft;
  std::vector<OutboxMessage> outbox;
};

struct PostMessageResult {
  WriteOutcome outcome = WriteOutcome::Ok;  // Ok, NotFound or WrongState
  std::optional<Message> message;           // the stored message (Ok)
  std::optional<Request> request;           // as it is now (Ok, WrongState)
};

// How many messages each side has not read yet.
struct UnreadMessages {
  std::int64_t applicant = 0;   // instructors' messages the applicant has not read
  std::int64_t instructor = 0;  // applicant's messages the instructors have not read
  friend bool operator==(const UnreadMessages&, const UnreadMessages&) = default;
};

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;
  // One transaction: the message, the history event ("applicant_message"
  // or "instructor_message", by the author's side, naming the author), the
  // outbox messages, and +1 on the other side's unread counter. NotFound
  // (no such request) and WrongState (see NewMessage::state) write nothing.
  // The request itself (data, version, updated_at) does not change.
  virtual PostMessageResult post_message(const NewMessage& message) = 0;
  // The request's conversation, oldest first (empty for an unknown request).
  virtual std::vector<Message> messages_of(std::int64_t request_id) = 0;
  // `reader`'s side has read the conversation: its unread counter becomes
  // 0 (the other side's stays). Nothing for an unknown request.
  virtual void mark_messages_read(std::int64_t request_id, MessageParty reader) = 0;
  // The unread counters of each of `request_ids` that has some (a request
  // absent from the answer has none unread on either side).
  virtual std::map<std::int64_t, UnreadMessages> unread_messages(const std::vector<std::int64_t>& request_ids) = 0;
};

// ---- Documents (issue 12) --------------------------------------------------

// What the database knows of one file; its bytes are in the content-addressed
// store (documents/blob_store.h) under `sha256`.
struct Document {
  std::int64_t id = 0;
  std::int64_t request_id = 0;
  std::optional<std::int64_t> habilitation_id;  // set: part of that habilitation's snapshot
  std::string field;
  std::string name;          // sanitised by the caller (documents/file_name.h)
  std::string content_type;  // as the bytes say (libmagic)
  std::int64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  std::optional<std::int64_t> uploaded_by;
  std::int64_t created_at = 0;
};

struct NewDocument {
  std::string field, name, content_type, sha256;
  std::int64_t size = 0;
};

// One change of a draft's documents, with its data: one transaction, the
// `update` event naming `actor_user_id`, version + 1; or nothing.
struct DocumentWrite {
  std::int64_t request_id = 0;
  std::string organization_siret;  // NotFound for another organisation's request
  std::int64_t expected_version = 0;
  // The request's data after the change: the caller rewrote the entries of
  // the fields it touched from documents_of() (the version check makes that
  // read safe).
  std::string data_json;
  std::vector<NewDocument> add;
  // Current documents of this request to remove (NotFound if one is not).
  std::vector<std::int64_t> remove;
  std::optional<std::int64_t> actor_user_id;
};

struct DocumentWriteResult {
  WriteOutcome outcome = WriteOutcome::Ok;
  std::optional<Request> request;  // after (Ok), or as it is (Stale, WrongState)
  std::vector<Document> added;     // in `add` order (Ok)
};

class DocumentRepository {
 public:
  virtual ~DocumentRepository() = default;
  // Draft or changes_requested only (WrongState otherwise); Stale when the
  // version moved. Nothing is written unless Ok.
  virtual DocumentWriteResult write_documents(const DocumentWrite& write) = 0;
  // Any document, current or of a habilitation (the caller asks the policy).
  virtual std::optional<Document> find_document(std::int64_t id) = 0;
  // The request's current documents, by field then id.
  virtual std::vector<Document> documents_of(std::int64_t request_id) = 0;
  // A habilitation's snapshot, by field then id.
  virtual std::vector<Document> documents_of_habilitation(std::int64_t habilitation_id) = 0;
  // Every SHA-256 some row names (what `formd gc` keeps).
  virtual std::vector<std::string> referenced_blobs() = 0;
};

// One store implements all three (one database, one transaction scope).
class Store : public UserRepository,
              public SessionRepository,
              public RequestRepository,
              public RoleRepository,
              public InstructionRepository,
              public MessageRepository,
              public DocumentRepository {
 public:
  // The schema version after migrations (for /healthz).
  [[nodiscard]] virtual int schema_version() = 0;
};

}  // namespace formd::storage
