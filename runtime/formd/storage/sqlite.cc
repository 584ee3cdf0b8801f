#include "storage/sqlite.h"

#include <sqlite3.h>

#include <utility>

namespace formd::storage::sqlite {

namespace {

std::string error_message(std::string_view purpose, sqlite3* db) {
  std::string message = "SQLite error while ";
  message += purpose;
  message += ": ";
  // A null handle only happens when SQLite could not even allocate one.
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (db != nullptr) message += " (code " + std::to_string(sqlite3_extended_errcode(db)) + ")";
  return message;
}

}  // namespace

// ---- Connection -------------------------------------------------------------

Connection Connection::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  // NOMUTEX: SQLite's own per-connection mutex would be redundant, the
  // caller serialises access (see the header). EXRESCODE: extended error
  // codes in messages (SQLITE_IOERR_WRITE rather than SQLITE_IOERR).
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 returns a handle even on failure, to read the error from.
    std::string message = error_message("opening the database '" + file.string() + "'", db);
    sqlite3_close(db);
    throw StorageError(message);
  }
  return Connection(db);
}

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Connection::~Connection() {
  // sqlite3_close (not _v2) fails rather than deferring when a statement is
  // still open; every Statement is scoped, so none is at this point.
  sqlite3_close(db_);
}

void Connection::exec(const char* sql, std::string_view purpose) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(purpose);
}

void Connection::fail(std::string_view purpose) const { throw StorageError(error_message(purpose, db_)); }

// ---- Statement --------------------------------------------------------------

Statement::Statement(Connection& connection, std::string_view sql, std::string_view purpose)
    : connection_(connection), purpose_(purpose) {
  const int rc = sqlite3_prepare_v2(connection_.handle(), sql.data(), static_cast<int>(sql.size()), &statement_,
                                    nullptr);
  if (rc != SQLITE_OK) connection_.fail(purpose_);
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) connection_.fail(purpose_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // An empty string_view may have a null data(), which SQLite would store
  // as NULL rather than as ''.
  const char* data = value.data() != nullptr ? value.data() : "";
  if (sqlite3_bind_text64(statement_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) {
    connection_.fail(purpose_);
  }
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) connection_.fail(purpose_);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_.fail(purpose_);
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  // Read the size after the text: sqlite3_column_text may convert the value.
  const int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr) {
    // NULL, or SQLite ran out of memory converting the value.
    if (sqlite3_errcode(connection_.handle()) == SQLITE_NOMEM) connection_.fail(purpose_);
    return {};
  }
  return std::string(data, static_cast<std::size_t>(size));
}

// ---- Transaction ------------------------------------------------------------

Transaction::Transaction(Connection& connection, std::string_view purpose)
    : connection_(connection), purpose_(purpose) {
  connection_.exec("BEGIN IMMEDIATE", "starting a transaction for " + purpose_);
}

Transaction::~Transaction() {
  // Some errors (disk full, I/O) make SQLite roll back on its own; then
  // there is nothing left to roll back. A destructor must not throw, and the
  // error that brought us here is already on its way.
  if (open_ && sqlite3_get_autocommit(connection_.handle()) == 0) {
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT", "committing the transaction for " + purpose_);
  open_ = false;
}

}  // namespace formd::storage::sqlite
