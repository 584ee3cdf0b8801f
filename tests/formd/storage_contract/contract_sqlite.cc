// The SQLite backend of the storage contract: every case opens a
// SqliteStore on a fresh temporary data directory, removed after the case;
// a second connection is another SqliteStore on the same directory, as a
// second formd process would open it.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "contract.h"
#include "storage/sqlite_store.h"
#include "../temp_dir.h"

namespace {

namespace fs = std::filesystem;
using formd::storage::ManualClock;
using formd::storage::SqliteStore;
using formd::storage::Store;
using formd::storage::contract::ContractBackend;
using formd::storage::contract::RegisterBackend;

// A fresh directory per case (tests/formd/temp_dir.h).
class TempDir : public formd::testing::TempDir {
 public:
  TempDir() : formd::testing::TempDir("formd-contract") {}
};

ContractBackend sqlite_backend() {
  // The running case's directory: cases run one after the other.
  auto dir = std::make_shared<std::unique_ptr<TempDir>>();
  ContractBackend backend;
  backend.name = "sqlite";
  backend.open_fresh = [dir](std::shared_ptr<ManualClock> clock) -> std::unique_ptr<Store> {
    *dir = std::make_unique<TempDir>();
    return SqliteStore::open((*dir)->path() / "data", std::move(clock));
  };
  backend.open_second = [dir](std::shared_ptr<ManualClock> clock) -> std::unique_ptr<Store> {
    if (!*dir) throw std::logic_error("open_second before open_fresh");
    return SqliteStore::open((*dir)->path() / "data", std::move(clock));
  };
  backend.end_case = [dir] { dir->reset(); };
  return backend;
}

const RegisterBackend kRegistered(sqlite_backend());

}  // namespace
