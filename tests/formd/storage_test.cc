// What only the SQLite store has, against real SQLite files: opening and
// migrations, pragmas, file permissions, several processes on one file, the
// schema's own constraints, its error messages and its default clock. What
// every backend must do (users, roles, sessions, requests, instruction,
// outbox, concurrency) is the storage contract, storage_contract/, which
// runs against this store too. Each test works in its own temporary
// directory; the database is inspected with the storage's own SQLite
// wrappers.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/repository.h"
#include "storage/sqlite.h"
#include "storage/sqlite_store.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using formd::storage::NewRequest;
using formd::storage::SqliteStore;
using formd::storage::StorageError;
using formd::storage::WriteOutcome;
namespace sqlite = formd::storage::sqlite;

namespace {

constexpr const char* kSiretA = "11111111111111";

// A fresh directory per test (tests/formd/temp_dir.h), with the database file formd makes in it.
class TempDir : public formd::testing::TempDir {
 public:
  TempDir() : formd::testing::TempDir("formd-storage") {}
  [[nodiscard]] std::filesystem::path db_file() const { return path() / SqliteStore::kFileName; }
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
  REQUIRE(std::string(migrations[6].name) == "0007_request_search.sql");
  REQUIRE(std::string(migrations[7].name) == "0008_reopening.sql");
}

TEST_CASE("0008: a request with a habilitation back in draft, submitted or changes_requested stays an update, nothing else becomes one",
          "[storage]") {
  TempDir temp;
  fs::create_directories(temp.path());
  {
    // A database as formd left it before 0008.
    auto db = sqlite::Connection::open(temp.db_file());
    const auto all = formd::storage::embedded_migrations();
    REQUIRE(formd::storage::apply_migrations(db, all.first(7)) == 7);
    db.exec("INSERT INTO users (id, email, name, organization_siret, created_at, updated_at)"
            " VALUES (1, 'a@example.fr', 'A', '11111111111111', 1, 1)", "test");
    // 1: an update in draft, 2: an update submitted, 3: validated, 4: a first request submitted.
    for (const auto& [id, state] : std::vector<std::pair<int, std::string>>{
             {1, "draft"}, {2, "submitted"}, {3, "validated"}, {4, "submitted"}}) {
      db.exec(("INSERT INTO authorization_requests (id, form_uid, definition_id, definition_hash, state, data, user_id,"
               " organization_siret, version, created_at, updated_at) VALUES (" + std::to_string(id) +
               ", 'f', 'd', 'h', '" + state + "', '{}', 1, '11111111111111', 3, 10, " + std::to_string(100 + id) + ")")
                  .c_str(),
              "test");
    }
    for (int request : {1, 2, 3}) {
      db.exec(("INSERT INTO habilitations (request_id, state, data, form_uid, definition_id, definition_hash,"
               " applicant_user_id, organization_siret, created_at) VALUES (" + std::to_string(request) +
               ", 'active', '{}', 'f', 'd', 'h', 1, '11111111111111', 50)").c_str(),
              "test");
    }
  }
  auto store = SqliteStore::open(temp.path());
  CHECK(store->find_request_by_id(1)->reopened_at == 101);
  CHECK(store->find_request_by_id(2)->reopened_at == 102);
  CHECK_FALSE(store->find_request_by_id(3)->reopened_at);
  CHECK_FALSE(store->find_request_by_id(4)->reopened_at);
  // The schema keeps an update from outliving its states.
  Inspector inspect(temp.db_file());
  REQUIRE_THROWS_AS(inspect.exec("UPDATE authorization_requests SET reopened_at = 5 WHERE id = 3"), StorageError);
  REQUIRE_THROWS_AS(inspect.exec("UPDATE authorization_requests SET state = 'refused' WHERE id = 1"), StorageError);
  inspect.exec("UPDATE authorization_requests SET state = 'changes_requested' WHERE id = 1");
  CHECK(store->find_request_by_id(1)->reopened_at == 101);
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

// ---- Files ---------------------------------------------------------------------

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

// ---- Schema --------------------------------------------------------------------

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

// ---- Errors and time -------------------------------------------------------------

TEST_CASE("a failed write is a StorageError saying what the store was doing", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);
  // data must be JSON (CHECK json_valid): the insert fails inside the transaction.
  REQUIRE_THROWS_WITH(store->create_request(new_request(user.id, kSiretA, "{not json")),
                      Catch::Contains("creating a request"));
  const auto created = store->create_request(new_request(user.id, kSiretA));
  REQUIRE_THROWS_WITH(store->update_draft(created.id, kSiretA, 1, "[unclosed", std::nullopt),
                      Catch::Contains("updating a draft"));
  REQUIRE_THROWS_WITH(store->submit(created.id, kSiretA, 1, "[unclosed", std::nullopt),
                      Catch::Contains("submitting a request"));
  Inspector inspect(temp.db_file());
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM authorization_request_events") == 1);
  REQUIRE(inspect.integer("SELECT COUNT(*) FROM authorization_requests") == 1);
}

TEST_CASE("without a clock, the store writes and compares the system's time", "[storage]") {
  TempDir temp;
  auto store = SqliteStore::open(temp.path());
  const auto user = store->upsert_user("a@example.fr", "A", kSiretA);

  const auto session = store->create_session(std::string(63, 'd') + "1", user.id, 3600);
  REQUIRE(std::abs(session.expires_at - (now_seconds() + 3600)) <= 5);
  REQUIRE(store->find_session(session.token_digest));
  store->create_session(std::string(63, 'd') + "2", user.id, -1);
  REQUIRE_FALSE(store->find_session(std::string(63, 'd') + "2"));

  const auto created = store->create_request(new_request(user.id, kSiretA));
  REQUIRE(std::abs(created.created_at - now_seconds()) <= 5);
  const auto submitted = store->submit(created.id, kSiretA, 1, created.data_json, std::nullopt);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  REQUIRE(std::abs(*submitted.request->submitted_at - now_seconds()) <= 5);

  Inspector inspect(temp.db_file());
  sqlite::Statement events(inspect.connection(), "SELECT created_at FROM authorization_request_events ORDER BY id",
                           "reading events (test)");
  int count = 0;
  while (events.step()) {
    REQUIRE(std::abs(events.int64(0) - now_seconds()) <= 5);
    ++count;
  }
  REQUIRE(count == 2);
  REQUIRE(std::abs(inspect.integer("SELECT created_at FROM users") - now_seconds()) <= 5);
}

// ---- Outbox claims -------------------------------------------------------------

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

TEST_CASE("an outbox message is claimed by one worker until its lease ends, and never once sent", "[storage]") {
  TempDir temp;
  auto clock = std::make_shared<formd::storage::ManualClock>(1'800'000'000);
  // Two stores on one file: two formd processes sharing the database.
  auto first = SqliteStore::open(temp.path(), clock);
  auto second = SqliteStore::open(temp.path(), clock);
  const auto applicant = first->upsert_user("a@example.fr", "A", kSiretA);
  auto r = first->create_request(new_request(applicant.id, kSiretA));
  r = *first->submit(r.id, kSiretA, 1, r.data_json, applicant.id).request;
  first->change_state(approve(r, applicant.id));
  const auto seen_by_first = first->due_outbox(10);
  const auto seen_by_second = second->due_outbox(10);
  REQUIRE(seen_by_first.size() == 1);
  REQUIRE(seen_by_second.size() == 1);
  const auto id = seen_by_first[0].id;

  // Both saw it due; only one takes it.
  CHECK(first->claim_outbox(id, clock->now() + 300));
  CHECK_FALSE(second->claim_outbox(id, clock->now() + 300));
  CHECK(second->due_outbox(10).empty());
  CHECK(first->due_outbox(10).empty());

  // A taker that never reports back: the message is due again at the end of the lease.
  clock->advance(299);
  CHECK_FALSE(second->claim_outbox(id, clock->now() + 300));
  clock->advance(1);
  REQUIRE(second->due_outbox(10).size() == 1);
  CHECK(second->due_outbox(10)[0].attempts == 0);  // claiming is not an attempt
  CHECK(second->claim_outbox(id, clock->now() + 300));
  second->mark_outbox_sent(id);

  // Sent: nobody takes it again, whenever.
  clock->advance(3600);
  CHECK_FALSE(first->claim_outbox(id, clock->now() + 300));
  CHECK(first->due_outbox(10).empty());
  CHECK_FALSE(first->claim_outbox(424242, clock->now() + 300));

  // Given up: not taken either.
  r = *first->find_request_by_id(r.id);
  StateChange changes{r.id, r.version, S::Validated, S::Draft, "reopen", applicant.id};
  changes.outbox = {{"email", R"({"to":["a@example.fr"]})"}};
  REQUIRE(first->change_state(changes).outcome == WriteOutcome::Ok);
  const auto second_message = first->due_outbox(10).at(0).id;
  first->mark_outbox_failed(second_message, std::nullopt);
  CHECK_FALSE(first->claim_outbox(second_message, clock->now() + 300));
}
