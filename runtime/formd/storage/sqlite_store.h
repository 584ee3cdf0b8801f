// The embedded store: one SQLite file, <data_dir>/formd.sqlite3.
//
// Contract: open() creates the data directory if needed, opens the file in
// WAL mode with foreign keys on, a 5 s busy timeout and synchronous=NORMAL
// (durable across a formd crash; the last commits may be lost on a power
// cut, which WAL keeps consistent), then applies the missing migrations
// (migrations.h). Any failure there throws StorageError naming the path; a
// database written by a newer formd is refused, never modified.
//
// Threads: one connection guarded by one mutex. Every method locks it for
// its whole duration, so each call is atomic with respect to the others and
// the transactions of this process never wait on each other inside SQLite.
// At formd's scale (form edits, a few writes a second) serialising is
// cheaper than it looks: SQLite has a single writer anyway, and reads are
// short indexed lookups. Several formd processes may share one file: every
// write transaction is BEGIN IMMEDIATE and waits up to the busy timeout for
// the lock, after which it fails with StorageError.
//
// The store makes no tokens: sessions arrive with the digest of a token
// made by auth/tokens.h, and reads the time from the Clock it is given. The
// database file is created 0600 (and an existing one restricted to 0600).
// Times are unix seconds.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include "storage/clock.h"
#include "storage/repository.h"
#include "storage/sqlite.h"

namespace formd::storage {

class SqliteStore final : public Store {
 public:
  // The file name inside the data directory.
  static constexpr const char* kFileName = "formd.sqlite3";

  // `clock`: what the store reads the time from (a SystemClock when null).
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& data_dir,
                                           std::shared_ptr<const Clock> clock = nullptr);

  User upsert_user(const std::string& email, const std::string& name, const std::string& siret) override;
  std::optional<User> find_user(std::int64_t id) override;
  std::optional<User> find_user_by_email(const std::string& email) override;
  User ensure_user(const std::string& email) override;
  std::optional<User> sign_in_oidc_user(const OidcLogin& login) override;
  std::vector<Organization> organizations_of(std::int64_t user_id) override;
  std::optional<User> select_organization(std::int64_t user_id, const std::string& siret) override;

  bool grant_role(std::int64_t user_id, const std::string& role) override;
  bool revoke_role(std::int64_t user_id, const std::string& role) override;
  std::vector<std::string> roles_of(std::int64_t user_id) override;
  std::vector<RoleGrant> list_role_grants() override;

  Session create_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds) override;
  std::optional<Session> find_session(const std::string& token_digest) override;
  void delete_session(const std::string& token_digest) override;
  std::size_t delete_expired_sessions() override;
  Session create_login_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds,
                               std::int64_t idle_seconds, const std::string& id_token) override;
  std::string session_id_token(const std::string& token_digest) override;
  std::size_t delete_sessions_of_user(std::int64_t user_id) override;
  std::string server_secret(const std::string& name, const std::string& candidate) override;

  Request create_request(const NewRequest& request) override;
  std::optional<Request> find_request(std::int64_t id, const std::string& organization_siret) override;
  WriteResult update_draft(std::int64_t id, const std::string& organization_siret, std::int64_t expected_version,
                           const std::string& data_json, std::optional<std::int64_t> actor_user_id) override;
  WriteResult submit(std::int64_t id, const std::string& organization_siret, std::int64_t expected_version,
                     const std::string& data_json, std::optional<std::int64_t> actor_user_id) override;
  std::vector<Request> list_requests(const std::string& organization_siret) override;

  StateChangeResult change_state(const StateChange& change) override;
  StateChangeResult transfer_request(const Transfer& transfer) override;
  std::optional<Request> find_request_by_id(std::int64_t id) override;
  RequestPage search_requests(const RequestSearch& search) override;
  std::vector<Habilitation> habilitations_of_organization(const std::string& organization_siret) override;
  std::optional<Habilitation> find_habilitation(std::int64_t id) override;
  std::vector<Habilitation> habilitations_of(std::int64_t request_id) override;
  std::vector<RequestEvent> events_of(std::int64_t request_id) override;
  std::vector<OutboxEntry> due_outbox(std::size_t limit) override;
  bool claim_outbox(std::int64_t id, std::int64_t lease_until) override;
  void mark_outbox_sent(std::int64_t id) override;
  void mark_outbox_failed(std::int64_t id, std::optional<std::int64_t> next_attempt_at) override;

  PostMessageResult post_message(const NewMessage& message) override;
  std::vector<Message> messages_of(std::int64_t request_id) override;
  void mark_messages_read(std::int64_t request_id, MessageParty reader) override;
  std::map<std::int64_t, UnreadMessages> unread_messages(const std::vector<std::int64_t>& request_ids) override;

  DocumentWriteResult write_documents(const DocumentWrite& write) override;
  std::optional<Document> find_document(std::int64_t id) override;
  std::vector<Document> documents_of(std::int64_t request_id) override;
  std::vector<Document> documents_of_habilitation(std::int64_t habilitation_id) override;
  std::vector<std::string> referenced_blobs() override;

  int schema_version() override;

 private:
  // Adds `siret` (when 14 digits) to the user's organisations; the caller holds the lock.
  void link_organization(std::int64_t user_id, const std::string& siret, const std::string& name, std::int64_t now);
  enum class DraftWrite { Update, Submit };

  SqliteStore(sqlite::Connection db, std::shared_ptr<const Clock> clock)
      : clock_(std::move(clock)), db_(std::move(db)) {}

  // Both expect mutex_ held.
  std::optional<Request> select_request(std::int64_t id, const std::string& organization_siret);
  WriteResult write_draft(DraftWrite kind, std::int64_t id, const std::string& organization_siret,
                          std::int64_t expected_version, const std::string& data_json,
                          std::optional<std::int64_t> actor_user_id);

  std::shared_ptr<const Clock> clock_;
  std::mutex mutex_;
  sqlite::Connection db_;  // guarded by mutex_
};

}  // namespace formd::storage
