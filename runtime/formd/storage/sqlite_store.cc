#include "storage/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <limits>
#include <system_error>
#include <thread>

#include <sqlite3.h>

#include "storage/migrations.h"

namespace formd::storage {

namespace {

using sqlite::Statement;

constexpr int kBusyTimeoutMs = 5000;

// now + ttl without signed overflow (UB) for absurd TTLs.
std::int64_t expiry(std::int64_t now, std::int64_t ttl_seconds) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  if (ttl_seconds > 0 && now > max - ttl_seconds) return max;
  if (ttl_seconds < 0 && now < min - ttl_seconds) return min;
  return now + ttl_seconds;
}

// ---- Opening ------------------------------------------------------------------

void ensure_directory(const std::filesystem::path& dir) {
  std::error_code error;
  const bool created = std::filesystem::create_directories(dir, error);
  if (error) throw StorageError("cannot create the data directory '" + dir.string() + "': " + error.message());
  if (!std::filesystem::is_directory(dir, error)) {
    throw StorageError("the data directory '" + dir.string() + "' is not a directory");
  }
  // A directory formd made is formd's alone; one given to it keeps its mode.
  if (created) std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
}

// The database holds personal data and session digests: readable by formd's
// user only (0600), whatever the umask, including for a file made by an
// older formd. SQLite gives its -wal and -shm files the database's mode.
void restrict_to_owner(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    throw StorageError("cannot create the database '" + file.string() + "': " + std::system_category().message(errno));
  }
  const int rc = ::fchmod(fd, S_IRUSR | S_IWUSR);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    throw StorageError("cannot restrict the database '" + file.string() + "' to its owner: " +
                       std::system_category().message(saved));
  }
  for (const char* suffix : {"-wal", "-shm"}) {
    std::error_code ignored;  // absent until SQLite makes them
    std::filesystem::permissions(file.string() + suffix,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ignored);
  }
}

// WAL lets readers of other processes (backups, sqlite3 shell) run while
// formd writes. It can be refused (e.g. some network file systems), and
// then the store would silently run with different locking: refuse instead.
void enable_wal(sqlite::Connection& db) {
  // Switching a new file to WAL needs an exclusive lock. When several
  // processes open the same new file at once, SQLite can answer BUSY here
  // without calling the busy handler (it would deadlock otherwise): retry,
  // within the busy timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  std::string mode;
  while (true) {
    try {
      Statement pragma(db, "PRAGMA journal_mode = WAL", "switching to WAL journal mode");
      mode = pragma.step() ? pragma.text(0) : std::string();
      pragma.run();
      break;
    } catch (const StorageError&) {
      const int code = sqlite3_errcode(db.handle()) & 0xff;
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (mode != "wal") {
    throw StorageError("SQLite refused WAL journal mode (it stays in '" + mode +
                       "' mode); is the data directory on a local file system?");
  }
}

// PRAGMA foreign_keys is silently ignored inside a transaction: check it took.
void enable_foreign_keys(sqlite::Connection& db) {
  db.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  Statement check(db, "PRAGMA foreign_keys", "checking foreign keys");
  if (!check.step() || check.int64(0) != 1) throw StorageError("SQLite did not enable foreign keys");
}

void configure_and_migrate(sqlite::Connection& db) {
  // First, so that every following statement waits for a concurrent
  // process (e.g. one migrating the same file) instead of failing.
  db.exec(("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs)).c_str(), "setting the busy timeout");
  enable_wal(db);
  db.exec("PRAGMA synchronous = NORMAL", "setting synchronous mode");
  // Migrations run with foreign keys off (see migrations.h).
  db.exec("PRAGMA foreign_keys = OFF", "disabling foreign keys for migrations");
  apply_migrations(db, embedded_migrations());
  enable_foreign_keys(db);
}

// ---- Rows ---------------------------------------------------------------------

User read_user(const Statement& row) {
  return User{row.int64(0), row.text(1), row.text(2), row.text(3)};
}

// The column list read_request() expects, in this order.
constexpr const char* kRequestColumns =
    "id, form_uid, definition_id, definition_hash, state, data, user_id, organization_siret, version, created_at,"
    " updated_at, submitted_at, submitted_data, reopened_at, next_stage_from";

Request read_request(const Statement& row) {
  Request request;
  request.id = row.int64(0);
  request.form_uid = row.text(1);
  request.definition_id = row.text(2);
  request.definition_hash = row.text(3);
  const std::string state = row.text(4);
  const auto parsed = domain::parse_request_state(state);
  // The CHECK constraint makes this a corrupt or foreign database.
  if (!parsed) throw StorageError("request " + std::to_string(request.id) + " has an unknown state '" + state + "'");
  request.state = *parsed;
  request.data_json = row.text(5);
  request.user_id = row.int64(6);
  request.organization_siret = row.text(7);
  request.version = row.int64(8);
  request.created_at = row.int64(9);
  request.updated_at = row.int64(10);
  request.submitted_at = row.optional_int64(11);
  if (!row.is_null(12)) request.submitted_data_json = row.text(12);
  request.reopened_at = row.optional_int64(13);
  request.next_stage_from = row.optional_int64(14);
  return request;
}

// For INSERT/UPDATE ... RETURNING: the row, and the statement run to its end
// so that its changes are complete before the transaction commits.
template <typename Row, typename Read>
std::optional<Row> returned_row(Statement& statement, Read read) {
  std::optional<Row> row;
  if (statement.step()) row = read(statement);
  statement.run();
  return row;
}

void insert_event(sqlite::Connection& db, std::int64_t request_id, std::string_view name, std::optional<std::int64_t> user_id,
                  std::int64_t now) {
  Statement insert(db,
                   "INSERT INTO authorization_request_events (request_id, name, user_id, created_at)"
                   " VALUES (?, ?, ?, ?)",
                   "recording a request event");
  insert.bind_all(request_id, name, user_id, now).run();
}

constexpr const char* kHabilitationColumns =
    "id, request_id, state, data, form_uid, definition_id, definition_hash, applicant_user_id, organization_siret, created_at";

Habilitation read_habilitation(const Statement& row) {
  Habilitation h;
  h.id = row.int64(0);
  h.request_id = row.int64(1);
  const std::string state = row.text(2);
  const auto parsed = domain::parse_habilitation_state(state);
  if (!parsed) throw StorageError("habilitation " + std::to_string(h.id) + " has an unknown state '" + state + "'");
  h.state = *parsed;
  h.data_json = row.text(3);
  h.form_uid = row.text(4);
  h.definition_id = row.text(5);
  h.definition_hash = row.text(6);
  h.applicant_user_id = row.int64(7);
  h.organization_siret = row.text(8);
  h.created_at = row.int64(9);
  return h;
}

std::optional<std::string> optional_text(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}


}  // namespace

// ---- Store --------------------------------------------------------------------

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& data_dir, std::shared_ptr<const Clock> clock) {
  ensure_directory(data_dir);
  const std::filesystem::path file = data_dir / kFileName;
  restrict_to_owner(file);
  sqlite::Connection db = sqlite::Connection::open(file);  // names the path in its errors
  try {
    configure_and_migrate(db);
  } catch (const StorageError& error) {
    throw StorageError("cannot open the formd database '" + file.string() + "': " + error.what());
  }
  if (!clock) clock = std::make_shared<SystemClock>();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), std::move(clock)));
}

int SqliteStore::schema_version() {
  std::lock_guard lock(mutex_);
  return applied_schema_version(db_);
}

// ---- Users --------------------------------------------------------------------

User SqliteStore::upsert_user(const std::string& email, const std::string& name, const std::string& siret) {
  std::lock_guard lock(mutex_);
  Statement upsert(db_,
                   "INSERT INTO users (email, name, organization_siret, created_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?4)"
                   " ON CONFLICT (email) DO UPDATE SET name = excluded.name,"
                   " organization_siret = excluded.organization_siret, updated_at = excluded.updated_at"
                   " RETURNING id, email, name, organization_siret",
                   "saving a user");
  upsert.bind_all(email, name, siret, clock_->now());
  auto user = returned_row<User>(upsert, read_user);
  if (!user) throw StorageError("saving a user returned no row");
  link_organization(user->id, siret, "", clock_->now());
  return *user;
}

std::optional<User> SqliteStore::find_user(std::int64_t id) {
  std::lock_guard lock(mutex_);
  Statement query(db_, "SELECT id, email, name, organization_siret FROM users WHERE id = ?", "reading a user");
  query.bind_all(id);
  if (!query.step()) return std::nullopt;
  return read_user(query);
}

std::optional<User> SqliteStore::find_user_by_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  Statement query(db_, "SELECT id, email, name, organization_siret FROM users WHERE email = ?", "reading a user");
  query.bind_all(email);
  if (!query.step()) return std::nullopt;
  return read_user(query);
}

User SqliteStore::ensure_user(const std::string& email) {
  std::lock_guard lock(mutex_);
  Statement insert(db_,
                   "INSERT INTO users (email, name, organization_siret, created_at, updated_at) VALUES (?1, '', '', ?2, ?2)"
                   " ON CONFLICT (email) DO UPDATE SET email = email RETURNING id, email, name, organization_siret",
                   "creating a user");
  insert.bind_all(email, clock_->now());
  auto user = returned_row<User>(insert, read_user);
  if (!user) throw StorageError("creating a user returned no row");
  return *user;
}

void SqliteStore::link_organization(std::int64_t user_id, const std::string& siret, const std::string& name,
                                    std::int64_t now) {
  if (siret.size() != 14) return;
  Statement organization(db_,
                         "INSERT INTO organizations (siret, name, created_at, updated_at) VALUES (?1, NULLIF(?2, ''), ?3, ?3)"
                         " ON CONFLICT (siret) DO UPDATE SET name = coalesce(excluded.name, name), updated_at = excluded.updated_at",
                         "saving an organisation");
  organization.bind_all(siret, name, now).run();
  Statement link(db_, "INSERT INTO user_organizations (user_id, siret, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                 "linking a user to an organisation");
  link.bind_all(user_id, siret, now).run();
}

std::optional<User> SqliteStore::sign_in_oidc_user(const OidcLogin& login) {
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, "signing a ProConnect user in");
  const std::int64_t now = clock_->now();
  std::optional<std::int64_t> id;
  {
    Statement by_subject(db_, "SELECT id FROM users WHERE oidc_issuer = ? AND oidc_sub = ?", "reading a user");
    by_subject.bind_all(login.issuer, login.sub);
    if (by_subject.step()) id = by_subject.int64(0);
  }
  std::optional<std::int64_t> by_email_id;
  std::optional<std::string> by_email_sub;
  {
    Statement by_email(db_, "SELECT id, oidc_sub FROM users WHERE email = ?", "reading a user");
    by_email.bind_all(login.email);
    if (by_email.step()) {
      by_email_id = by_email.int64(0);
      if (!by_email.is_null(1)) by_email_sub = by_email.text(1);
    }
  }
  // The email belongs to another person's account: refuse rather than merge.
  if (by_email_id && by_email_id != id && (id || by_email_sub)) return std::nullopt;
  if (!id && by_email_id) id = by_email_id;  // first login of a user known by email (roles granted before)
  if (!id) {
    Statement insert(db_,
                     "INSERT INTO users (email, name, organization_siret, created_at, updated_at, oidc_issuer, oidc_sub)"
                     " VALUES (?1, ?2, '', ?3, ?3, ?4, ?5) RETURNING id",
                     "creating a user");
    insert.bind_all(login.email, login.name, now, login.issuer, login.sub);
    if (!insert.step()) throw StorageError("creating a user returned no row");
    id = insert.int64(0);
    insert.run();
  }
  {
    Statement update(db_,
                     "UPDATE users SET email = ?, name = ?, oidc_issuer = ?, oidc_sub = ?, updated_at = ?,"
                     " organization_siret = CASE WHEN length(?) = 14 THEN ? ELSE organization_siret END WHERE id = ?",
                     "updating a user");
    update.bind_all(login.email, login.name, login.issuer, login.sub, now, login.siret, login.siret, *id).run();
  }
  link_organization(*id, login.siret, login.organization_name, now);
  Statement query(db_, "SELECT id, email, name, organization_siret FROM users WHERE id = ?", "reading a user");
  query.bind_all(*id);
  if (!query.step()) throw StorageError("reading the signed-in user");
  User user = read_user(query);
  query.run();
  transaction.commit();
  return user;
}

std::vector<Organization> SqliteStore::organizations_of(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT o.siret, coalesce(o.name, '') FROM user_organizations l JOIN organizations o ON o.siret = l.siret"
                  " WHERE l.user_id = ? ORDER BY o.siret",
                  "reading a user's organisations");
  query.bind_all(user_id);
  std::vector<Organization> list;
  while (query.step()) list.push_back(Organization{query.text(0), query.text(1)});
  return list;
}

std::optional<User> SqliteStore::select_organization(std::int64_t user_id, const std::string& siret) {
  std::lock_guard lock(mutex_);
  Statement update(db_,
                   "UPDATE users SET organization_siret = ?1, updated_at = ?3 WHERE id = ?2"
                   " AND EXISTS (SELECT 1 FROM user_organizations WHERE user_id = ?2 AND siret = ?1)"
                   " RETURNING id, email, name, organization_siret",
                   "changing a user's organisation");
  update.bind_all(siret, user_id, clock_->now());
  return returned_row<User>(update, read_user);
}

// ---- Roles --------------------------------------------------------------------

bool SqliteStore::grant_role(std::int64_t user_id, const std::string& role) {
  std::lock_guard lock(mutex_);
  Statement insert(db_, "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   "granting a role");
  insert.bind_all(user_id, role, clock_->now()).run();
  return sqlite3_changes(db_.handle()) > 0;
}

bool SqliteStore::revoke_role(std::int64_t user_id, const std::string& role) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, "DELETE FROM user_roles WHERE user_id = ? AND role = ?", "revoking a role");
  remove.bind_all(user_id, role).run();
  return sqlite3_changes(db_.handle()) > 0;
}

std::vector<std::string> SqliteStore::roles_of(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  Statement query(db_, "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", "reading roles");
  query.bind_all(user_id);
  std::vector<std::string> roles;
  while (query.step()) roles.push_back(query.text(0));
  return roles;
}

std::vector<RoleGrant> SqliteStore::list_role_grants() {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT u.id, u.email, u.name, u.organization_siret, r.role, r.granted_at FROM user_roles r"
                  " JOIN users u ON u.id = r.user_id ORDER BY u.email, r.role",
                  "listing roles");
  std::vector<RoleGrant> grants;
  while (query.step()) grants.push_back(RoleGrant{read_user(query), query.text(4), query.int64(5)});
  return grants;
}

// ---- Sessions -----------------------------------------------------------------

Session SqliteStore::create_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds) {
  const std::int64_t now = clock_->now();
  Session session{token_digest, user_id, expiry(now, ttl_seconds)};
  std::lock_guard lock(mutex_);
  Statement insert(db_, "INSERT INTO sessions (token_digest, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                   "creating a session");
  insert.bind_all(session.token_digest, session.user_id, now, session.expires_at).run();
  return session;
}

std::optional<Session> SqliteStore::find_session(const std::string& token_digest) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_->now();
  Statement query(db_,
                  "SELECT token_digest, user_id, expires_at, coalesce(last_seen_at, created_at), coalesce(idle_seconds, 0) FROM sessions"
                  " WHERE token_digest = ? AND expires_at > ?2"
                  " AND (idle_seconds IS NULL OR coalesce(last_seen_at, created_at) + idle_seconds > ?2)",
                  "reading a session");
  query.bind_all(token_digest, now);
  if (!query.step()) return std::nullopt;
  Session session{query.text(0), query.int64(1), query.int64(2)};
  const std::int64_t last_seen = query.int64(3), idle = query.int64(4);
  query.run();
  // Idle expiry counts from the last use; written at most once a minute (a
  // quarter of the idle limit when shorter), not at every request.
  if (idle > 0 && now - last_seen >= std::min<std::int64_t>(60, idle / 4)) {
    Statement touch(db_, "UPDATE sessions SET last_seen_at = ? WHERE token_digest = ?", "touching a session");
    touch.bind_all(now, token_digest).run();
  }
  return session;
}

Session SqliteStore::create_login_session(const std::string& token_digest, std::int64_t user_id, std::int64_t ttl_seconds,
                                          std::int64_t idle_seconds, const std::string& id_token) {
  const std::int64_t now = clock_->now();
  Session session{token_digest, user_id, expiry(now, ttl_seconds)};
  std::lock_guard lock(mutex_);
  Statement insert(db_,
                   "INSERT INTO sessions (token_digest, user_id, created_at, expires_at, last_seen_at, idle_seconds, id_token)"
                   " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''))",
                   "creating a session");
  insert.bind_all(session.token_digest, session.user_id, now, session.expires_at, now,
                  idle_seconds > 0 ? std::optional<std::int64_t>(idle_seconds) : std::nullopt, id_token).run();
  return session;
}

std::string SqliteStore::session_id_token(const std::string& token_digest) {
  std::lock_guard lock(mutex_);
  Statement query(db_, "SELECT id_token FROM sessions WHERE token_digest = ?", "reading a session");
  query.bind_all(token_digest);
  return query.step() ? query.text(0) : std::string();
}

std::size_t SqliteStore::delete_sessions_of_user(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, "DELETE FROM sessions WHERE user_id = ?", "deleting a user's sessions");
  remove.bind_all(user_id).run();
  return static_cast<std::size_t>(sqlite3_changes(db_.handle()));
}

void SqliteStore::delete_session(const std::string& token_digest) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, "DELETE FROM sessions WHERE token_digest = ?", "deleting a session");
  remove.bind_all(token_digest).run();
}

std::size_t SqliteStore::delete_expired_sessions() {
  std::lock_guard lock(mutex_);
  // The complement of find_session's "expires_at > now".
  Statement remove(db_,
                   "DELETE FROM sessions WHERE expires_at <= ?1"
                   " OR (idle_seconds IS NOT NULL AND coalesce(last_seen_at, created_at) + idle_seconds <= ?1)",
                   "deleting expired sessions");
  remove.bind_all(clock_->now()).run();
  return static_cast<std::size_t>(sqlite3_changes(db_.handle()));
}

std::string SqliteStore::server_secret(const std::string& name, const std::string& candidate) {
  std::lock_guard lock(mutex_);
  // One statement: two processes starting together agree on the first one stored.
  Statement insert(db_,
                   "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (name) DO UPDATE SET name = name RETURNING value",
                   "reading a server secret");
  insert.bind_all(name, candidate, clock_->now());
  if (!insert.step()) throw StorageError("reading a server secret returned no row");
  std::string value = insert.text(0);
  insert.run();
  return value;
}

// ---- Requests -----------------------------------------------------------------

Request SqliteStore::create_request(const NewRequest& request) {
  static const std::string sql =
      "INSERT INTO authorization_requests (form_uid, definition_id, definition_hash, state, data, user_id,"
      " organization_siret, version, created_at, updated_at) VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, 1, ?7, ?7)"
      " RETURNING " +
      std::string(kRequestColumns);
  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, "creating a request");
  std::optional<Request> created;
  {
    Statement insert(db_, sql, "creating a request");
    insert.bind_all(request.form_uid, request.definition_id, request.definition_hash, request.data_json,
                    request.user_id, request.organization_siret, now);
    created = returned_row<Request>(insert, read_request);
  }
  if (!created) throw StorageError("creating a request returned no row");
  insert_event(db_, created->id, "create", request.user_id, now);
  transaction.commit();
  return *created;
}

std::optional<Request> SqliteStore::find_request(std::int64_t id, const std::string& organization_siret) {
  std::lock_guard lock(mutex_);
  return select_request(id, organization_siret);
}

std::optional<Request> SqliteStore::select_request(std::int64_t id, const std::string& organization_siret) {
  static const std::string sql = "SELECT " + std::string(kRequestColumns) +
                                 " FROM authorization_requests WHERE id = ? AND organization_siret = ?";
  Statement query(db_, sql, "reading a request");
  query.bind_all(id, organization_siret);
  if (!query.step()) return std::nullopt;
  return read_request(query);
}

WriteResult SqliteStore::update_draft(std::int64_t id, const std::string& organization_siret,
                                      std::int64_t expected_version, const std::string& data_json,
                                      std::optional<std::int64_t> actor_user_id) {
  return write_draft(DraftWrite::Update, id, organization_siret, expected_version, data_json, actor_user_id);
}

WriteResult SqliteStore::submit(std::int64_t id, const std::string& organization_siret, std::int64_t expected_version,
                                const std::string& data_json, std::optional<std::int64_t> actor_user_id) {
  return write_draft(DraftWrite::Submit, id, organization_siret, expected_version, data_json, actor_user_id);
}

// Check then write inside one BEGIN IMMEDIATE transaction: no other
// connection can write between the check and the UPDATE. The UPDATE repeats
// the version and state conditions anyway, so it can never overwrite a row
// it did not check.
WriteResult SqliteStore::write_draft(DraftWrite kind, std::int64_t id, const std::string& organization_siret,
                                     std::int64_t expected_version, const std::string& data_json,
                                     std::optional<std::int64_t> actor_user_id) {
  static const std::string update_sql =
      "UPDATE authorization_requests SET data = ?1, version = version + 1, updated_at = ?2"
      " WHERE id = ?3 AND version = ?4 AND state IN ('draft', 'changes_requested') RETURNING " +
      std::string(kRequestColumns);
  static const std::string submit_sql =
      "UPDATE authorization_requests SET data = ?1, version = version + 1, updated_at = ?2, state = 'submitted',"
      " submitted_at = ?2, submitted_data = ?1 WHERE id = ?3 AND version = ?4 AND state IN ('draft', 'changes_requested') RETURNING " +
      std::string(kRequestColumns);
  const bool submitting = kind == DraftWrite::Submit;
  const char* purpose = submitting ? "submitting a request" : "updating a draft";

  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, purpose);
  std::optional<Request> current = select_request(id, organization_siret);
  if (!current) return {WriteOutcome::NotFound, std::nullopt};
  // The applicant edits a draft, or a request whose changes were asked for.
  if (current->state != RequestState::Draft && current->state != RequestState::ChangesRequested) {
    return {WriteOutcome::WrongState, std::move(current)};
  }
  if (current->version != expected_version) return {WriteOutcome::Stale, std::move(current)};

  std::optional<Request> written;
  {
    Statement update(db_, submitting ? submit_sql : update_sql, purpose);
    update.bind_all(data_json, now, id, expected_version);
    written = returned_row<Request>(update, read_request);
  }
  // Unreachable while the transaction holds the write lock; answered as
  // the caller would understand it rather than as a failure.
  if (!written) return {WriteOutcome::Stale, std::move(current)};
  insert_event(db_, id, submitting ? "submit" : "update", actor_user_id, now);
  transaction.commit();
  return {WriteOutcome::Ok, std::move(written)};
}

std::vector<Request> SqliteStore::list_requests(const std::string& organization_siret) {
  static const std::string sql = "SELECT " + std::string(kRequestColumns) +
                                 " FROM authorization_requests WHERE organization_siret = ? ORDER BY id DESC";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "listing requests");
  query.bind_all(organization_siret);
  std::vector<Request> requests;
  while (query.step()) requests.push_back(read_request(query));
  return requests;
}

// ---- Instruction --------------------------------------------------------------

std::optional<Request> SqliteStore::find_request_by_id(std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kRequestColumns) + " FROM authorization_requests WHERE id = ?";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "reading a request");
  query.bind_all(id);
  if (!query.step()) return std::nullopt;
  return read_request(query);
}

// One BEGIN IMMEDIATE transaction: checked, then every write of the change,
// then committed; any failure rolls all of it back (Transaction's destructor).
StateChangeResult SqliteStore::change_state(const StateChange& change) {
  static const std::string select_sql =
      "SELECT " + std::string(kRequestColumns) + " FROM authorization_requests WHERE id = ?";
  // An update starts when asked (?7), lasts while the request stays in
  // draft, submitted or changes_requested, and ends with any other state.
  static const std::string update_sql =
      "UPDATE authorization_requests SET state = ?1, data = coalesce(?2, data), version = version + 1, updated_at = ?3,"
      " submitted_at = CASE WHEN ?1 = 'submitted' THEN ?3 ELSE submitted_at END,"
      " submitted_data = CASE WHEN ?1 = 'submitted' THEN coalesce(?2, data) ELSE submitted_data END,"
      " reopened_at = CASE WHEN ?7 THEN ?3 WHEN ?1 IN ('draft', 'submitted', 'changes_requested') THEN reopened_at"
      " ELSE NULL END,"
      // Stages: a next stage starts when asked (?8) and lasts as an update
      // does; the form, definition and hash switch when given (?9-?11).
      " next_stage_from = CASE WHEN ?8 IS NOT NULL THEN ?8"
      " WHEN ?1 IN ('draft', 'submitted', 'changes_requested') THEN next_stage_from ELSE NULL END,"
      " form_uid = coalesce(?9, form_uid), definition_id = coalesce(?10, definition_id),"
      " definition_hash = coalesce(?11, definition_hash)"
      " WHERE id = ?4 AND version = ?5 AND state = ?6 RETURNING " +
      std::string(kRequestColumns);
  static const std::string insert_habilitation_sql =
      "INSERT INTO habilitations (request_id, state, data, form_uid, definition_id, definition_hash, applicant_user_id,"
      " organization_siret, created_at) VALUES (?, 'active', ?, ?, ?, ?, ?, ?, ?) RETURNING " +
      std::string(kHabilitationColumns);
  const char* purpose = "changing the state of a request";
  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, purpose);

  std::optional<Request> current;
  {
    Statement query(db_, select_sql, purpose);
    query.bind_all(change.request_id);
    if (query.step()) current = read_request(query);
  }
  if (!current) return {WriteOutcome::NotFound, std::nullopt, std::nullopt};
  if (current->state != change.from) return {WriteOutcome::WrongState, std::move(current), std::nullopt};
  if (current->version != change.expected_version) return {WriteOutcome::Stale, std::move(current), std::nullopt};
  if (change.revoke == StateChange::Revocation::One) {
    // Only an active habilitation of this request is revoked.
    Statement query(db_, "SELECT 1 FROM habilitations WHERE id = ? AND request_id = ? AND state = 'active'", purpose);
    query.bind_all(change.habilitation_id, change.request_id);
    if (!change.habilitation_id || !query.step()) return {WriteOutcome::WrongState, std::move(current), std::nullopt};
  }

  std::optional<Request> written;
  {
    Statement update(db_, update_sql, purpose);
    update.bind(1, domain::to_string(change.to));
    if (change.data_json) update.bind(2, std::string_view(*change.data_json));
    update.bind(3, now).bind(4, change.request_id).bind(5, change.expected_version).bind(6, domain::to_string(change.from));
    update.bind(7, std::int64_t{change.start_reopening ? 1 : 0});
    update.bind(8, change.start_next_stage_from);
    if (change.switch_form) {
      update.bind(9, std::string_view(change.switch_form->form_uid))
          .bind(10, std::string_view(change.switch_form->definition_id))
          .bind(11, std::string_view(change.switch_form->definition_hash));
    }
    written = returned_row<Request>(update, read_request);
  }
  if (!written) return {WriteOutcome::Stale, std::move(current), std::nullopt};

  if (change.revoke == StateChange::Revocation::All) {
    Statement revoke(db_, "UPDATE habilitations SET state = 'revoked' WHERE request_id = ? AND state = 'active'", purpose);
    revoke.bind_all(change.request_id).run();
  } else if (change.revoke == StateChange::Revocation::One) {
    Statement revoke(db_, "UPDATE habilitations SET state = 'revoked' WHERE id = ? AND state = 'active'", purpose);
    revoke.bind_all(change.habilitation_id).run();
  }

  std::optional<Habilitation> issued;
  if (change.issue_habilitation) {
    // Within the same stage only (the same definition): LIFECYCLE.md §2.2.
    Statement deprecate(db_,
                        "UPDATE habilitations SET state = 'obsolete' WHERE request_id = ? AND state = 'active'"
                        " AND definition_id = ?",
                        purpose);
    deprecate.bind_all(change.request_id, written->definition_id).run();
    Statement insert(db_, insert_habilitation_sql, purpose);
    insert.bind_all(written->id, written->data_json, written->form_uid, written->definition_id, written->definition_hash,
                    written->user_id, written->organization_siret, now);
    issued = returned_row<Habilitation>(insert, read_habilitation);
    if (!issued) throw StorageError("issuing a habilitation returned no row");
    // Documents (issue 12): the habilitation keeps the files it was approved with.
    Statement snapshot(db_,
                       "INSERT INTO documents (request_id, habilitation_id, field, name, content_type, size, sha256,"
                       " uploaded_by, created_at) SELECT request_id, ?, field, name, content_type, size, sha256,"
                       " uploaded_by, created_at FROM documents WHERE request_id = ? AND habilitation_id IS NULL ORDER BY id",
                       purpose);
    snapshot.bind_all(issued->id, change.request_id).run();
  }
  if (change.restore_documents_from) {
    // An update cancelled or refused: the files come back with the data
    // (every field's, or only restore_document_fields': "" stands for all).
    std::vector<std::string> fields = change.restore_document_fields;
    if (fields.empty()) fields.emplace_back();
    for (const auto& field : fields) {
      Statement drop(db_,
                     "DELETE FROM documents WHERE request_id = ?1 AND habilitation_id IS NULL AND (?2 = '' OR field = ?2)",
                     purpose);
      drop.bind_all(change.request_id, std::string_view(field)).run();
      Statement restore(db_,
                        "INSERT INTO documents (request_id, habilitation_id, field, name, content_type, size, sha256,"
                        " uploaded_by, created_at) SELECT ?1, NULL, field, name, content_type, size, sha256, uploaded_by,"
                        " created_at FROM documents WHERE habilitation_id = ?2 AND (?3 = '' OR field = ?3) ORDER BY id",
                        purpose);
      restore.bind_all(change.request_id, *change.restore_documents_from, std::string_view(field)).run();
    }
  }
  {
    Statement event(db_,
                    "INSERT INTO authorization_request_events (request_id, name, user_id, reason, changes, habilitation_id,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    purpose);
    event.bind(1, change.request_id).bind(2, std::string_view(change.event)).bind(3, change.actor_user_id);
    if (change.reason) event.bind(4, std::string_view(*change.reason));
    if (change.changes_json) event.bind(5, std::string_view(*change.changes_json));
    event.bind(6, issued ? std::optional<std::int64_t>(issued->id) : change.habilitation_id).bind(7, now);
    event.run();
  }
  for (const auto& message : change.outbox) {
    Statement queue(db_, "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)", purpose);
    queue.bind_all(message.kind, message.payload_json, now, now).run();
  }
  transaction.commit();
  return {WriteOutcome::Ok, std::move(written), std::move(issued)};
}

// One BEGIN IMMEDIATE transaction, as change_state: the request's owner,
// its habilitations' owner, the event and the outbox, or nothing.
StateChangeResult SqliteStore::transfer_request(const Transfer& transfer) {
  static const std::string select_sql =
      "SELECT " + std::string(kRequestColumns) + " FROM authorization_requests WHERE id = ?";
  static const std::string update_sql =
      "UPDATE authorization_requests SET user_id = ?1, organization_siret = ?2, version = version + 1, updated_at = ?3"
      " WHERE id = ?4 AND state = ?5 AND user_id = ?6 AND organization_siret = ?7 RETURNING " +
      std::string(kRequestColumns);
  const char* purpose = "transferring a request";
  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, purpose);

  std::optional<Request> current;
  {
    Statement query(db_, select_sql, purpose);
    query.bind_all(transfer.request_id);
    if (query.step()) current = read_request(query);
  }
  if (!current) return {WriteOutcome::NotFound, std::nullopt, std::nullopt};
  if (current->state != transfer.state) return {WriteOutcome::WrongState, std::move(current), std::nullopt};
  if (current->user_id != transfer.from_user_id || current->organization_siret != transfer.from_organization_siret) {
    return {WriteOutcome::Stale, std::move(current), std::nullopt};
  }
  std::optional<Request> written;
  {
    Statement update(db_, update_sql, purpose);
    update.bind_all(transfer.to_user_id, transfer.to_organization_siret, now, transfer.request_id,
                    domain::to_string(transfer.state), transfer.from_user_id, transfer.from_organization_siret);
    written = returned_row<Request>(update, read_request);
  }
  if (!written) return {WriteOutcome::Stale, std::move(current), std::nullopt};
  {
    Statement move(db_, "UPDATE habilitations SET applicant_user_id = ?, organization_siret = ? WHERE request_id = ?",
                   purpose);
    move.bind_all(transfer.to_user_id, transfer.to_organization_siret, transfer.request_id).run();
  }
  {
    Statement event(db_,
                    "INSERT INTO authorization_request_events (request_id, name, user_id, changes, created_at)"
                    " VALUES (?, 'transfer', ?, ?, ?)",
                    purpose);
    event.bind(1, transfer.request_id).bind(2, transfer.actor_user_id);
    if (transfer.changes_json) event.bind(3, std::string_view(*transfer.changes_json));
    event.bind(4, now).run();
  }
  for (const auto& message : transfer.outbox) {
    Statement queue(db_, "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)", purpose);
    queue.bind_all(message.kind, message.payload_json, now, now).run();
  }
  transaction.commit();
  return {WriteOutcome::Ok, std::move(written), std::nullopt};
}

std::optional<Habilitation> SqliteStore::find_habilitation(std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kHabilitationColumns) + " FROM habilitations WHERE id = ?";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "reading a habilitation");
  query.bind_all(id);
  if (!query.step()) return std::nullopt;
  return read_habilitation(query);
}

std::vector<Habilitation> SqliteStore::habilitations_of(std::int64_t request_id) {
  static const std::string sql =
      "SELECT " + std::string(kHabilitationColumns) + " FROM habilitations WHERE request_id = ? ORDER BY id";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "listing habilitations");
  query.bind_all(request_id);
  std::vector<Habilitation> out;
  while (query.step()) out.push_back(read_habilitation(query));
  return out;
}

std::vector<Habilitation> SqliteStore::habilitations_of_organization(const std::string& organization_siret) {
  static const std::string sql = "SELECT " + std::string(kHabilitationColumns) +
                                 " FROM habilitations WHERE organization_siret = ? ORDER BY id DESC";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "listing an organisation's habilitations");
  query.bind_all(organization_siret);
  std::vector<Habilitation> out;
  while (query.step()) out.push_back(read_habilitation(query));
  return out;
}

namespace {

// "42", "n°42", "N° 42", "#42": a request number; nullopt for other text.
std::optional<std::int64_t> request_number(std::string_view text) {
  for (std::string_view prefix : {"n°", "N°", "#"}) {
    if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// `text` as a LIKE pattern matching it anywhere, its wildcards escaped with '\'.
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

// One WHERE clause for the count and the page, its parameters bound in the
// same order by both: definitions (IN list), then state, then the text. A
// search by project name reads the project_name index (migration 0007),
// which SQLite's planner does not pick by itself for a LIKE '%…%': the count
// scans that index only, and the page takes its ids from it before reading
// those rows.
RequestPage SqliteStore::search_requests(const RequestSearch& search) {
  RequestPage page;
  if (search.definition_ids.empty()) return page;
  std::string where = " WHERE definition_id IN (";
  for (std::size_t i = 0; i < search.definition_ids.size(); ++i) where += i ? ", ?" : "?";
  where += ")";
  if (search.state) where += " AND state = ?";
  std::string text = search.text;
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  const auto number = request_number(text);
  const bool by_name = !number && !text.empty();
  if (number) {
    where += " AND id = ?";
  } else if (by_name) {
    where += " AND project_name LIKE ? ESCAPE '\\'";
  }
  const std::string from = by_name ? " FROM authorization_requests INDEXED BY authorization_requests_definition_project"
                                   : " FROM authorization_requests";
  auto bind = [&](Statement& statement) {
    int index = 0;
    for (const auto& id : search.definition_ids) statement.bind(++index, std::string_view(id));
    if (search.state) statement.bind(++index, domain::to_string(*search.state));
    if (number) {
      statement.bind(++index, *number);
    } else if (by_name) {
      statement.bind(++index, std::string_view(contains_pattern(text)));
    }
    return index;
  };
  std::lock_guard lock(mutex_);
  {
    Statement count(db_, "SELECT count(*)" + from + where, "counting requests");
    bind(count);
    if (count.step()) page.total = static_cast<std::size_t>(count.int64(0));
  }
  Statement query(db_,
                  "SELECT " + std::string(kRequestColumns) + " FROM authorization_requests WHERE id IN (SELECT id" + from +
                      where + " ORDER BY id DESC LIMIT ? OFFSET ?) ORDER BY id DESC",
                  "searching requests");
  const int last = bind(query);
  query.bind(last + 1, static_cast<std::int64_t>(search.limit)).bind(last + 2, static_cast<std::int64_t>(search.offset));
  while (query.step()) page.requests.push_back(read_request(query));
  return page;
}

std::vector<RequestEvent> SqliteStore::events_of(std::int64_t request_id) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT id, name, user_id, reason, changes, habilitation_id, created_at FROM authorization_request_events"
                  " WHERE request_id = ? ORDER BY id DESC",
                  "reading a request's history");
  query.bind_all(request_id);
  std::vector<RequestEvent> out;
  while (query.step()) {
    out.push_back(RequestEvent{query.int64(0), query.text(1), query.optional_int64(2), optional_text(query, 3),
                               optional_text(query, 4), query.optional_int64(5), query.int64(6)});
  }
  return out;
}

std::vector<OutboxEntry> SqliteStore::due_outbox(std::size_t limit) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT id, kind, payload, attempts FROM outbox WHERE sent_at IS NULL AND abandoned_at IS NULL"
                  " AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                  "reading the outbox");
  query.bind_all(clock_->now(), static_cast<std::int64_t>(limit));
  std::vector<OutboxEntry> out;
  while (query.step()) {
    out.push_back(OutboxEntry{query.int64(0), query.text(1), query.text(2), static_cast<int>(query.int64(3))});
  }
  return out;
}

bool SqliteStore::claim_outbox(std::int64_t id, std::int64_t lease_until) {
  std::lock_guard lock(mutex_);
  // One UPDATE, atomic in SQLite: of two workers that read the same due
  // row, the second finds next_attempt_at already in the future.
  Statement claim(db_,
                  "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL AND abandoned_at IS NULL"
                  " AND next_attempt_at <= ? RETURNING id",
                  "claiming an outbox message");
  claim.bind_all(lease_until, id, clock_->now());
  const bool claimed = claim.step();
  if (claimed) claim.run();
  return claimed;
}

void SqliteStore::mark_outbox_sent(std::int64_t id) {
  std::lock_guard lock(mutex_);
  Statement update(db_, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL",
                   "marking an outbox message sent");
  update.bind_all(clock_->now(), id).run();
}

void SqliteStore::mark_outbox_failed(std::int64_t id, std::optional<std::int64_t> next_attempt_at) {
  std::lock_guard lock(mutex_);
  if (next_attempt_at) {
    Statement update(db_, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
                     "rescheduling an outbox message");
    update.bind_all(*next_attempt_at, id).run();
  } else {
    Statement update(db_, "UPDATE outbox SET attempts = attempts + 1, abandoned_at = ? WHERE id = ?",
                     "abandoning an outbox message");
    update.bind_all(clock_->now(), id).run();
  }
}

}  // namespace formd::storage

// ---- Messaging ------------------------------------------------------------------

namespace formd::storage {

namespace {

std::string_view party_name(MessageParty party) {
  return party == MessageParty::Instructor ? "instructor" : "applicant";
}

constexpr const char* kMessageColumns = "id, request_id, user_id, from_party, body, created_at";

Message read_message(const Statement& row) {
  Message m;
  m.id = row.int64(0);
  m.request_id = row.int64(1);
  m.user_id = row.int64(2);
  const std::string from = row.text(3);
  if (from != "applicant" && from != "instructor") {
    throw StorageError("message " + std::to_string(m.id) + " has an unknown side '" + from + "'");
  }
  m.from = from == "instructor" ? MessageParty::Instructor : MessageParty::Applicant;
  m.body = row.text(4);
  m.created_at = row.int64(5);
  return m;
}

}  // namespace

// One BEGIN IMMEDIATE transaction, as change_state: checked, then the
// message, its event, its emails and the other side's counter, or nothing.
PostMessageResult SqliteStore::post_message(const NewMessage& message) {
  static const std::string select_sql =
      "SELECT " + std::string(kRequestColumns) + " FROM authorization_requests WHERE id = ?";
  static const std::string insert_sql =
      "INSERT INTO authorization_request_messages (request_id, user_id, from_party, body, created_at)"
      " VALUES (?, ?, ?, ?, ?) RETURNING " +
      std::string(kMessageColumns);
  const char* purpose = "posting a message";
  if (message.body.empty()) throw StorageError("posting a message: the body is empty");
  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, purpose);

  std::optional<Request> current;
  {
    Statement query(db_, select_sql, purpose);
    query.bind_all(message.request_id);
    if (query.step()) current = read_request(query);
  }
  if (!current) return {WriteOutcome::NotFound, std::nullopt, std::nullopt};
  if (current->state != message.state) return {WriteOutcome::WrongState, std::nullopt, std::move(current)};

  std::optional<Message> stored;
  {
    Statement insert(db_, insert_sql, purpose);
    insert.bind_all(message.request_id, message.user_id, party_name(message.from), message.body, now);
    stored = returned_row<Message>(insert, read_message);
  }
  if (!stored) throw StorageError("posting a message returned no row");
  const bool by_applicant = message.from == MessageParty::Applicant;
  insert_event(db_, message.request_id, by_applicant ? "applicant_message" : "instructor_message", message.user_id, now);
  {
    // The other side has one more message to read.
    Statement count(db_,
                    by_applicant ? "INSERT INTO authorization_request_message_counters (request_id, instructor_unread)"
                                   " VALUES (?, 1) ON CONFLICT (request_id) DO UPDATE SET"
                                   " instructor_unread = instructor_unread + 1"
                                 : "INSERT INTO authorization_request_message_counters (request_id, applicant_unread)"
                                   " VALUES (?, 1) ON CONFLICT (request_id) DO UPDATE SET"
                                   " applicant_unread = applicant_unread + 1",
                    purpose);
    count.bind_all(message.request_id).run();
  }
  for (const auto& email : message.outbox) {
    Statement queue(db_, "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)", purpose);
    queue.bind_all(email.kind, email.payload_json, now, now).run();
  }
  transaction.commit();
  return {WriteOutcome::Ok, std::move(stored), std::move(current)};
}

std::vector<Message> SqliteStore::messages_of(std::int64_t request_id) {
  static const std::string sql = "SELECT " + std::string(kMessageColumns) +
                                 " FROM authorization_request_messages WHERE request_id = ? ORDER BY id";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "reading a request's messages");
  query.bind_all(request_id);
  std::vector<Message> out;
  while (query.step()) out.push_back(read_message(query));
  return out;
}

void SqliteStore::mark_messages_read(std::int64_t request_id, MessageParty reader) {
  std::lock_guard lock(mutex_);
  // Only a counter above 0 is written: opening a read conversation again writes nothing.
  Statement update(db_,
                   reader == MessageParty::Applicant
                       ? "UPDATE authorization_request_message_counters SET applicant_unread = 0"
                         " WHERE request_id = ? AND applicant_unread > 0"
                       : "UPDATE authorization_request_message_counters SET instructor_unread = 0"
                         " WHERE request_id = ? AND instructor_unread > 0",
                   "marking messages read");
  update.bind_all(request_id).run();
}

std::map<std::int64_t, UnreadMessages> SqliteStore::unread_messages(const std::vector<std::int64_t>& request_ids) {
  // Chunks stay far below SQLite's limit on bound parameters.
  constexpr std::size_t kChunk = 500;
  std::map<std::int64_t, UnreadMessages> out;
  std::lock_guard lock(mutex_);
  for (std::size_t start = 0; start < request_ids.size(); start += kChunk) {
    const std::size_t end = std::min(request_ids.size(), start + kChunk);
    std::string sql =
        "SELECT request_id, applicant_unread, instructor_unread FROM authorization_request_message_counters"
        " WHERE (applicant_unread > 0 OR instructor_unread > 0) AND request_id IN (";
    for (std::size_t i = start; i < end; ++i) sql += i == start ? "?" : ", ?";
    sql += ")";
    Statement query(db_, sql, "reading unread message counters");
    int index = 0;
    for (std::size_t i = start; i < end; ++i) query.bind(++index, request_ids[i]);
    while (query.step()) out[query.int64(0)] = UnreadMessages{query.int64(1), query.int64(2)};
  }
  return out;
}

}  // namespace formd::storage

// ---- Documents (issue 12) ------------------------------------------------------

namespace formd::storage {

namespace {

constexpr const char* kDocumentColumns =
    "id, request_id, habilitation_id, field, name, content_type, size, sha256, uploaded_by, created_at";

Document read_document(const Statement& row) {
  Document d;
  d.id = row.int64(0);
  d.request_id = row.int64(1);
  d.habilitation_id = row.optional_int64(2);
  d.field = row.text(3);
  d.name = row.text(4);
  d.content_type = row.text(5);
  d.size = row.int64(6);
  d.sha256 = row.text(7);
  d.uploaded_by = row.optional_int64(8);
  d.created_at = row.int64(9);
  return d;
}

}  // namespace

// One BEGIN IMMEDIATE transaction: the request's checks, the removals (each
// must be a current document of it), the additions, the data and version,
// the `update` event; any failure rolls everything back.
DocumentWriteResult SqliteStore::write_documents(const DocumentWrite& write) {
  static const std::string update_sql =
      "UPDATE authorization_requests SET data = ?1, version = version + 1, updated_at = ?2"
      " WHERE id = ?3 AND version = ?4 AND state IN ('draft', 'changes_requested') RETURNING " +
      std::string(kRequestColumns);
  static const std::string insert_sql =
      "INSERT INTO documents (request_id, habilitation_id, field, name, content_type, size, sha256, uploaded_by,"
      " created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?) RETURNING " +
      std::string(kDocumentColumns);
  const char* purpose = "writing the documents of a request";
  const std::int64_t now = clock_->now();
  std::lock_guard lock(mutex_);
  sqlite::Transaction transaction(db_, purpose);
  std::optional<Request> current = select_request(write.request_id, write.organization_siret);
  if (!current) return {WriteOutcome::NotFound, std::nullopt, {}};
  if (current->state != RequestState::Draft && current->state != RequestState::ChangesRequested) {
    return {WriteOutcome::WrongState, std::move(current), {}};
  }
  if (current->version != write.expected_version) return {WriteOutcome::Stale, std::move(current), {}};
  for (const std::int64_t id : write.remove) {
    Statement drop(db_, "DELETE FROM documents WHERE id = ? AND request_id = ? AND habilitation_id IS NULL RETURNING id",
                   purpose);
    drop.bind_all(id, write.request_id);
    const bool found = drop.step();
    drop.run();
    if (!found) return {WriteOutcome::NotFound, std::move(current), {}};  // rolled back
  }
  std::vector<Document> added;
  for (const auto& doc : write.add) {
    Statement insert(db_, insert_sql, purpose);
    insert.bind_all(write.request_id, doc.field, doc.name, doc.content_type, doc.size, doc.sha256, write.actor_user_id,
                    now);
    auto row = returned_row<Document>(insert, read_document);
    if (!row) throw StorageError("storing a document returned no row");
    added.push_back(std::move(*row));
  }
  std::optional<Request> written;
  {
    Statement update(db_, update_sql, purpose);
    update.bind_all(write.data_json, now, write.request_id, write.expected_version);
    written = returned_row<Request>(update, read_request);
  }
  if (!written) return {WriteOutcome::Stale, std::move(current), {}};
  insert_event(db_, write.request_id, "update", write.actor_user_id, now);
  transaction.commit();
  return {WriteOutcome::Ok, std::move(written), std::move(added)};
}

std::optional<Document> SqliteStore::find_document(std::int64_t id) {
  static const std::string sql = "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "reading a document");
  query.bind_all(id);
  if (!query.step()) return std::nullopt;
  return read_document(query);
}

std::vector<Document> SqliteStore::documents_of(std::int64_t request_id) {
  static const std::string sql = "SELECT " + std::string(kDocumentColumns) +
                                 " FROM documents WHERE request_id = ? AND habilitation_id IS NULL ORDER BY field, id";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "listing the documents of a request");
  query.bind_all(request_id);
  std::vector<Document> out;
  while (query.step()) out.push_back(read_document(query));
  return out;
}

std::vector<Document> SqliteStore::documents_of_habilitation(std::int64_t habilitation_id) {
  static const std::string sql = "SELECT " + std::string(kDocumentColumns) +
                                 " FROM documents WHERE habilitation_id = ? ORDER BY field, id";
  std::lock_guard lock(mutex_);
  Statement query(db_, sql, "listing the documents of a habilitation");
  query.bind_all(habilitation_id);
  std::vector<Document> out;
  while (query.step()) out.push_back(read_document(query));
  return out;
}

std::vector<std::string> SqliteStore::referenced_blobs() {
  std::lock_guard lock(mutex_);
  Statement query(db_, "SELECT DISTINCT sha256 FROM documents ORDER BY sha256", "listing referenced document files");
  std::vector<std::string> out;
  while (query.step()) out.push_back(query.text(0));
  return out;
}

}  // namespace formd::storage
