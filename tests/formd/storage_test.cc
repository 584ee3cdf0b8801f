// formd_storage against real SQLite files: migrations, pragmas, users,
// sessions, requests with ownership and optimistic concurrency, events, and
// the error paths. Each test works in its own temporary directory; the
// database is inspected with the storage's own SQLite wrappers.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/repository.h"
#include "storage/sqlite.h"
#include "storage/sqlite_store.h"

namespace fs = std::filesystem;
using formd::storage::NewRequest;
using formd::storage::Request;
using formd::storage::RequestState;
using formd::storage::SqliteStore;
using formd::storage::StorageError;
using formd::storage::WriteOutcome;
using formd::storage::WriteResult;
namespace sqlite = formd::storage::sqlite;

namespace {

constexpr const char* kSiretA = "11111111111111";
constexpr const char* kSiretB = "22222222222222";

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "formd-storage-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }
  [[nodiscard]] fs::path db_file() const { return path_ / SqliteStore::kFileName; }

 private:
  fs::path path_;
};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A second, independent connection to the store's file, for inspection.
class Inspector {
 public:
  explicit Inspector(const fs::path& file) : db_(sqlite::Connection::open(file)) {}

  std::int64_t integer(const std::string& sql) {
    sqlite::Statement query(db_, sql, "inspecting (test)");
    REQUIRE(query.step());
    return query.int64(0);
  }
  std::string text(const std::string& sql) {
    sqlite::Statement query(db_, sql, "inspecting (test)");
    REQUIRE(query.step());
    return query.text(0);
  }
  void exec(const std::string& sql) { db_.exec(sql.c_str(), "modifying (test)"); }
  sqlite::Connection& connection() { return db_; }

 private:
  sqlite::Connection db_;
};

int newest_embedded_version() { return formd::storage::embedded_migrations().back().version; }

NewRequest new_request(std::int64_t user_id, const std::string& siret, const std::string& data = R"({"a":1})") {
  NewRequest request;
  request.form_uid = "api-particulier";
  request.definition_id = "api_particulier";
  request.definition_hash = "sha256:abc";
  request.data_json = data;
  request.user_id = user_id;
  request.organization_siret = siret;
  return request;
}

}  // namespace

// ---- Opening and migrations --------------------------------------------------

TEST_CASE("open creates the data directory and applies every migration once", "[storage]") {
  TempDir temp;
  const fs::path data_dir = temp.path() / "nested" / "data";
  std::int64_t user_id = 0;
  std::int64_t applied_at = 0;
  {
    auto store = SqliteStore::open(data_dir);
    REQUIRE(fs::is_regular_file(data_dir / "formd.sqlite3"));
    REQUIRE(store->schema_version() == newest_embedded_version());
    REQUIRE(store->schema_version() >= 1);
    user_id = store->upsert_user("a@example.fr", "A", kSiretA).id;

    Inspector inspect(data_dir / "formd.sqlite3");
    const auto migrations = formd::storage::embedded_migrations();
    REQUIRE(inspect.integer("SELECT COUNT(*) FROM schema_migrations") == static_cast<std::int64_t>(migrations.size()));
    REQUIRE(inspect.integer("SELECT MIN(version) FROM schema_migrations") == 1);
    REQUIRE(inspect.integer("SELECT MAX(version) FROM schema_migrations") == newest_embedded_version());
    applied_at = inspect.integer("SELECT applied_at FROM schema_migrations WHERE version = 1");
    REQUIRE(std::abs(applied_at - now_seconds()) < 60);
  }
  // Reopening applies nothing again and keeps the data.
  auto store = SqliteStore::open(data_dir);
  REQUIRE(store->schema_version() == newest_embedded_version());
  const auto user = store->find_user(user_id);
  REQUIRE(user);
  REQUIRE(user->email == "a@example.fr");
  Inspector inspect(data_dir / "formd.sqlite3");
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM schema_migrations") ==
          static_cast<std::int64_t>(formd::storage::embedded_migrations().size()));
  REQUIRE(inspect.integer("SELECT applied_at FROM schema_migrations WHERE version = 1") == applied_at);
}

TEST_CASE("the embedded migrations are numbered from 1 without gaps", "[storage]") {
  const auto migrations = formd::storage::embedded_migrations();
  REQUIRE(!migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    REQUIRE(migrations[i].version == static_cast<int>(i + 1));
    const std::string sql = migrations[i].sql;
    REQUIRE((sql.find("CREATE TABLE") != std::string::npos || sql.find("ALTER TABLE") != std::string::npos));
  }
  REQUIRE(std::string(migrations[0].name) == "0001_initial.sql");
  REQUIRE(std::string(migrations[1].name) == "0002_hashed_sessions.sql");
  REQUIRE(std::string(migrations[2].name) == "0003_roles.sql");
  REQUIRE(std::string(migrations[3].name) == "0004_request_states.sql");
  REQUIRE(std::string(migrations[4].name) == "0005_instruction.sql");
  REQUIRE(std::string(migrations[5].name) == "0006_instruction_views.sql");
}

TEST_CASE("the database is in WAL mode with foreign keys enforced", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.text("PRAGMA journal_mode") == "wal");
  // foreign_keys is per connection: observe it through the store. A session
  // of a user that does not exist violates sessions.user_id.
  REQUIRE_THROWS_AS(store->create_session(std::string(64, 'a'), 424242, 60), StorageError);
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM sessions") == 0);
}

TEST_CASE("several stores opening one new file at once migrate it once", "[storage]") {
  TempDir temp;
  constexpr int kOpeners = 6;
  std::latch start(kOpeners);
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::string why;
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      try {
        auto store = SqliteStore::open(temp.path());
        if (store->schema_version() != newest_embedded_version()) ++failures;
      } catch (const StorageError& e) {
        ++failures;
        std::lock_guard lock(mutex);
        why += std::string(e.what()) + "\n";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  INFO(why);
  REQUIRE(failures == 0);
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM schema_migrations") ==
          static_cast<std::int64_t>(formd::storage::embedded_migrations().size()));
}

TEST_CASE("a database from a newer formd is refused and left alone", "[storage]") {
  TempDir temp;
  SqliteStore::open(temp.path());
  {
    Inspector inspect(temp.db_file());
    inspect.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  }
  const std::string expected = "database schema version 999 is newer than this formd (" +
                               std::to_string(newest_embedded_version()) + ")";
  try {
    SqliteStore::open(temp.path());
    FAIL("open should have thrown");
  } catch (const StorageError& error) {
    const std::string message = error.what();
    REQUIRE_THAT(message, Catch::Contains(expected));
    REQUIRE_THAT(message, Catch::Contains(temp.db_file().string()));
  }
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT MAX(version) FROM schema_migrations") == 999);
}

TEST_CASE("a data directory that cannot be created is a StorageError naming it", "[storage]") {
  TempDir temp;
  const fs::path file = temp.path() / "plain-file";
  std::ofstream(file) << "not a directory";
  const fs::path data_dir = file / "data";
  try {
    SqliteStore::open(data_dir);
    FAIL("open should have thrown");
  } catch (const StorageError& error) {
    REQUIRE_THAT(std::string(error.what()), Catch::Contains(data_dir.string()));
    REQUIRE_THAT(std::string(error.what()), Catch::Contains("cannot create the data directory"));
  }
  // The data directory itself being a regular file.
  REQUIRE_THROWS_WITH(SqliteStore::open(file), Catch::Contains(file.string()));
}

TEST_CASE("a file that is not a SQLite database is a StorageError naming it", "[storage]") {
  TempDir temp;
  std::ofstream(temp.db_file()) << std::string(4096, 'x');
  REQUIRE_THROWS_WITH(SqliteStore::open(temp.path()), Catch::Contains(temp.db_file().string()) &&
                                                          Catch::Contains("not a database"));
}

// ---- Users ---------------------------------------------------------------------

TEST_CASE("upsert_user creates, then updates name and SIRET by email", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto created = store->upsert_user("jeanne@example.fr", "Jeanne", kSiretA);
  REQUIRE(created.id > 0);
  REQUIRE(created.email == "jeanne@example.fr");
  REQUIRE(created.name == "Jeanne");
  REQUIRE(created.organization_siret == kSiretA);

  const auto updated = store->upsert_user("jeanne@example.fr", "Jeanne D.", kSiretB);
  REQUIRE(updated.id == created.id);
  REQUIRE(updated.name == "Jeanne D.");
  REQUIRE(updated.organization_siret == kSiretB);

  const auto found = store->find_user(created.id);
  REQUIRE(found);
  REQUIRE(found->name == "Jeanne D.");
  REQUIRE(found->organization_siret == kSiretB);

  const auto other = store->upsert_user("paul@example.fr", "Paul", kSiretA);
  REQUIRE(other.id != created.id);
  REQUIRE_FALSE(store->find_user(created.id + other.id + 100));

  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM users") == 2);
}

TEST_CASE("user text round-trips exactly, quotes and UTF-8 included", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const std::string name = "Zoé O'Brien \"'); DROP TABLE users; --";
  const auto user = store->upsert_user("zoe@example.fr", name, "");
  REQUIRE(store->find_user(user.id)->name == name);
  REQUIRE(store->find_user(user.id)->organization_siret.empty());
}

// ---- Sessions ------------------------------------------------------------------

// Distinct 64-hex-digit digests, as auth::digest() makes them.
static std::string digest_of(int n) {
  std::string hex = std::to_string(n);
  return std::string(64 - hex.size(), 'd') + hex;
}

TEST_CASE("sessions are stored by digest and found until they expire", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto other = store->upsert_user("b@example.fr", "B", kSiretA);

  const auto first = store->create_session(digest_of(1), user.id, 3600);
  const auto second = store->create_session(digest_of(2), other.id, 3600);
  REQUIRE(first.token_digest == digest_of(1));
  REQUIRE(std::abs(first.expires_at - (now_seconds() + 3600)) <= 5);

  const auto found = store->find_session(digest_of(1));
  REQUIRE(found);
  REQUIRE(found->token_digest == digest_of(1));
  REQUIRE(found->user_id == user.id);
  REQUIRE(found->expires_at == first.expires_at);
  REQUIRE(store->find_session(digest_of(2))->user_id == other.id);

  REQUIRE_FALSE(store->find_session(digest_of(3)));
  REQUIRE_FALSE(store->find_session(""));
  // A digest is the primary key: the same one twice is a database error, not a second session.
  REQUIRE_THROWS_AS(store->create_session(digest_of(1), other.id, 3600), StorageError);
  // Not a digest: refused by the schema.
  REQUIRE_THROWS_AS(store->create_session("short", user.id, 3600), StorageError);

  store->delete_session(digest_of(1));
  REQUIRE_FALSE(store->find_session(digest_of(1)));
  REQUIRE(store->find_session(second.token_digest));
}

TEST_CASE("expired sessions are not found and delete_expired_sessions removes only them", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  store->create_session(digest_of(1), user.id, -1);
  store->create_session(digest_of(2), user.id, 0);
  store->create_session(digest_of(3), user.id, 600);
  REQUIRE_FALSE(store->find_session(digest_of(1)));
  REQUIRE_FALSE(store->find_session(digest_of(2)));
  REQUIRE(store->find_session(digest_of(3)));

  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM sessions") == 3);
  REQUIRE(store->delete_expired_sessions() == 2);
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM sessions") == 1);
  REQUIRE(store->find_session(digest_of(3)));
  REQUIRE(store->delete_expired_sessions() == 0);
}

TEST_CASE("sessions expire when the store's clock passes them, and only then", "[storage]") {
  TempDir temp;
  auto clock = std::make_shared<formd::storage::ManualClock>(1'800'000'000);
  auto store = SqliteStore::open(temp.path(), clock);
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto session = store->create_session(digest_of(1), user.id, 3600);
  REQUIRE(session.expires_at == 1'800'000'000 + 3600);
  clock->advance(3599);
  REQUIRE(store->find_session(digest_of(1)));
  REQUIRE(store->delete_expired_sessions() == 0);
  clock->advance(1);
  REQUIRE_FALSE(store->find_session(digest_of(1)));
  REQUIRE(store->delete_expired_sessions() == 1);
}

TEST_CASE("an absurd session TTL saturates instead of overflowing", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto session = store->create_session(digest_of(1), user.id, std::numeric_limits<std::int64_t>::max());
  REQUIRE(session.expires_at == std::numeric_limits<std::int64_t>::max());
  REQUIRE(store->find_session(digest_of(1)));
}

TEST_CASE("a server secret is the first value stored under its name, for every caller", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  REQUIRE(store->server_secret("login", "first") == "first");
  REQUIRE(store->server_secret("login", "second") == "first");
  REQUIRE(store->server_secret("other", "x") == "x");
  // Another store on the same file (another formd process) agrees.
  auto again = SqliteStore::open(temp.path());
  REQUIRE(again->server_secret("login", "third") == "first");
}

TEST_CASE("the database file and its WAL are readable by their owner only", "[storage]") {
  TempDir temp;
  const auto old_mask = ::umask(0);  // the most permissive umask: the store must not rely on it
  {
    auto store = SqliteStore::open(temp.path() / "fresh");
    store->upsert_user("a@example.fr", "A", kSiretA);
    namespace fs = std::filesystem;
    const fs::path file = temp.path() / "fresh" / SqliteStore::kFileName;
    for (const fs::path& p : {file, fs::path(file.string() + "-wal"), fs::path(file.string() + "-shm")}) {
      INFO(p.string());
      REQUIRE(fs::exists(p));
      REQUIRE((fs::status(p).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    }
    REQUIRE((fs::status(temp.path() / "fresh").permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
            fs::perms::none);
  }
  // A world-readable file left by an older formd is restricted when opened.
  {
    namespace fs = std::filesystem;
    const fs::path file = temp.path() / "fresh" / SqliteStore::kFileName;
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    auto store = SqliteStore::open(temp.path() / "fresh");
    REQUIRE((fs::status(file).permissions() & fs::perms::others_all) == fs::perms::none);
  }
  ::umask(old_mask);
}

// ---- Roles ---------------------------------------------------------------------

TEST_CASE("a user is created by email before their first login, then filled by it", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  REQUIRE_FALSE(store->find_user_by_email("new@example.fr"));
  const auto created = store->ensure_user("new@example.fr");
  REQUIRE(created.name.empty());
  REQUIRE(created.organization_siret.empty());
  REQUIRE(store->ensure_user("new@example.fr").id == created.id);  // once
  const auto logged_in = store->upsert_user("new@example.fr", "Nouvelle Instructrice", kSiretA);
  REQUIRE(logged_in.id == created.id);
  REQUIRE(store->find_user_by_email("new@example.fr")->organization_siret == kSiretA);
}

TEST_CASE("roles are granted once, revoked, listed, and go with their user", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto a = store->ensure_user("a@example.fr");
  const auto b = store->ensure_user("b@example.fr");
  REQUIRE(store->grant_role(a.id, "ans:api_pro_sante_connect:instructor"));
  REQUIRE_FALSE(store->grant_role(a.id, "ans:api_pro_sante_connect:instructor"));
  REQUIRE(store->grant_role(a.id, "admin"));
  REQUIRE(store->grant_role(b.id, "ans:*:reporter"));
  REQUIRE(store->roles_of(a.id) == std::vector<std::string>{"admin", "ans:api_pro_sante_connect:instructor"});
  const auto grants = store->list_role_grants();
  REQUIRE(grants.size() == 3);
  REQUIRE(grants[0].user.email == "a@example.fr");
  REQUIRE(grants[2].role == "ans:*:reporter");
  REQUIRE(store->revoke_role(a.id, "admin"));
  REQUIRE_FALSE(store->revoke_role(a.id, "admin"));
  REQUIRE(store->roles_of(a.id) == std::vector<std::string>{"ans:api_pro_sante_connect:instructor"});
  REQUIRE_THROWS_AS(store->grant_role(424242, "admin"), StorageError);  // no such user
}

// ---- Requests ------------------------------------------------------------------

TEST_CASE("create_request stores a draft at version 1 that its organisation finds", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA, R"({"intitule":"Mon projet"})"));
  REQUIRE(created.id > 0);
  REQUIRE(created.form_uid == "api-particulier");
  REQUIRE(created.definition_id == "api_particulier");
  REQUIRE(created.definition_hash == "sha256:abc");
  REQUIRE(created.state == RequestState::Draft);
  REQUIRE(created.data_json == R"({"intitule":"Mon projet"})");
  REQUIRE(created.user_id == user.id);
  REQUIRE(created.organization_siret == kSiretA);
  REQUIRE(created.version == 1);
  REQUIRE(std::abs(created.created_at - now_seconds()) <= 5);
  REQUIRE(created.updated_at == created.created_at);
  REQUIRE_FALSE(created.submitted_at);

  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found);
  REQUIRE(found->id == created.id);
  REQUIRE(found->data_json == created.data_json);
  REQUIRE(found->version == 1);
  REQUIRE(found->state == RequestState::Draft);
  REQUIRE(found->created_at == created.created_at);

  REQUIRE_FALSE(store->find_request(created.id + 1, kSiretA));
}

TEST_CASE("a request of another organisation is not found, read or written", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));

  REQUIRE_FALSE(store->find_request(created.id, kSiretB));
  const WriteResult update = store->update_draft(created.id, kSiretB, 1, R"({"stolen":true})", std::nullopt);
  REQUIRE(update.outcome == WriteOutcome::NotFound);
  REQUIRE_FALSE(update.request);
  const WriteResult submit = store->submit(created.id, kSiretB, 1, R"({"stolen":true})", std::nullopt);
  REQUIRE(submit.outcome == WriteOutcome::NotFound);
  REQUIRE_FALSE(submit.request);
  REQUIRE(store->list_requests(kSiretB).empty());

  const auto unchanged = store->find_request(created.id, kSiretA);
  REQUIRE(unchanged->data_json == R"({"a":1})");
  REQUIRE(unchanged->version == 1);
  REQUIRE(unchanged->state == RequestState::Draft);
  // Unknown ids answer the same as another organisation's.
  REQUIRE(store->update_draft(created.id + 1000, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::NotFound);
}

TEST_CASE("update_draft replaces the data and bumps the version", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));

  const WriteResult first = store->update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt);
  REQUIRE(first.outcome == WriteOutcome::Ok);
  REQUIRE(first.request);
  REQUIRE(first.request->version == 2);
  REQUIRE(first.request->data_json == R"({"a":2})");
  REQUIRE(first.request->state == RequestState::Draft);
  REQUIRE(first.request->updated_at >= created.created_at);
  REQUIRE(first.request->created_at == created.created_at);
  REQUIRE_FALSE(first.request->submitted_at);

  const WriteResult second = store->update_draft(created.id, kSiretA, 2, R"({"a":3})", std::nullopt);
  REQUIRE(second.outcome == WriteOutcome::Ok);
  REQUIRE(second.request->version == 3);

  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found->version == 3);
  REQUIRE(found->data_json == R"({"a":3})");
}

TEST_CASE("a write based on an old version is Stale and changes nothing", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));
  REQUIRE(store->update_draft(created.id, kSiretA, 1, R"({"a":"mine"})", std::nullopt).outcome == WriteOutcome::Ok);

  const WriteResult stale = store->update_draft(created.id, kSiretA, 1, R"({"a":"theirs"})", std::nullopt);
  REQUIRE(stale.outcome == WriteOutcome::Stale);
  REQUIRE(stale.request);
  REQUIRE(stale.request->version == 2);
  REQUIRE(stale.request->data_json == R"({"a":"mine"})");

  const WriteResult future = store->submit(created.id, kSiretA, 7, R"({"a":"theirs"})", std::nullopt);
  REQUIRE(future.outcome == WriteOutcome::Stale);
  REQUIRE(future.request->state == RequestState::Draft);

  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found->version == 2);
  REQUIRE(found->data_json == R"({"a":"mine"})");
  REQUIRE(found->state == RequestState::Draft);
}

TEST_CASE("submit moves a draft to submitted, and later writes are WrongState", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));

  const WriteResult submitted = store->submit(created.id, kSiretA, 1, R"({"a":"final"})", std::nullopt);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  REQUIRE(submitted.request->state == RequestState::Submitted);
  REQUIRE(submitted.request->version == 2);
  REQUIRE(submitted.request->data_json == R"({"a":"final"})");
  REQUIRE(submitted.request->submitted_at);
  REQUIRE(*submitted.request->submitted_at == submitted.request->updated_at);
  REQUIRE(std::abs(*submitted.request->submitted_at - now_seconds()) <= 5);

  const WriteResult update = store->update_draft(created.id, kSiretA, 2, R"({"a":"late"})", std::nullopt);
  REQUIRE(update.outcome == WriteOutcome::WrongState);
  REQUIRE(update.request);
  REQUIRE(update.request->state == RequestState::Submitted);
  REQUIRE(update.request->data_json == R"({"a":"final"})");
  // The state is checked before the version.
  REQUIRE(store->submit(created.id, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::WrongState);
  REQUIRE(store->submit(created.id, kSiretA, 2, "{}", std::nullopt).outcome == WriteOutcome::WrongState);

  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found->state == RequestState::Submitted);
  REQUIRE(found->version == 2);
  REQUIRE(found->submitted_at == submitted.request->submitted_at);
}

TEST_CASE("list_requests returns one organisation's requests, newest first", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto alice = store->upsert_user("alice@example.fr", "Alice", kSiretA);
  const auto bob = store->upsert_user("bob@example.fr", "Bob", kSiretB);
  const auto carol = store->upsert_user("carol@example.fr", "Carol", kSiretA);
  const auto a1 = store->create_request(new_request(alice.id, kSiretA));
  const auto b1 = store->create_request(new_request(bob.id, kSiretB));
  const auto a2 = store->create_request(new_request(carol.id, kSiretA));
  const auto a3 = store->create_request(new_request(alice.id, kSiretA));
  // Writing an old request does not move it up.
  REQUIRE(store->update_draft(a1.id, kSiretA, 1, R"({"a":9})", std::nullopt).outcome == WriteOutcome::Ok);

  const auto list_a = store->list_requests(kSiretA);
  REQUIRE(list_a.size() == 3);
  REQUIRE(list_a[0].id == a3.id);
  REQUIRE(list_a[1].id == a2.id);
  REQUIRE(list_a[2].id == a1.id);
  REQUIRE(list_a[2].version == 2);
  REQUIRE(list_a[2].data_json == R"({"a":9})");
  REQUIRE(list_a[1].user_id == carol.id);

  const auto list_b = store->list_requests(kSiretB);
  REQUIRE(list_b.size() == 1);
  REQUIRE(list_b[0].id == b1.id);
  REQUIRE(store->list_requests("33333333333333").empty());
}

TEST_CASE("every request write records its event in the same transaction", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));
  REQUIRE(store->update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt).outcome == WriteOutcome::Ok);
  // Refused writes leave no event.
  REQUIRE(store->update_draft(created.id, kSiretA, 1, R"({"a":3})", std::nullopt).outcome == WriteOutcome::Stale);
  REQUIRE(store->update_draft(created.id, kSiretB, 2, R"({"a":3})", std::nullopt).outcome == WriteOutcome::NotFound);
  REQUIRE(store->submit(created.id, kSiretA, 2, R"({"a":4})", std::nullopt).outcome == WriteOutcome::Ok);
  REQUIRE(store->submit(created.id, kSiretA, 3, R"({"a":5})", std::nullopt).outcome == WriteOutcome::WrongState);

  Inspector inspect(temp.db_file());
  sqlite::Statement events(inspect.connection(),
                           "SELECT request_id, name, user_id, created_at FROM authorization_request_events ORDER BY id",
                           "reading events (test)");
  std::vector<std::string> kinds;
  std::vector<std::optional<std::int64_t>> actors;
  while (events.step()) {
    REQUIRE(events.int64(0) == created.id);
    REQUIRE(std::abs(events.int64(3) - now_seconds()) <= 5);
    kinds.push_back(events.text(1));
    actors.push_back(events.optional_int64(2));
  }
  REQUIRE(kinds == std::vector<std::string>{"create", "update", "submit"});
  REQUIRE(actors == std::vector<std::optional<std::int64_t>>{user.id, std::nullopt, std::nullopt});
}

TEST_CASE("a failing write rolls back the request and its event together", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  // data must be JSON (CHECK json_valid): the insert fails inside the transaction.
  REQUIRE_THROWS_WITH(store->create_request(new_request(user.id, kSiretA, "{not json")),
                      Catch::Contains("creating a request"));
  const auto created = store->create_request(new_request(user.id, kSiretA));
  REQUIRE_THROWS_AS(store->update_draft(created.id, kSiretA, 1, "[unclosed", std::nullopt), StorageError);

  // The store is still usable and nothing half-written remains.
  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found->version == 1);
  REQUIRE(found->data_json == R"({"a":1})");
  REQUIRE(store->list_requests(kSiretA).size() == 1);
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM authorization_request_events") == 1);
  REQUIRE(store->update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt).outcome == WriteOutcome::Ok);
}

TEST_CASE("every DataPass state can be stored, nothing else, and rows survive the 0004 rebuild", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));
  Inspector inspect(temp.db_file());
  for (const auto state : formd::domain::kAllRequestStates) {
    const std::string name(formd::domain::to_string(state));
    inspect.exec("UPDATE authorization_requests SET state = '" + name + "' WHERE id = " + std::to_string(created.id));
    REQUIRE(store->find_request(created.id, kSiretA)->state == state);
  }
  REQUIRE_THROWS(inspect.exec("UPDATE authorization_requests SET state = 'approved'"));
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM authorization_requests") == 1);
}

// ---- Instruction: one state change, one transaction ----------------------------

namespace {

using formd::storage::StateChange;
using S = formd::domain::RequestState;

StateChange approve(const formd::storage::Request& r, std::int64_t instructor) {
  StateChange c;
  c.request_id = r.id;
  c.expected_version = r.version;
  c.from = r.state;
  c.to = S::Validated;
  c.event = "approve";
  c.actor_user_id = instructor;
  c.issue_habilitation = true;
  c.outbox = {{"email", R"({"to":["a@example.fr"],"template":"approve"})"}};
  return c;
}

}  // namespace

TEST_CASE("approving writes the state, a habilitation, the event and the outbox together", "[storage]") {
  TempDir temp;
  auto clock = std::make_shared<formd::storage::ManualClock>(1'800'000'000);
  auto store = SqliteStore::open(temp.path(), clock);
  const auto applicant = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store->ensure_user("i@example.fr");
  auto r = store->create_request(new_request(applicant.id, kSiretA, R"({"intitule":"V1"})"));
  r = *store->submit(r.id, kSiretA, 1, r.data_json, applicant.id).request;
  REQUIRE(r.state == S::Submitted);

  clock->advance(60);
  const auto result = store->change_state(approve(r, instructor.id));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  REQUIRE(result.request->state == S::Validated);
  REQUIRE(result.request->version == r.version + 1);
  REQUIRE(result.habilitation);
  CHECK(result.habilitation->state == formd::domain::HabilitationState::Active);
  CHECK(result.habilitation->data_json == R"({"intitule":"V1"})");
  CHECK(result.habilitation->created_at == 1'800'000'060);
  CHECK(store->find_habilitation(result.habilitation->id)->request_id == r.id);

  const auto events = store->events_of(r.id);
  REQUIRE(events.size() == 3);  // newest first
  CHECK(events[0].name == "approve");
  CHECK(events[0].user_id == instructor.id);
  CHECK(events[0].habilitation_id == result.habilitation->id);
  CHECK(events[1].name == "submit");
  CHECK(events[2].name == "create");

  const auto due = store->due_outbox(10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].payload_json == R"({"to":["a@example.fr"],"template":"approve"})");
  store->mark_outbox_sent(due[0].id);
  CHECK(store->due_outbox(10).empty());
}

TEST_CASE("a refused state change writes nothing at all", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto applicant = store->upsert_user("a@example.fr", "A", kSiretA);
  auto r = store->create_request(new_request(applicant.id, kSiretA));
  r = *store->submit(r.id, kSiretA, 1, r.data_json, applicant.id).request;
  Inspector inspect(temp.db_file());
  auto count = [&] {
    return std::to_string(inspect.integer("SELECT COUNT(*) FROM authorization_request_events")) + "/" +
           std::to_string(inspect.integer("SELECT COUNT(*) FROM habilitations")) + "/" +
           std::to_string(inspect.integer("SELECT COUNT(*) FROM outbox")) + "/" +
           std::to_string(inspect.integer("SELECT version FROM authorization_requests"));
  };
  const std::string before = count();

  auto stale = approve(r, applicant.id);
  stale.expected_version = r.version - 1;
  CHECK(store->change_state(stale).outcome == WriteOutcome::Stale);
  auto wrong = approve(r, applicant.id);
  wrong.from = S::Draft;
  CHECK(store->change_state(wrong).outcome == WriteOutcome::WrongState);
  auto missing = approve(r, applicant.id);
  missing.request_id = 424242;
  CHECK(store->change_state(missing).outcome == WriteOutcome::NotFound);
  // A failure in the middle (an outbox payload that is not JSON) rolls back the state and the habilitation.
  auto broken = approve(r, applicant.id);
  broken.outbox.push_back({"email", "not json"});
  CHECK_THROWS_AS(store->change_state(broken), StorageError);
  CHECK(count() == before);
  CHECK(store->find_request_by_id(r.id)->state == S::Submitted);
}

TEST_CASE("an approved update makes the earlier habilitations obsolete, and reasons are kept", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto applicant = store->upsert_user("a@example.fr", "A", kSiretA);
  auto r = store->create_request(new_request(applicant.id, kSiretA));
  r = *store->submit(r.id, kSiretA, 1, r.data_json, applicant.id).request;
  const auto first = store->change_state(approve(r, applicant.id));
  r = *first.request;
  // Reopened (back to draft), resubmitted with new data, changes asked, then approved again.
  StateChange reopen{r.id, r.version, S::Validated, S::Draft, "reopen", applicant.id};
  r = *store->change_state(reopen).request;
  StateChange resubmit{r.id, r.version, S::Draft, S::Submitted, "submit", applicant.id};
  resubmit.data_json = R"({"a":2})";
  resubmit.changes_json = R"([{"field":"a","label":"A","from":1,"to":2}])";
  r = *store->change_state(resubmit).request;
  CHECK(r.data_json == R"({"a":2})");
  StateChange changes{r.id, r.version, S::Submitted, S::ChangesRequested, "request_changes", applicant.id};
  changes.reason = "Précisez le cadre juridique.";
  r = *store->change_state(changes).request;
  const auto second = store->change_state(approve(r, applicant.id));
  REQUIRE(second.outcome == WriteOutcome::Ok);

  const auto habilitations = store->habilitations_of(r.id);
  REQUIRE(habilitations.size() == 2);
  CHECK(habilitations[0].state == formd::domain::HabilitationState::Obsolete);
  CHECK(habilitations[0].data_json == R"({"a":1})");  // the old data stays
  CHECK(habilitations[1].state == formd::domain::HabilitationState::Active);
  CHECK(habilitations[1].data_json == R"({"a":2})");
  const auto events = store->events_of(r.id);
  CHECK(events[1].name == "request_changes");
  CHECK(events[1].reason == "Précisez le cadre juridique.");
  CHECK(events[2].changes_json == R"([{"field":"a","label":"A","from":1,"to":2}])");
}

TEST_CASE("outbox messages wait for their next attempt and can be given up", "[storage]") {
  TempDir temp;
  auto clock = std::make_shared<formd::storage::ManualClock>(1'800'000'000);
  auto store = SqliteStore::open(temp.path(), clock);
  const auto applicant = store->upsert_user("a@example.fr", "A", kSiretA);
  auto r = store->create_request(new_request(applicant.id, kSiretA));
  r = *store->submit(r.id, kSiretA, 1, r.data_json, applicant.id).request;
  store->change_state(approve(r, applicant.id));
  const auto due = store->due_outbox(10);
  REQUIRE(due.size() == 1);
  store->mark_outbox_failed(due[0].id, clock->now() + 30);
  CHECK(store->due_outbox(10).empty());
  clock->advance(30);
  REQUIRE(store->due_outbox(10).size() == 1);
  CHECK(store->due_outbox(10)[0].attempts == 1);
  store->mark_outbox_failed(due[0].id, std::nullopt);
  clock->advance(3600);
  CHECK(store->due_outbox(10).empty());
}

// ---- Concurrency ---------------------------------------------------------------

namespace {

// Every thread writes the same draft based on version 1, all released at
// once; `store_for(i)` picks the store thread i uses.
template <typename StoreFor>
void race_on_one_draft(StoreFor store_for, std::int64_t id, int threads_count, std::vector<WriteOutcome>& outcomes) {
  outcomes.assign(static_cast<std::size_t>(threads_count), WriteOutcome::NotFound);
  std::latch start(threads_count);
  std::vector<std::thread> threads;
  for (int i = 0; i < threads_count; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      const std::string data = R"({"writer":)" + std::to_string(i) + "}";
      outcomes[static_cast<std::size_t>(i)] = store_for(i).update_draft(id, kSiretA, 1, data, std::nullopt).outcome;
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace

TEST_CASE("concurrent updates of one version: exactly one wins, the others are Stale", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store->create_request(new_request(user.id, kSiretA));

  constexpr int kThreads = 16;
  std::vector<WriteOutcome> outcomes;
  race_on_one_draft([&](int) -> SqliteStore& { return *store; }, created.id, kThreads, outcomes);

  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) == 1);
  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Stale) == kThreads - 1);
  const auto winner = static_cast<int>(std::find(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) - outcomes.begin());
  const auto found = store->find_request(created.id, kSiretA);
  REQUIRE(found->version == 2);
  REQUIRE(found->data_json == R"({"writer":)" + std::to_string(winner) + "}");
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM authorization_request_events WHERE name = 'update'") == 1);
}

TEST_CASE("two stores on one file (two processes) also let exactly one update win", "[storage]") {
  TempDir temp;
  auto first = SqliteStore::open(temp.path());
  auto second = SqliteStore::open(temp.path());
  const auto user = first->upsert_user("a@example.fr", "A", kSiretA);
  const auto created = first->create_request(new_request(user.id, kSiretA));
  REQUIRE(second->find_request(created.id, kSiretA));

  constexpr int kThreads = 12;
  std::vector<WriteOutcome> outcomes;
  race_on_one_draft([&](int i) -> SqliteStore& { return i % 2 == 0 ? *first : *second; }, created.id, kThreads,
                    outcomes);

  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) == 1);
  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Stale) == kThreads - 1);
  REQUIRE(first->find_request(created.id, kSiretA)->version == 2);
  REQUIRE(second->find_request(created.id, kSiretA)->version == 2);
}
