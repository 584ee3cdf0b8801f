// The storage contract: what every formd storage backend must do, written
// once against storage::Store (repository.h) and run against each backend.
//
// A backend joins with one small file (contract_sqlite.cc; PostgreSQL adds
// contract_postgres.cc) that registers a ContractBackend:
//
//   const formd::storage::contract::RegisterBackend kRegistered{{
//       .name = "postgres",
//       .open_fresh = [](std::shared_ptr<ManualClock> clock) { ... a store on a new, empty database ... },
//       .open_second = ...,  // optional
//       .end_case = ...,     // optional
//   }};
//
// and every case becomes a Catch test case named "<backend>: <case>" (ctest:
// "formd.storage_contract.<backend>: <case>"), tagged [storage_contract]
// and [<backend>]. Registration order between files does not matter: the
// cases and the backends meet in one registry whichever comes first.
//
// A case is written once, with FORMD_CONTRACT_CASE("what it shows"), and
// receives the case's store, the ManualClock the store reads (every case
// starts at kStartTime and moves time with clock.advance) and the case's
// database (open_second for cross-connection cases). Cases know no SQL and
// no backend: they observe only what the interface returns. They must not
// name a case with ';' (CTest splits names on it) and must not assert from
// other threads than the one running the case (Catch is not thread-safe).
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "storage/clock.h"
#include "storage/repository.h"

namespace formd::storage::contract {

using OpenStore = std::function<std::unique_ptr<Store>(std::shared_ptr<ManualClock>)>;

struct ContractBackend {
  // Short and tag-safe ("sqlite", "postgres"): it prefixes every case name.
  std::string name;
  // A store on a new, empty database, reading time from `clock`. Called
  // once at the start of every case.
  OpenStore open_fresh;
  // Optional: another store (another connection, as another formd process
  // would open it) on the database the case's open_fresh made. Without it
  // the cross-connection cases are not registered for this backend.
  OpenStore open_second;
  // Optional: called after every case, once every store of the case is
  // destroyed, even when the case failed (remove a temporary directory,
  // drop a PostgreSQL schema).
  std::function<void()> end_case;
};

// Registers a backend: one static object per backend file.
struct RegisterBackend {
  explicit RegisterBackend(ContractBackend backend);
};

// What a case needs of its backend besides one store.
enum class Needs { OneStore, SecondConnection };

// The database of the running case.
class Database {
 public:
  Database(const ContractBackend& backend, std::shared_ptr<ManualClock> clock)
      : backend_(backend), clock_(std::move(clock)) {}
  // Another store on this case's database, reading the same clock. Only in
  // cases registered with Needs::SecondConnection.
  [[nodiscard]] std::unique_ptr<Store> open_second() const;
  [[nodiscard]] const std::string& backend_name() const { return backend_.name; }

 private:
  const ContractBackend& backend_;
  std::shared_ptr<ManualClock> clock_;
};

using CaseBody = void (*)(Store& store, ManualClock& clock, Database& database);

// Registers a case: made by the FORMD_CONTRACT_CASE macros.
struct RegisterCase {
  RegisterCase(std::string name, Needs needs, CaseBody body, const char* file, std::size_t line);
};

// ---- Helpers shared by the cases -------------------------------------------------

// Every case's clock starts here (2027-01-15), far from 0 and from the
// real time, so that a store reading another clock shows.
inline constexpr std::int64_t kStartTime = 1'800'000'000;

inline constexpr const char* kSiretA = "11111111111111";
inline constexpr const char* kSiretB = "22222222222222";

inline NewRequest new_request(std::int64_t user_id, const std::string& siret, const std::string& data = R"({"a":1})",
                              const std::string& definition_id = "api_particulier") {
  NewRequest request;
  request.form_uid = "api-particulier";
  request.definition_id = definition_id;
  request.definition_hash = "sha256:abc";
  request.data_json = data;
  request.user_id = user_id;
  request.organization_siret = siret;
  return request;
}

// Distinct 64-hex-digit digests, as auth::digest() makes them.
inline std::string digest_of(int n) {
  std::string hex = std::to_string(n);
  return std::string(64 - hex.size(), 'd') + hex;
}

// The change an instructor's approval makes: Validated, a habilitation, one email.
inline StateChange approve(const Request& r, std::int64_t instructor) {
  StateChange c;
  c.request_id = r.id;
  c.expected_version = r.version;
  c.from = r.state;
  c.to = domain::RequestState::Validated;
  c.event = "approve";
  c.actor_user_id = instructor;
  c.issue_habilitation = true;
  c.outbox = {{"email", R"({"to":["a@example.fr"],"template":"approve"})"}};
  return c;
}

// A bare state change of `r` to `to` (no data, no habilitation, no outbox).
inline StateChange state_change(const Request& r, domain::RequestState to, std::string event,
                                std::optional<std::int64_t> actor = std::nullopt) {
  StateChange c;
  c.request_id = r.id;
  c.expected_version = r.version;
  c.from = r.state;
  c.to = to;
  c.event = std::move(event);
  c.actor_user_id = actor;
  return c;
}

// A request created and submitted by `applicant` in `siret`.
inline Request submitted_request(Store& store, const User& applicant, const std::string& siret,
                                 const std::string& data = R"({"a":1})") {
  const auto created = store.create_request(new_request(applicant.id, siret, data));
  const auto submitted = store.submit(created.id, siret, created.version, data, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  return *submitted.request;
}

// Everything the store shows of one request and of what hangs on it: equal
// before and after a refused or failed write when it wrote nothing.
std::string footprint(Store& store, std::int64_t request_id);

}  // namespace formd::storage::contract

#define FORMD_CONTRACT_CAT_(a, b) a##b
#define FORMD_CONTRACT_CAT(a, b) FORMD_CONTRACT_CAT_(a, b)

#define FORMD_CONTRACT_CASE_IMPL_(fn, needs, name)                                                               \
  static void fn(::formd::storage::Store&, ::formd::storage::ManualClock&, ::formd::storage::contract::Database&); \
  static const ::formd::storage::contract::RegisterCase FORMD_CONTRACT_CAT(fn, _registered){name, needs, &fn,     \
                                                                                             __FILE__, __LINE__};  \
  static void fn([[maybe_unused]] ::formd::storage::Store& store, [[maybe_unused]] ::formd::storage::ManualClock& clock, \
                 [[maybe_unused]] ::formd::storage::contract::Database& database)

// A case every backend runs: the body uses `store`, `clock` and `database`.
#define FORMD_CONTRACT_CASE(name) \
  FORMD_CONTRACT_CASE_IMPL_(FORMD_CONTRACT_CAT(formd_contract_case_, __COUNTER__), \
                            ::formd::storage::contract::Needs::OneStore, name)

// A case that opens a second store on the same database: run by the
// backends that give open_second.
#define FORMD_CONTRACT_CROSS_CONNECTION_CASE(name) \
  FORMD_CONTRACT_CASE_IMPL_(FORMD_CONTRACT_CAT(formd_contract_case_, __COUNTER__), \
                            ::formd::storage::contract::Needs::SecondConnection, name)
