// Storage contract: life with a habilitation (LIFECYCLE.md §2.3–§2.5).
// An update's reopened_at (set when it starts, kept while the request is in
// draft, submitted or changes_requested, cleared by any other state), data
// restored by a state change, revocation of every or of one habilitation,
// and transfer_request (applicant and habilitations' owner move; state,
// data and ids stay; nothing written when refused).
#include <optional>
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;
using H = formd::domain::HabilitationState;

namespace {

// A request approved once: validated, one active habilitation.
struct Approved {
  Request request;
  Habilitation habilitation;
};

Approved approved_request(Store& store, const User& applicant, const std::string& siret, const std::string& data,
                          std::int64_t instructor) {
  const auto r = submitted_request(store, applicant, siret, data);
  auto result = store.change_state(approve(r, instructor));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  REQUIRE(result.habilitation);
  return {*result.request, *result.habilitation};
}

// The change "Mettre à jour" makes: validated → draft, the update starts.
StateChange reopen(const Request& r, std::int64_t habilitation_id, std::int64_t applicant) {
  auto c = state_change(r, S::Draft, "reopen", applicant);
  c.start_reopening = true;
  c.habilitation_id = habilitation_id;
  return c;
}

Transfer transfer_of(const Request& r, const User& to, std::optional<std::int64_t> actor) {
  Transfer t;
  t.request_id = r.id;
  t.state = r.state;
  t.from_user_id = r.user_id;
  t.from_organization_siret = r.organization_siret;
  t.to_user_id = to.id;
  t.to_organization_siret = to.organization_siret;
  t.actor_user_id = actor;
  return t;
}

}  // namespace

FORMD_CONTRACT_CASE("an update starts with reopened_at, lasts through edits, submission and changes, and ends when approved") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, first] = approved_request(store, applicant, kSiretA, R"({"a":1})", instructor.id);
  CHECK_FALSE(r.reopened_at);
  CHECK_FALSE(r.reopening());

  clock.advance(100);
  const auto reopened = store.change_state(reopen(r, first.id, applicant.id));
  REQUIRE(reopened.outcome == WriteOutcome::Ok);
  r = *reopened.request;
  CHECK(r.state == S::Draft);
  CHECK(r.reopened_at == kStartTime + 100);
  CHECK(r.reopening());
  CHECK(r.data_json == R"({"a":1})");
  CHECK_FALSE(reopened.habilitation);
  // Every read shows it.
  CHECK(store.find_request(r.id, kSiretA)->reopened_at == kStartTime + 100);
  CHECK(store.find_request_by_id(r.id)->reopened_at == kStartTime + 100);
  CHECK(store.list_requests(kSiretA).at(0).reopened_at == kStartTime + 100);
  // The habilitation stays active; the event names it.
  CHECK(store.find_habilitation(first.id)->state == H::Active);
  const auto events = store.events_of(r.id);
  CHECK(events[0].name == "reopen");
  CHECK(events[0].habilitation_id == first.id);
  CHECK(events[0].user_id == applicant.id);

  // Edited, submitted (both ways), changes asked: still the same update.
  clock.advance(10);
  REQUIRE(store.update_draft(r.id, kSiretA, r.version, R"({"a":2})", applicant.id).outcome == WriteOutcome::Ok);
  r = *store.find_request_by_id(r.id);
  CHECK(r.reopened_at == kStartTime + 100);
  const auto submitted = store.submit(r.id, kSiretA, r.version, R"({"a":2})", applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  CHECK(submitted.request->reopened_at == kStartTime + 100);
  auto changes = state_change(*submitted.request, S::ChangesRequested, "request_changes", instructor.id);
  changes.reason = "Précisez.";
  r = *store.change_state(changes).request;
  CHECK(r.reopened_at == kStartTime + 100);
  auto resubmit = state_change(r, S::Submitted, "submit", applicant.id);
  resubmit.data_json = R"({"a":3})";
  r = *store.change_state(resubmit).request;
  CHECK(r.reopened_at == kStartTime + 100);

  // Approved: a new habilitation, the first obsolete, the update over.
  const auto approved = store.change_state(approve(r, instructor.id));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  CHECK_FALSE(approved.request->reopened_at);
  CHECK_FALSE(approved.request->reopening());
  CHECK(approved.request->state == S::Validated);
  REQUIRE(approved.habilitation);
  CHECK(approved.habilitation->data_json == R"({"a":3})");
  CHECK(store.find_habilitation(first.id)->state == H::Obsolete);
  CHECK(store.find_habilitation(first.id)->data_json == R"({"a":1})");
  CHECK(store.events_of(r.id)[0].habilitation_id == approved.habilitation->id);
}

FORMD_CONTRACT_CASE("an update cancelled or refused gets the habilitation's data back and ends") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, h] = approved_request(store, applicant, kSiretA, R"({"a":1})", instructor.id);
  r = *store.change_state(reopen(r, h.id, applicant.id)).request;
  REQUIRE(store.update_draft(r.id, kSiretA, r.version, R"({"a":"changed"})", applicant.id).outcome == WriteOutcome::Ok);
  r = *store.find_request_by_id(r.id);

  // Cancelled by the applicant: validated again, with the habilitation's data.
  auto cancel = state_change(r, S::Validated, "cancel_reopening", applicant.id);
  cancel.data_json = h.data_json;
  cancel.habilitation_id = h.id;
  const auto cancelled = store.change_state(cancel);
  REQUIRE(cancelled.outcome == WriteOutcome::Ok);
  CHECK(cancelled.request->state == S::Validated);
  CHECK(cancelled.request->data_json == R"({"a":1})");
  CHECK_FALSE(cancelled.request->reopened_at);
  CHECK_FALSE(cancelled.habilitation);
  CHECK(store.habilitations_of(r.id).size() == 1);
  CHECK(store.find_habilitation(h.id)->state == H::Active);
  CHECK(store.events_of(r.id)[0].name == "cancel_reopening");
  CHECK(store.events_of(r.id)[0].habilitation_id == h.id);

  // Reopened again, sent, refused: validated (not refused), data back, nothing issued.
  clock.advance(50);
  r = *store.change_state(reopen(*cancelled.request, h.id, applicant.id)).request;
  CHECK(r.reopened_at == kStartTime + 50);
  r = *store.submit(r.id, kSiretA, r.version, R"({"a":"again"})", applicant.id).request;
  auto refuse = state_change(r, S::Validated, "refuse", instructor.id);
  refuse.reason = "Non.";
  refuse.data_json = h.data_json;
  refuse.habilitation_id = h.id;
  const auto refused = store.change_state(refuse);
  REQUIRE(refused.outcome == WriteOutcome::Ok);
  CHECK(refused.request->state == S::Validated);
  CHECK(refused.request->data_json == R"({"a":1})");
  CHECK_FALSE(refused.request->reopened_at);
  CHECK(store.find_habilitation(h.id)->state == H::Active);
  CHECK(store.habilitations_of(r.id).size() == 1);
  CHECK(store.events_of(r.id)[0].reason == "Non.");
}

FORMD_CONTRACT_CASE("an update cannot outlive draft, submitted and changes_requested: such a change writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto [r, h] = approved_request(store, applicant, kSiretA, R"({"a":1})", applicant.id);
  const std::string before = footprint(store, r.id);
  auto bad = reopen(r, h.id, applicant.id);
  bad.to = S::Refused;  // not a state an update lives in
  CHECK_THROWS_AS(store.change_state(bad), StorageError);
  CHECK(footprint(store, r.id) == before);
  // A refused reopen (stale, wrong state) writes nothing either.
  auto stale = reopen(r, h.id, applicant.id);
  stale.expected_version -= 1;
  CHECK(store.change_state(stale).outcome == WriteOutcome::Stale);
  auto wrong = reopen(r, h.id, applicant.id);
  wrong.from = S::Submitted;
  CHECK(store.change_state(wrong).outcome == WriteOutcome::WrongState);
  CHECK(footprint(store, r.id) == before);
  // Two reopens of one version: the second finds the request in draft.
  REQUIRE(store.change_state(reopen(r, h.id, applicant.id)).outcome == WriteOutcome::Ok);
  CHECK(store.change_state(reopen(r, h.id, applicant.id)).outcome == WriteOutcome::WrongState);
  // Any move out of the update's states ends it, even one that does not say so.
  r = *store.find_request_by_id(r.id);
  REQUIRE(r.reopening());
  const auto archived = store.change_state(state_change(r, S::Archived, "archive"));
  REQUIRE(archived.outcome == WriteOutcome::Ok);
  CHECK_FALSE(archived.request->reopened_at);
}

FORMD_CONTRACT_CASE("revoking a request revokes its active habilitations, obsolete ones stay obsolete") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, first] = approved_request(store, applicant, kSiretA, R"({"a":1})", instructor.id);
  r = *store.change_state(state_change(r, S::Submitted, "submit", applicant.id)).request;
  const auto second = store.change_state(approve(r, instructor.id));
  REQUIRE(second.outcome == WriteOutcome::Ok);
  r = *second.request;
  const auto other = approved_request(store, applicant, kSiretA, R"({"b":1})", instructor.id);

  clock.advance(30);
  auto revoke = state_change(r, S::Revoked, "revoke", instructor.id);
  revoke.reason = "Fin du projet.";
  revoke.revoke = StateChange::Revocation::All;
  revoke.outbox = {{"email", R"({"template":"revoke"})"}};
  const auto result = store.change_state(revoke);
  REQUIRE(result.outcome == WriteOutcome::Ok);
  CHECK(result.request->state == S::Revoked);
  CHECK_FALSE(result.habilitation);
  const auto habilitations = store.habilitations_of(r.id);
  REQUIRE(habilitations.size() == 2);
  CHECK(habilitations[0].state == H::Obsolete);
  CHECK(habilitations[1].state == H::Revoked);
  CHECK(habilitations[1].data_json == second.habilitation->data_json);
  // Another request's habilitation is untouched.
  CHECK(store.find_habilitation(other.habilitation.id)->state == H::Active);
  const auto events = store.events_of(r.id);
  CHECK(events[0].name == "revoke");
  CHECK(events[0].reason == "Fin du projet.");
  CHECK(events[0].user_id == instructor.id);
  CHECK(events[0].created_at == kStartTime + 30);
  CHECK_FALSE(events[0].habilitation_id);
  CHECK(store.due_outbox(10).back().payload_json == R"({"template":"revoke"})");
}

FORMD_CONTRACT_CASE("revoking one habilitation: only an active one of this request, else nothing is written") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, first] = approved_request(store, applicant, kSiretA, R"({"a":1})", instructor.id);
  r = *store.change_state(state_change(r, S::Submitted, "submit", applicant.id)).request;
  const auto second = store.change_state(approve(r, instructor.id));
  r = *second.request;
  const auto other = approved_request(store, applicant, kSiretA, R"({"b":1})", instructor.id);
  const std::string before = footprint(store, r.id);

  auto revoke_one = [&](std::optional<std::int64_t> id) {
    auto c = state_change(r, S::Revoked, "revoke", instructor.id);
    c.reason = "Fin.";
    c.revoke = StateChange::Revocation::One;
    c.habilitation_id = id;
    return c;
  };
  // Obsolete, another request's, unknown, unnamed: WrongState, nothing written.
  for (const auto id : {std::optional<std::int64_t>(first.id), std::optional<std::int64_t>(other.habilitation.id),
                        std::optional<std::int64_t>(second.habilitation->id + 100), std::optional<std::int64_t>()}) {
    const auto refused = store.change_state(revoke_one(id));
    CHECK(refused.outcome == WriteOutcome::WrongState);
    REQUIRE(refused.request);
    CHECK(refused.request->state == S::Validated);
  }
  CHECK(footprint(store, r.id) == before);
  CHECK(store.find_habilitation(other.habilitation.id)->state == H::Active);

  const auto result = store.change_state(revoke_one(second.habilitation->id));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  CHECK(result.request->state == S::Revoked);
  CHECK(store.find_habilitation(second.habilitation->id)->state == H::Revoked);
  CHECK(store.find_habilitation(first.id)->state == H::Obsolete);
  CHECK(store.events_of(r.id)[0].habilitation_id == second.habilitation->id);
  CHECK(store.events_of(r.id)[0].reason == "Fin.");
  // Already revoked: refused.
  auto again = revoke_one(second.habilitation->id);
  again.from = S::Revoked;
  again.expected_version = result.request->version;
  CHECK(store.change_state(again).outcome == WriteOutcome::WrongState);

  // A state change may keep the state (one habilitation among others revoked): the version moves on.
  auto [kept, kept_h] = approved_request(store, applicant, kSiretA, R"({"c":1})", instructor.id);
  auto same = state_change(kept, S::Validated, "revoke", instructor.id);
  same.revoke = StateChange::Revocation::One;
  same.habilitation_id = kept_h.id;
  const auto same_result = store.change_state(same);
  REQUIRE(same_result.outcome == WriteOutcome::Ok);
  CHECK(same_result.request->state == S::Validated);
  CHECK(same_result.request->version == kept.version + 1);
  CHECK(store.find_habilitation(kept_h.id)->state == H::Revoked);
}

FORMD_CONTRACT_CASE("a transfer moves the applicant and the habilitations' owner, and keeps ids, states and data") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto colleague = store.upsert_user("c@example.fr", "C", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, first] = approved_request(store, applicant, kSiretA, R"({"a":1})", instructor.id);
  r = *store.change_state(state_change(r, S::Submitted, "submit", applicant.id)).request;
  const auto second = store.change_state(approve(r, instructor.id));
  r = *second.request;
  // An update in progress.
  r = *store.change_state(reopen(r, second.habilitation->id, applicant.id)).request;
  REQUIRE(store.update_draft(r.id, kSiretA, r.version, R"({"a":"edit"})", applicant.id).outcome == WriteOutcome::Ok);
  r = *store.find_request_by_id(r.id);
  const auto outbox_before = store.due_outbox(100).size();

  clock.advance(40);
  auto transfer = transfer_of(r, colleague, colleague.id);
  transfer.changes_json = R"([{"field":"applicant","label":"Demandeur","from":"a@example.fr","to":"c@example.fr"}])";
  transfer.outbox = {{"email", R"({"n":1})"}, {"email", R"({"n":2})"}};
  const auto result = store.transfer_request(transfer);
  REQUIRE(result.outcome == WriteOutcome::Ok);
  REQUIRE(result.request);
  CHECK_FALSE(result.habilitation);
  const auto& t = *result.request;
  CHECK(t.id == r.id);
  CHECK(t.user_id == colleague.id);
  CHECK(t.organization_siret == kSiretA);
  CHECK(t.state == S::Draft);
  CHECK(t.reopened_at == r.reopened_at);  // the update stays in progress
  CHECK(t.data_json == R"({"a":"edit"})");
  CHECK(t.version == r.version + 1);
  CHECK(t.updated_at == kStartTime + 40);
  CHECK(t.submitted_at == r.submitted_at);
  CHECK(t.submitted_data_json == r.submitted_data_json);
  const auto habilitations = store.habilitations_of(r.id);
  REQUIRE(habilitations.size() == 2);
  CHECK(habilitations[0].id == first.id);
  CHECK(habilitations[0].state == H::Obsolete);
  CHECK(habilitations[1].id == second.habilitation->id);
  CHECK(habilitations[1].state == H::Active);
  for (const auto& h : habilitations) {
    CHECK(h.applicant_user_id == colleague.id);
    CHECK(h.organization_siret == kSiretA);
  }
  CHECK(habilitations[0].data_json == R"({"a":1})");
  const auto events = store.events_of(r.id);
  CHECK(events[0].name == "transfer");
  CHECK(events[0].user_id == colleague.id);
  CHECK(events[0].changes_json == transfer.changes_json);
  CHECK(events[0].created_at == kStartTime + 40);
  CHECK_FALSE(events[0].reason);
  CHECK_FALSE(events[0].habilitation_id);
  const auto due = store.due_outbox(100);
  REQUIRE(due.size() == outbox_before + 2);
  CHECK(due[due.size() - 2].payload_json == R"({"n":1})");
  CHECK(due.back().payload_json == R"({"n":2})");
  // The request is still found in its organisation, under its new applicant.
  CHECK(store.find_request(r.id, kSiretA)->user_id == colleague.id);
}

FORMD_CONTRACT_CASE("a transfer to another organisation moves the request and its habilitations there") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto elsewhere = store.upsert_user("b@example.fr", "B", kSiretB);
  const auto admin = store.ensure_user("admin@example.fr");
  auto [r, h] = approved_request(store, applicant, kSiretA, R"({"a":1})", admin.id);
  const auto result = store.transfer_request(transfer_of(r, elsewhere, admin.id));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  CHECK(result.request->organization_siret == kSiretB);
  CHECK(result.request->user_id == elsewhere.id);
  CHECK(result.request->state == S::Validated);
  CHECK_FALSE(store.find_request(r.id, kSiretA));
  CHECK(store.find_request(r.id, kSiretB));
  CHECK(store.list_requests(kSiretA).empty());
  CHECK(store.list_requests(kSiretB).at(0).id == r.id);
  CHECK(store.habilitations_of_organization(kSiretA).empty());
  REQUIRE(store.habilitations_of_organization(kSiretB).size() == 1);
  CHECK(store.habilitations_of_organization(kSiretB)[0].id == h.id);
  CHECK(store.find_habilitation(h.id)->state == H::Active);
  CHECK(store.events_of(r.id)[0].user_id == admin.id);
  CHECK_FALSE(store.events_of(r.id)[0].changes_json);
}

FORMD_CONTRACT_CASE("a refused transfer writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto colleague = store.upsert_user("c@example.fr", "C", kSiretA);
  auto [r, h] = approved_request(store, applicant, kSiretA, R"({"a":1})", applicant.id);
  const std::string before = footprint(store, r.id);
  clock.advance(10);

  auto missing = transfer_of(r, colleague, colleague.id);
  missing.request_id = r.id + 1000;
  const auto missing_result = store.transfer_request(missing);
  CHECK(missing_result.outcome == WriteOutcome::NotFound);
  CHECK_FALSE(missing_result.request);

  auto wrong_state = transfer_of(r, colleague, colleague.id);
  wrong_state.state = S::Submitted;
  const auto wrong_result = store.transfer_request(wrong_state);
  CHECK(wrong_result.outcome == WriteOutcome::WrongState);
  REQUIRE(wrong_result.request);
  CHECK(wrong_result.request->user_id == applicant.id);

  auto other_applicant = transfer_of(r, colleague, colleague.id);
  other_applicant.from_user_id = colleague.id;  // someone took it over meanwhile
  CHECK(store.transfer_request(other_applicant).outcome == WriteOutcome::Stale);
  auto other_organization = transfer_of(r, colleague, colleague.id);
  other_organization.from_organization_siret = kSiretB;
  CHECK(store.transfer_request(other_organization).outcome == WriteOutcome::Stale);

  // A change that fails midway (an outbox payload that is not JSON) is undone whole.
  auto broken = transfer_of(r, colleague, colleague.id);
  broken.outbox = {{"email", "not json"}};
  CHECK_THROWS_AS(store.transfer_request(broken), StorageError);
  auto unknown_target = transfer_of(r, colleague, colleague.id);
  unknown_target.to_user_id = 424242;  // no such user
  CHECK_THROWS_AS(store.transfer_request(unknown_target), StorageError);

  CHECK(footprint(store, r.id) == before);
  CHECK(store.find_habilitation(h.id)->applicant_user_id == applicant.id);
}

FORMD_CONTRACT_CASE("a transfer ignores edits made before it and refuses edits based on the version before it") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto colleague = store.upsert_user("c@example.fr", "C", kSiretA);
  auto [r, h] = approved_request(store, applicant, kSiretA, R"({"a":1})", applicant.id);
  r = *store.change_state(reopen(r, h.id, applicant.id)).request;
  // The transfer was decided on `r`; an edit lands first: the transfer still goes through.
  REQUIRE(store.update_draft(r.id, kSiretA, r.version, R"({"a":2})", applicant.id).outcome == WriteOutcome::Ok);
  const auto moved = store.transfer_request(transfer_of(r, colleague, colleague.id));
  REQUIRE(moved.outcome == WriteOutcome::Ok);
  CHECK(moved.request->data_json == R"({"a":2})");  // the edit is kept
  CHECK(moved.request->version == r.version + 2);
  // An edit based on the version before the transfer is refused.
  const auto late = store.update_draft(r.id, kSiretA, r.version + 1, R"({"a":3})", applicant.id);
  CHECK(late.outcome == WriteOutcome::Stale);
  CHECK(store.find_request_by_id(r.id)->data_json == R"({"a":2})");
}
