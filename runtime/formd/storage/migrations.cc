#include "storage/migrations.h"

#include <chrono>
#include <string>

namespace formd::storage {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void create_migrations_table(sqlite::Connection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " applied_at INTEGER NOT NULL)",
      "creating the schema_migrations table");
}

// A migration may not leave a dangling reference behind: foreign keys are
// off while it runs, so nothing else would notice.
void check_foreign_keys(sqlite::Connection& db, const Migration& migration) {
  sqlite::Statement check(db, "PRAGMA foreign_key_check", "checking foreign keys after a migration");
  if (check.step()) {
    throw StorageError("migration " + std::string(migration.name) + " leaves a broken reference in table '" +
                       check.text(0) + "'");
  }
}

void apply_one(sqlite::Connection& db, const Migration& migration) {
  const std::string purpose = "applying migration " + std::string(migration.name);
  sqlite::Transaction transaction(db, purpose);
  // Another process may have applied it while we waited for the write lock.
  if (applied_schema_version(db) >= migration.version) return;
  db.exec(migration.sql, purpose);
  check_foreign_keys(db, migration);
  sqlite::Statement record(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           "recording migration " + std::string(migration.name));
  record.bind_all(std::int64_t{migration.version}, unix_now()).run();
  transaction.commit();
}

void refuse_if_newer(int applied, int known) {
  if (applied > known) {
    throw StorageError("database schema version " + std::to_string(applied) + " is newer than this formd (" +
                       std::to_string(known) + ")");
  }
}

}  // namespace

int applied_schema_version(sqlite::Connection& db) {
  sqlite::Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                          "reading the schema version");
  query.step();
  return static_cast<int>(query.int64(0));
}

int apply_migrations(sqlite::Connection& db, std::span<const Migration> migrations) {
  create_migrations_table(db);
  const int known = migrations.empty() ? 0 : migrations.back().version;
  const int applied = applied_schema_version(db);
  refuse_if_newer(applied, known);
  for (const Migration& migration : migrations) {
    if (migration.version > applied) apply_one(db, migration);
  }
  // A newer formd may have migrated the same file meanwhile.
  const int now = applied_schema_version(db);
  refuse_if_newer(now, known);
  return now;
}

}  // namespace formd::storage
