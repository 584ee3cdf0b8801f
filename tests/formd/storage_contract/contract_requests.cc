// Storage contract: the applicant's side of requests (RequestRepository):
// creation, tenancy, drafts with optimistic concurrency, submission, their
// history events and what a refused or failed write leaves (nothing).
#include <optional>
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;

FORMD_CONTRACT_CASE("create_request stores a draft at version 1 that its organisation finds") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  clock.advance(5);
  const auto created = store.create_request(new_request(user.id, kSiretA, R"({"intitule":"Mon projet"})"));
  REQUIRE(created.id > 0);
  REQUIRE(created.form_uid == "api-particulier");
  REQUIRE(created.definition_id == "api_particulier");
  REQUIRE(created.definition_hash == "sha256:abc");
  REQUIRE(created.state == RequestState::Draft);
  REQUIRE(created.data_json == R"({"intitule":"Mon projet"})");
  REQUIRE(created.user_id == user.id);
  REQUIRE(created.organization_siret == kSiretA);
  REQUIRE(created.version == 1);
  REQUIRE(created.created_at == kStartTime + 5);
  REQUIRE(created.updated_at == created.created_at);
  REQUIRE_FALSE(created.submitted_at);
  REQUIRE_FALSE(created.submitted_data_json);

  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found);
  REQUIRE(found->id == created.id);
  REQUIRE(found->form_uid == created.form_uid);
  REQUIRE(found->definition_id == created.definition_id);
  REQUIRE(found->definition_hash == created.definition_hash);
  REQUIRE(found->data_json == created.data_json);
  REQUIRE(found->user_id == user.id);
  REQUIRE(found->organization_siret == kSiretA);
  REQUIRE(found->version == 1);
  REQUIRE(found->state == RequestState::Draft);
  REQUIRE(found->created_at == created.created_at);
  REQUIRE(found->updated_at == created.updated_at);
  REQUIRE_FALSE(found->submitted_at);
  REQUIRE_FALSE(found->submitted_data_json);

  REQUIRE_FALSE(store.find_request(created.id + 1, kSiretA));
  const auto second = store.create_request(new_request(user.id, kSiretA));
  REQUIRE(second.id != created.id);
}

FORMD_CONTRACT_CASE("request data round-trips exactly, quotes and UTF-8 included") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const std::string data = R"({"intitule":"Zoé's \"projet\" ; DROP TABLE x; --","n":[1,2.5,null,true],"o":{}})";
  const auto created = store.create_request(new_request(user.id, kSiretA, data));
  REQUIRE(created.data_json == data);
  REQUIRE(store.find_request(created.id, kSiretA)->data_json == data);
  REQUIRE(store.update_draft(created.id, kSiretA, 1, data + " ", std::nullopt).request->data_json == data + " ");
}

FORMD_CONTRACT_CASE("a request of another organisation is not found, read or written") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));
  const std::string before = footprint(store, created.id);

  REQUIRE_FALSE(store.find_request(created.id, kSiretB));
  const WriteResult update = store.update_draft(created.id, kSiretB, 1, R"({"stolen":true})", std::nullopt);
  REQUIRE(update.outcome == WriteOutcome::NotFound);
  REQUIRE_FALSE(update.request);
  const WriteResult submit = store.submit(created.id, kSiretB, 1, R"({"stolen":true})", std::nullopt);
  REQUIRE(submit.outcome == WriteOutcome::NotFound);
  REQUIRE_FALSE(submit.request);
  REQUIRE(store.list_requests(kSiretB).empty());

  const auto unchanged = store.find_request(created.id, kSiretA);
  REQUIRE(unchanged->data_json == R"({"a":1})");
  REQUIRE(unchanged->version == 1);
  REQUIRE(unchanged->state == RequestState::Draft);
  REQUIRE(footprint(store, created.id) == before);
  // Unknown ids answer the same as another organisation's.
  REQUIRE(store.update_draft(created.id + 1000, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::NotFound);
  REQUIRE_FALSE(store.update_draft(created.id + 1000, kSiretA, 1, "{}", std::nullopt).request);
  REQUIRE(store.submit(created.id + 1000, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::NotFound);
  // The organisation is the request's, not its creator's current one.
  store.upsert_user("a@example.fr", "A", kSiretB);
  REQUIRE(store.find_request(created.id, kSiretA));
  REQUIRE_FALSE(store.find_request(created.id, kSiretB));
}

FORMD_CONTRACT_CASE("update_draft replaces the data and bumps the version") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));

  clock.advance(10);
  const WriteResult first = store.update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt);
  REQUIRE(first.outcome == WriteOutcome::Ok);
  REQUIRE(first.request);
  REQUIRE(first.request->id == created.id);
  REQUIRE(first.request->version == 2);
  REQUIRE(first.request->data_json == R"({"a":2})");
  REQUIRE(first.request->state == RequestState::Draft);
  REQUIRE(first.request->updated_at >= created.created_at);
  REQUIRE(first.request->updated_at == kStartTime + 10);
  REQUIRE(first.request->created_at == created.created_at);
  REQUIRE_FALSE(first.request->submitted_at);
  REQUIRE_FALSE(first.request->submitted_data_json);

  const WriteResult second = store.update_draft(created.id, kSiretA, 2, R"({"a":3})", user.id);
  REQUIRE(second.outcome == WriteOutcome::Ok);
  REQUIRE(second.request->version == 3);

  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found->version == 3);
  REQUIRE(found->data_json == R"({"a":3})");
  REQUIRE(found->updated_at == kStartTime + 10);
  REQUIRE(found->state == RequestState::Draft);
}

FORMD_CONTRACT_CASE("a write based on an old version is Stale and changes nothing") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));
  REQUIRE(store.update_draft(created.id, kSiretA, 1, R"({"a":"mine"})", std::nullopt).outcome == WriteOutcome::Ok);
  const std::string before = footprint(store, created.id);

  clock.advance(10);
  const WriteResult stale = store.update_draft(created.id, kSiretA, 1, R"({"a":"theirs"})", std::nullopt);
  REQUIRE(stale.outcome == WriteOutcome::Stale);
  REQUIRE(stale.request);
  REQUIRE(stale.request->version == 2);
  REQUIRE(stale.request->data_json == R"({"a":"mine"})");

  const WriteResult future = store.submit(created.id, kSiretA, 7, R"({"a":"theirs"})", std::nullopt);
  REQUIRE(future.outcome == WriteOutcome::Stale);
  REQUIRE(future.request->state == RequestState::Draft);
  REQUIRE(future.request->version == 2);

  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found->version == 2);
  REQUIRE(found->data_json == R"({"a":"mine"})");
  REQUIRE(found->state == RequestState::Draft);
  REQUIRE(found->updated_at == kStartTime);
  REQUIRE(footprint(store, created.id) == before);
}

FORMD_CONTRACT_CASE("submit moves a draft to submitted, and later writes are WrongState") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));

  clock.advance(30);
  const WriteResult submitted = store.submit(created.id, kSiretA, 1, R"({"a":"final"})", std::nullopt);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  REQUIRE(submitted.request->state == RequestState::Submitted);
  REQUIRE(submitted.request->version == 2);
  REQUIRE(submitted.request->data_json == R"({"a":"final"})");
  REQUIRE(submitted.request->submitted_at);
  REQUIRE(*submitted.request->submitted_at == submitted.request->updated_at);
  REQUIRE(*submitted.request->submitted_at == kStartTime + 30);
  REQUIRE(submitted.request->submitted_data_json == R"({"a":"final"})");
  const std::string before = footprint(store, created.id);

  clock.advance(30);
  const WriteResult update = store.update_draft(created.id, kSiretA, 2, R"({"a":"late"})", std::nullopt);
  REQUIRE(update.outcome == WriteOutcome::WrongState);
  REQUIRE(update.request);
  REQUIRE(update.request->state == RequestState::Submitted);
  REQUIRE(update.request->data_json == R"({"a":"final"})");
  // The state is checked before the version.
  REQUIRE(store.submit(created.id, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::WrongState);
  REQUIRE(store.submit(created.id, kSiretA, 2, "{}", std::nullopt).outcome == WriteOutcome::WrongState);
  REQUIRE(store.update_draft(created.id, kSiretA, 1, "{}", std::nullopt).outcome == WriteOutcome::WrongState);

  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found->state == RequestState::Submitted);
  REQUIRE(found->version == 2);
  REQUIRE(found->submitted_at == submitted.request->submitted_at);
  REQUIRE(footprint(store, created.id) == before);
}

FORMD_CONTRACT_CASE("the applicant edits and resubmits a request whose changes were asked for") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto r = submitted_request(store, applicant, kSiretA, R"({"a":1})");
  auto changes = state_change(r, S::ChangesRequested, "request_changes", instructor.id);
  changes.reason = "Précisez.";
  r = *store.change_state(changes).request;
  REQUIRE(r.state == S::ChangesRequested);
  const auto first_submission = r.submitted_at;

  clock.advance(60);
  const auto edited = store.update_draft(r.id, kSiretA, r.version, R"({"a":2})", applicant.id);
  REQUIRE(edited.outcome == WriteOutcome::Ok);
  REQUIRE(edited.request->state == S::ChangesRequested);  // editing does not submit
  REQUIRE(edited.request->data_json == R"({"a":2})");
  REQUIRE(edited.request->submitted_data_json == R"({"a":1})");  // still the data as last submitted
  REQUIRE(edited.request->submitted_at == first_submission);

  clock.advance(60);
  const auto resubmitted = store.submit(r.id, kSiretA, edited.request->version, R"({"a":3})", applicant.id);
  REQUIRE(resubmitted.outcome == WriteOutcome::Ok);
  REQUIRE(resubmitted.request->state == S::Submitted);
  REQUIRE(resubmitted.request->version == edited.request->version + 1);
  REQUIRE(resubmitted.request->data_json == R"({"a":3})");
  REQUIRE(resubmitted.request->submitted_data_json == R"({"a":3})");
  REQUIRE(resubmitted.request->submitted_at == kStartTime + 120);

  const auto events = store.events_of(r.id);
  REQUIRE(events.size() == 5);
  CHECK(events[0].name == "submit");
  CHECK(events[0].user_id == applicant.id);
  CHECK(events[1].name == "update");
  CHECK(events[2].name == "request_changes");
  CHECK(events[2].reason == "Précisez.");
}

FORMD_CONTRACT_CASE("requests past instruction are not the applicant's to write: WrongState, nothing written") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  for (const auto state : {S::Submitted, S::Validated, S::Refused, S::Archived, S::Revoked}) {
    const std::string name(formd::domain::to_string(state));
    INFO(name);
    const auto created = store.create_request(new_request(applicant.id, kSiretA));
    const auto moved = store.change_state(state_change(created, state, "submit"));
    REQUIRE(moved.outcome == WriteOutcome::Ok);
    const auto r = *moved.request;
    const std::string before = footprint(store, r.id);
    const auto update = store.update_draft(r.id, kSiretA, r.version, R"({"a":2})", applicant.id);
    REQUIRE(update.outcome == WriteOutcome::WrongState);
    REQUIRE(update.request->state == state);
    REQUIRE(update.request->version == r.version);
    const auto submit = store.submit(r.id, kSiretA, r.version, R"({"a":2})", applicant.id);
    REQUIRE(submit.outcome == WriteOutcome::WrongState);
    REQUIRE(submit.request->state == state);
    REQUIRE(footprint(store, r.id) == before);
  }
}

FORMD_CONTRACT_CASE("list_requests returns one organisation's requests, newest first") {
  const auto alice = store.upsert_user("alice@example.fr", "Alice", kSiretA);
  const auto bob = store.upsert_user("bob@example.fr", "Bob", kSiretB);
  const auto carol = store.upsert_user("carol@example.fr", "Carol", kSiretA);
  const auto a1 = store.create_request(new_request(alice.id, kSiretA));
  const auto b1 = store.create_request(new_request(bob.id, kSiretB));
  const auto a2 = store.create_request(new_request(carol.id, kSiretA));
  const auto a3 = store.create_request(new_request(alice.id, kSiretA));
  // Writing an old request does not move it up.
  clock.advance(10);
  REQUIRE(store.update_draft(a1.id, kSiretA, 1, R"({"a":9})", std::nullopt).outcome == WriteOutcome::Ok);

  const auto list_a = store.list_requests(kSiretA);
  REQUIRE(list_a.size() == 3);
  REQUIRE(list_a[0].id == a3.id);
  REQUIRE(list_a[1].id == a2.id);
  REQUIRE(list_a[2].id == a1.id);
  REQUIRE(list_a[2].version == 2);
  REQUIRE(list_a[2].data_json == R"({"a":9})");
  REQUIRE(list_a[2].updated_at == kStartTime + 10);
  REQUIRE(list_a[1].user_id == carol.id);
  REQUIRE(list_a[1].organization_siret == kSiretA);

  const auto list_b = store.list_requests(kSiretB);
  REQUIRE(list_b.size() == 1);
  REQUIRE(list_b[0].id == b1.id);
  REQUIRE(store.list_requests("33333333333333").empty());
  // Every state is listed, submitted ones included.
  REQUIRE(store.submit(a2.id, kSiretA, 1, a2.data_json, carol.id).outcome == WriteOutcome::Ok);
  REQUIRE(store.list_requests(kSiretA).size() == 3);
  REQUIRE(store.list_requests(kSiretA)[1].state == S::Submitted);
}

FORMD_CONTRACT_CASE("every request write records its event in the same transaction") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto created = store.create_request(new_request(user.id, kSiretA));
  clock.advance(10);
  REQUIRE(store.update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt).outcome == WriteOutcome::Ok);
  // Refused writes leave no event.
  REQUIRE(store.update_draft(created.id, kSiretA, 1, R"({"a":3})", std::nullopt).outcome == WriteOutcome::Stale);
  REQUIRE(store.update_draft(created.id, kSiretB, 2, R"({"a":3})", std::nullopt).outcome == WriteOutcome::NotFound);
  clock.advance(10);
  REQUIRE(store.submit(created.id, kSiretA, 2, R"({"a":4})", std::nullopt).outcome == WriteOutcome::Ok);
  REQUIRE(store.submit(created.id, kSiretA, 3, R"({"a":5})", std::nullopt).outcome == WriteOutcome::WrongState);

  const auto events = store.events_of(created.id);  // newest first
  std::vector<std::string> kinds;
  std::vector<std::optional<std::int64_t>> actors;
  std::vector<std::int64_t> times;
  for (const auto& event : events) {
    kinds.push_back(event.name);
    actors.push_back(event.user_id);
    times.push_back(event.created_at);
    CHECK_FALSE(event.reason);
    CHECK_FALSE(event.changes_json);
    CHECK_FALSE(event.habilitation_id);
  }
  REQUIRE(kinds == std::vector<std::string>{"submit", "update", "create"});
  REQUIRE(actors == std::vector<std::optional<std::int64_t>>{std::nullopt, std::nullopt, user.id});
  REQUIRE(times == std::vector<std::int64_t>{kStartTime + 20, kStartTime + 10, kStartTime});
  REQUIRE(events[0].id != events[1].id);
  REQUIRE(events[1].id != events[2].id);

  // The actor of a write is recorded when given.
  const auto other = store.create_request(new_request(user.id, kSiretA));
  const auto colleague = store.upsert_user("b@example.fr", "B", kSiretA);
  REQUIRE(store.update_draft(other.id, kSiretA, 1, "{}", colleague.id).outcome == WriteOutcome::Ok);
  REQUIRE(store.submit(other.id, kSiretA, 2, "{}", user.id).outcome == WriteOutcome::Ok);
  const auto other_events = store.events_of(other.id);
  REQUIRE(other_events.size() == 3);
  REQUIRE(other_events[0].user_id == user.id);
  REQUIRE(other_events[1].user_id == colleague.id);
  // Each request has its own history.
  REQUIRE(store.events_of(created.id).size() == 3);
}

FORMD_CONTRACT_CASE("a failing write rolls back the request and its event together") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  // The data must be JSON text: refused inside the write's transaction.
  REQUIRE_THROWS_AS(store.create_request(new_request(user.id, kSiretA, "{not json")), StorageError);
  REQUIRE(store.list_requests(kSiretA).empty());
  // The creator must be a user.
  REQUIRE_THROWS_AS(store.create_request(new_request(424242, kSiretA)), StorageError);
  REQUIRE(store.list_requests(kSiretA).empty());

  const auto created = store.create_request(new_request(user.id, kSiretA));
  const std::string before = footprint(store, created.id);
  REQUIRE_THROWS_AS(store.update_draft(created.id, kSiretA, 1, "[unclosed", std::nullopt), StorageError);
  REQUIRE_THROWS_AS(store.submit(created.id, kSiretA, 1, "[unclosed", std::nullopt), StorageError);
  // An actor that is no user fails after the request was written: the request's write is undone with it.
  REQUIRE_THROWS_AS(store.update_draft(created.id, kSiretA, 1, R"({"a":2})", 424242), StorageError);
  REQUIRE_THROWS_AS(store.submit(created.id, kSiretA, 1, R"({"a":2})", 424242), StorageError);

  // The store is still usable and nothing half-written remains.
  const auto found = store.find_request(created.id, kSiretA);
  REQUIRE(found->version == 1);
  REQUIRE(found->data_json == R"({"a":1})");
  REQUIRE(found->state == S::Draft);
  REQUIRE(store.list_requests(kSiretA).size() == 1);
  REQUIRE(store.events_of(created.id).size() == 1);
  REQUIRE(footprint(store, created.id) == before);
  REQUIRE(store.update_draft(created.id, kSiretA, 1, R"({"a":2})", std::nullopt).outcome == WriteOutcome::Ok);
}
