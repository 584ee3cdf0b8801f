// The schema migrations of the SQLite store, and the runner that applies them.
//
// Contract: migrations/NNNN_name.sql are the source of truth. The build
// embeds them (storage/CMakeLists.txt generates embedded_migrations.cc), in
// version order, numbered 1..N without gaps (the build fails otherwise), so
// the binary never depends on files next to it at run time.
//
// apply_migrations() records each applied version in schema_migrations and
// applies the missing ones in order, each in its own BEGIN IMMEDIATE
// transaction: two formd processes starting on one file at once apply each
// migration exactly once, and a failed migration leaves the previous version
// intact. During migrations foreign keys are off (table rebuilds need it) and
// `PRAGMA foreign_key_check` must pass before each COMMIT; the caller turns
// foreign keys back on afterwards. A database already at a newer version than
// the binary knows is refused with StorageError, never modified.
#pragma once

#include <span>

#include "storage/sqlite.h"

namespace formd::storage {

struct Migration {
  int version = 0;
  const char* name = "";  // file name, for messages
  const char* sql = "";
};

// Generated at build time from migrations/*.sql, sorted by version.
[[nodiscard]] std::span<const Migration> embedded_migrations();

// Brings the schema to the newest embedded version; returns that version.
// Expects foreign keys off and no open transaction.
int apply_migrations(sqlite::Connection& db, std::span<const Migration> migrations);

// The newest applied version, 0 for a database without schema_migrations rows.
[[nodiscard]] int applied_schema_version(sqlite::Connection& db);

}  // namespace formd::storage
