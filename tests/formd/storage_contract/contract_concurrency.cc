// Storage contract: concurrency. Every method may be called from several
// threads at once (repository.h); concurrent writes of one version let
// exactly one win, on one store and across two stores on one database.
// Threads only record outcomes: the assertions run afterwards, on the
// case's thread.
#include <algorithm>
#include <exception>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;

namespace {

// Runs `work(i)` on `count` threads released at once. What a thread
// throws (a StorageError) fails the case once every thread is done,
// instead of terminating the test program.
template <typename Work>
void race(int count, Work work) {
  std::latch start(count);
  std::mutex mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        work(i);
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        errors.push_back("thread " + std::to_string(i) + ": " + e.what());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) UNSCOPED_INFO(error);
  REQUIRE(errors.empty());
}

// Every thread writes the same draft based on version 1; `store_for(i)`
// picks the store thread i uses.
template <typename StoreFor>
std::vector<WriteOutcome> race_on_one_draft(StoreFor store_for, std::int64_t id, int threads_count) {
  std::vector<WriteOutcome> outcomes(static_cast<std::size_t>(threads_count), WriteOutcome::NotFound);
  race(threads_count, [&](int i) {
    const std::string data = R"({"writer":)" + std::to_string(i) + "}";
    outcomes[static_cast<std::size_t>(i)] = store_for(i).update_draft(id, kSiretA, 1, data, std::nullopt).outcome;
  });
  return outcomes;
}

std::size_t count_events(Store& store, std::int64_t request_id, const std::string& name) {
  const auto events = store.events_of(request_id);
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](const RequestEvent& e) { return e.name == name; }));
}

}  // namespace

FORMD_CONTRACT_CASE("concurrent updates of one version: exactly one wins, the others are Stale") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));

  constexpr int kThreads = 16;
  const auto outcomes = race_on_one_draft([&](int) -> Store& { return store; }, created.id, kThreads);

  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) == 1);
  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Stale) == kThreads - 1);
  const auto winner = static_cast<int>(std::find(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) - outcomes.begin());
  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found->version == 2);
  REQUIRE(found->data_json == R"({"writer":)" + std::to_string(winner) + "}");
  REQUIRE(count_events(store, created.id, "update") == 1);
}

FORMD_CONTRACT_CASE("concurrent approvals of one request: exactly one wins, one habilitation, one message") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);

  constexpr int kThreads = 12;
  std::vector<StateChangeResult> results(kThreads);
  race(kThreads, [&](int i) { results[static_cast<std::size_t>(i)] = store.change_state(approve(r, applicant.id)); });

  int ok = 0, wrong_state = 0;
  for (const auto& result : results) {
    if (result.outcome == WriteOutcome::Ok) ++ok;
    // Once approved, the others find it no longer Submitted.
    if (result.outcome == WriteOutcome::WrongState) {
      ++wrong_state;
      CHECK(result.request->state == S::Validated);
      CHECK_FALSE(result.habilitation);
    }
  }
  REQUIRE(ok == 1);
  REQUIRE(wrong_state == kThreads - 1);
  REQUIRE(store.find_request_by_id(r.id)->version == r.version + 1);
  REQUIRE(store.habilitations_of(r.id).size() == 1);
  REQUIRE(count_events(store, r.id, "approve") == 1);
  REQUIRE(store.due_outbox(100).size() == 1);
}

FORMD_CONTRACT_CASE("concurrent transfers of one request: exactly one wins, one event, its messages only") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  r = *store.change_state(approve(r, applicant.id)).request;
  store.mark_outbox_sent(store.due_outbox(10).at(0).id);
  constexpr int kThreads = 8;
  std::vector<User> colleagues;
  for (int i = 0; i < kThreads; ++i) {
    colleagues.push_back(store.upsert_user("c" + std::to_string(i) + "@example.fr", "C", kSiretA));
  }
  std::vector<StateChangeResult> results(kThreads);
  race(kThreads, [&](int i) {
    Transfer t;
    t.request_id = r.id;
    t.state = r.state;
    t.from_user_id = applicant.id;
    t.from_organization_siret = kSiretA;
    t.to_user_id = colleagues[static_cast<std::size_t>(i)].id;
    t.to_organization_siret = kSiretA;
    t.actor_user_id = t.to_user_id;
    t.outbox = {{"email", R"({"winner":)" + std::to_string(i) + "}"}};
    results[static_cast<std::size_t>(i)] = store.transfer_request(t);
  });
  int ok = 0, stale = 0, winner = -1;
  for (int i = 0; i < kThreads; ++i) {
    const auto& result = results[static_cast<std::size_t>(i)];
    if (result.outcome == WriteOutcome::Ok) ++ok, winner = i;
    if (result.outcome == WriteOutcome::Stale) ++stale;  // the applicant changed under them
  }
  REQUIRE(ok == 1);
  REQUIRE(stale == kThreads - 1);
  const auto found = store.find_request_by_id(r.id);
  REQUIRE(found->user_id == colleagues[static_cast<std::size_t>(winner)].id);
  REQUIRE(found->version == r.version + 1);
  REQUIRE(store.habilitations_of(r.id).at(0).applicant_user_id == found->user_id);
  REQUIRE(count_events(store, r.id, "transfer") == 1);
  const auto due = store.due_outbox(100);
  REQUIRE(due.size() == 1);
  REQUIRE(due[0].payload_json == R"({"winner":)" + std::to_string(winner) + "}");
}

FORMD_CONTRACT_CASE("a transfer racing edits of an update loses nothing: every edit that succeeded is kept") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto colleague = store.upsert_user("c@example.fr", "C", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  const auto approved = store.change_state(approve(r, applicant.id));
  auto reopen = state_change(*approved.request, S::Draft, "reopen", applicant.id);
  reopen.start_reopening = true;
  reopen.habilitation_id = approved.habilitation->id;
  r = *store.change_state(reopen).request;

  // Thread 0 transfers; the others edit, each based on the version it read last, retrying when Stale.
  constexpr int kThreads = 6;
  std::vector<int> kept(kThreads, 0);
  StateChangeResult transferred;
  race(kThreads, [&](int i) {
    if (i == 0) {
      Transfer t;
      t.request_id = r.id;
      t.state = S::Draft;
      t.from_user_id = applicant.id;
      t.from_organization_siret = kSiretA;
      t.to_user_id = colleague.id;
      t.to_organization_siret = kSiretA;
      t.actor_user_id = colleague.id;
      transferred = store.transfer_request(t);
      return;
    }
    for (int attempt = 0; attempt < 50; ++attempt) {
      const auto current = store.find_request_by_id(r.id);
      const std::string data = R"({"a":1,"edit":)" + std::to_string(i) + "}";
      if (store.update_draft(r.id, kSiretA, current->version, data, applicant.id).outcome == WriteOutcome::Ok) {
        kept[static_cast<std::size_t>(i)] = 1;
        return;
      }
    }
  });
  REQUIRE(transferred.outcome == WriteOutcome::Ok);
  const auto found = store.find_request_by_id(r.id);
  REQUIRE(found->user_id == colleague.id);
  REQUIRE(found->state == S::Draft);
  REQUIRE(found->reopening());
  // Every write is in the history, once: the transfer and each edit that succeeded.
  const auto succeeded = static_cast<std::size_t>(std::count(kept.begin(), kept.end(), 1));
  REQUIRE(count_events(store, r.id, "transfer") == 1);
  REQUIRE(count_events(store, r.id, "update") == succeeded);
  REQUIRE(found->version == r.version + 1 + static_cast<std::int64_t>(succeeded));
  REQUIRE(store.habilitations_of(r.id).at(0).state == formd::domain::HabilitationState::Active);
}

FORMD_CONTRACT_CASE("concurrent first uses agree: one server secret, one user per email, one grant") {
  constexpr int kThreads = 12;
  std::vector<std::string> secrets(kThreads);
  std::vector<std::int64_t> user_ids(kThreads);
  race(kThreads, [&](int i) {
    const auto index = static_cast<std::size_t>(i);
    secrets[index] = store.server_secret("login", "candidate-" + std::to_string(i));
    user_ids[index] = store.ensure_user("same@example.fr").id;
  });
  REQUIRE(std::set<std::string>(secrets.begin(), secrets.end()).size() == 1);
  REQUIRE(secrets[0].rfind("candidate-", 0) == 0);
  REQUIRE(store.server_secret("login", "late") == secrets[0]);
  REQUIRE(std::set<std::int64_t>(user_ids.begin(), user_ids.end()).size() == 1);
  REQUIRE(store.find_user_by_email("same@example.fr")->id == user_ids[0]);

  std::vector<char> granted(kThreads, 0);
  race(kThreads, [&](int i) { granted[static_cast<std::size_t>(i)] = store.grant_role(user_ids[0], "admin") ? 1 : 0; });
  REQUIRE(std::count(granted.begin(), granted.end(), 1) == 1);
  REQUIRE(store.roles_of(user_ids[0]) == std::vector<std::string>{"admin"});
}

FORMD_CONTRACT_CASE("concurrent creations each get their own request and history") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  constexpr int kThreads = 10;
  std::vector<std::int64_t> ids(kThreads);
  race(kThreads, [&](int i) {
    ids[static_cast<std::size_t>(i)] =
        store.create_request(new_request(user.id, kSiretA, R"({"n":)" + std::to_string(i) + "}")).id;
  });
  REQUIRE(std::set<std::int64_t>(ids.begin(), ids.end()).size() == kThreads);
  REQUIRE(store.list_requests(kSiretA).size() == kThreads);
  for (int i = 0; i < kThreads; ++i) {
    const auto id = ids[static_cast<std::size_t>(i)];
    REQUIRE(store.find_request(id, kSiretA)->data_json == R"({"n":)" + std::to_string(i) + "}");
    REQUIRE(store.events_of(id).size() == 1);
  }
}

// ---- Two stores on one database (two formd processes) ----------------------------

FORMD_CONTRACT_CROSS_CONNECTION_CASE("two stores on one database (two processes) also let exactly one update win") {
  auto second = database.open_second();
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));
  REQUIRE(second->find_request(created.id, kSiretA));

  constexpr int kThreads = 12;
  const auto outcomes = race_on_one_draft(
      [&](int i) -> Store& { return i % 2 == 0 ? store : *second; }, created.id, kThreads);

  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Ok) == 1);
  REQUIRE(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::Stale) == kThreads - 1);
  REQUIRE(store.find_request(created.id, kSiretA)->version == 2);
  REQUIRE(second->find_request(created.id, kSiretA)->version == 2);
  REQUIRE(count_events(*second, created.id, "update") == 1);
}

FORMD_CONTRACT_CROSS_CONNECTION_CASE("a write through one store is seen by the other, whose old version is then Stale") {
  auto second = database.open_second();
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto seen = second->find_request_by_id(r.id);
  REQUIRE(seen);
  REQUIRE(seen->version == r.version);

  const auto approved = store.change_state(approve(r, applicant.id));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  // The other store, based on what it read before, is refused.
  auto late = state_change(*seen, S::Refused, "refuse", applicant.id);
  const auto refused = second->change_state(late);
  REQUIRE(refused.outcome == WriteOutcome::WrongState);
  REQUIRE(refused.request->version == r.version + 1);
  late.from = S::Validated;
  REQUIRE(second->change_state(late).outcome == WriteOutcome::Stale);
  // And sees everything the change wrote.
  REQUIRE(second->find_habilitation(approved.habilitation->id));
  REQUIRE(second->events_of(r.id).at(0).name == "approve");
  REQUIRE(second->due_outbox(10).size() == 1);
  second->mark_outbox_sent(second->due_outbox(10).at(0).id);
  REQUIRE(store.due_outbox(10).empty());
  // Users and sessions too.
  const auto session = second->create_session(digest_of(1), applicant.id, 60);
  REQUIRE(store.find_session(digest_of(1))->expires_at == session.expires_at);
  REQUIRE(second->find_user_by_email("a@example.fr")->id == applicant.id);
}
