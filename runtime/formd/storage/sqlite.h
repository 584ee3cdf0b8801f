// Thin RAII wrappers over the SQLite C API: a connection, a prepared
// statement and a transaction.
//
// Contract: every failure of SQLite throws StorageError whose message names
// what was being done ("purpose") and carries sqlite3_errmsg, so a log line
// says which query failed and why. Values only ever reach SQL through bound
// parameters; exec() is for constant SQL (PRAGMAs, migrations). None of these
// classes locks anything: a Connection and its Statements belong to one
// thread at a time (SqliteStore serialises them with its mutex). sqlite3.h
// stays out of this header so that users of the store do not depend on it.
//
// Used by SqliteStore and by the storage tests to inspect a database file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "storage/repository.h"

struct sqlite3;
struct sqlite3_stmt;

namespace formd::storage::sqlite {

class Connection {
 public:
  // Opens (creating if needed) the database file, read-write. Throws
  // StorageError naming the path.
  static Connection open(const std::filesystem::path& file);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs constant SQL, possibly several statements, discarding any rows.
  void exec(const char* sql, std::string_view purpose);

  // Throws StorageError "<purpose>: <sqlite3_errmsg>".
  [[noreturn]] void fail(std::string_view purpose) const;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

 private:
  explicit Connection(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Connection& connection, std::string_view sql, std::string_view purpose);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQLite. Text is copied.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::optional<std::int64_t> value);  // nullopt: NULL

  // bind(1, a); bind(2, b); ...
  template <typename... Values>
  Statement& bind_all(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  // Advances to the next row: true when there is one, false when done.
  bool step();
  // Steps to the end, for statements that return no rows.
  void run();

  // Columns are numbered from 0, as in SQLite.
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int column) const;
  [[nodiscard]] std::string text(int column) const;  // NULL reads as ""

 private:
  Connection& connection_;
  sqlite3_stmt* statement_ = nullptr;
  std::string purpose_;
};

// BEGIN IMMEDIATE at construction: the write lock is taken up front, so a
// transaction never fails half-way because another connection wrote first
// (the busy timeout makes it wait instead). Rolled back on destruction
// unless commit() was called, so an exception leaves nothing behind.
class Transaction {
 public:
  Transaction(Connection& connection, std::string_view purpose);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Connection& connection_;
  std::string purpose_;
  bool open_ = true;
};

}  // namespace formd::storage::sqlite
