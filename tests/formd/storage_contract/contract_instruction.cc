// Storage contract: instruction (InstructionRepository): one state change
// is one unit (state, data, event, habilitation, outbox) or nothing; the
// reads of habilitations and history; the outbox's schedule.
#include <optional>
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;
using H = formd::domain::HabilitationState;

FORMD_CONTRACT_CASE("approving writes the state, a habilitation, the event and the outbox together") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto r = submitted_request(store, applicant, kSiretA, R"({"intitule":"V1"})");
  REQUIRE(r.state == S::Submitted);

  clock.advance(60);
  const auto result = store.change_state(approve(r, instructor.id));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  REQUIRE(result.request->state == S::Validated);
  REQUIRE(result.request->version == r.version + 1);
  REQUIRE(result.request->updated_at == kStartTime + 60);
  REQUIRE(result.request->data_json == R"({"intitule":"V1"})");  // no new data: kept
  REQUIRE(result.request->submitted_at == r.submitted_at);
  REQUIRE(result.habilitation);
  CHECK(result.habilitation->id > 0);
  CHECK(result.habilitation->request_id == r.id);
  CHECK(result.habilitation->state == H::Active);
  CHECK(result.habilitation->data_json == R"({"intitule":"V1"})");
  CHECK(result.habilitation->form_uid == r.form_uid);
  CHECK(result.habilitation->definition_id == r.definition_id);
  CHECK(result.habilitation->definition_hash == r.definition_hash);
  CHECK(result.habilitation->applicant_user_id == applicant.id);
  CHECK(result.habilitation->organization_siret == kSiretA);
  CHECK(result.habilitation->created_at == kStartTime + 60);

  const auto found = store.find_habilitation(result.habilitation->id);
  REQUIRE(found);
  CHECK(found->request_id == r.id);
  CHECK(found->state == H::Active);
  CHECK(found->data_json == result.habilitation->data_json);
  CHECK(found->applicant_user_id == applicant.id);
  CHECK(found->created_at == kStartTime + 60);
  REQUIRE(store.find_request_by_id(r.id)->state == S::Validated);
  REQUIRE(store.find_request(r.id, kSiretA)->version == r.version + 1);

  const auto events = store.events_of(r.id);
  REQUIRE(events.size() == 3);  // newest first
  CHECK(events[0].name == "approve");
  CHECK(events[0].user_id == instructor.id);
  CHECK(events[0].habilitation_id == result.habilitation->id);
  CHECK(events[0].created_at == kStartTime + 60);
  CHECK_FALSE(events[0].reason);
  CHECK_FALSE(events[0].changes_json);
  CHECK(events[1].name == "submit");
  CHECK_FALSE(events[1].habilitation_id);
  CHECK(events[2].name == "create");

  const auto due = store.due_outbox(10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].kind == "email");
  CHECK(due[0].payload_json == R"({"to":["a@example.fr"],"template":"approve"})");
  CHECK(due[0].attempts == 0);
  store.mark_outbox_sent(due[0].id);
  CHECK(store.due_outbox(10).empty());
  clock.advance(3600);
  CHECK(store.due_outbox(10).empty());  // sent is sent
}

FORMD_CONTRACT_CASE("a refused state change writes nothing at all") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  const std::string before = footprint(store, r.id);
  clock.advance(60);

  auto stale = approve(r, applicant.id);
  stale.expected_version = r.version - 1;
  const auto stale_result = store.change_state(stale);
  CHECK(stale_result.outcome == WriteOutcome::Stale);
  REQUIRE(stale_result.request);  // as it is now
  CHECK(stale_result.request->version == r.version);
  CHECK(stale_result.request->state == S::Submitted);
  CHECK_FALSE(stale_result.habilitation);

  auto future = approve(r, applicant.id);
  future.expected_version = r.version + 1;
  CHECK(store.change_state(future).outcome == WriteOutcome::Stale);

  auto wrong = approve(r, applicant.id);
  wrong.from = S::Draft;
  const auto wrong_result = store.change_state(wrong);
  CHECK(wrong_result.outcome == WriteOutcome::WrongState);
  REQUIRE(wrong_result.request);
  CHECK(wrong_result.request->state == S::Submitted);
  CHECK(wrong_result.request->version == r.version);
  CHECK_FALSE(wrong_result.habilitation);
  // The state is checked before the version.
  auto wrong_and_stale = wrong;
  wrong_and_stale.expected_version = r.version - 1;
  CHECK(store.change_state(wrong_and_stale).outcome == WriteOutcome::WrongState);

  auto missing = approve(r, applicant.id);
  missing.request_id = 424242;
  const auto missing_result = store.change_state(missing);
  CHECK(missing_result.outcome == WriteOutcome::NotFound);
  CHECK_FALSE(missing_result.request);
  CHECK_FALSE(missing_result.habilitation);

  CHECK(footprint(store, r.id) == before);
  CHECK(store.find_request_by_id(r.id)->state == S::Submitted);
  CHECK(store.habilitations_of_organization(kSiretA).empty());
}

FORMD_CONTRACT_CASE("a state change that fails midway rolls back the state, the habilitation and the history") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  const auto first = store.change_state(approve(r, applicant.id));
  REQUIRE(first.outcome == WriteOutcome::Ok);
  store.mark_outbox_sent(store.due_outbox(10).at(0).id);
  // Reopened: an approval now would make the first habilitation obsolete.
  r = *store.change_state(state_change(*first.request, S::Submitted, "submit", applicant.id)).request;
  const std::string before = footprint(store, r.id);
  clock.advance(60);

  // An outbox payload that is not JSON: refused after the state, the
  // habilitations and the event were written.
  auto broken_outbox = approve(r, applicant.id);
  broken_outbox.data_json = R"({"a":"new"})";
  broken_outbox.outbox.push_back({"email", "not json"});
  CHECK_THROWS_AS(store.change_state(broken_outbox), StorageError);
  CHECK(footprint(store, r.id) == before);

  // An actor that is no user: refused when the event is written, after the state and the habilitations.
  auto unknown_actor = approve(r, 424242);
  unknown_actor.data_json = R"({"a":"new"})";
  CHECK_THROWS_AS(store.change_state(unknown_actor), StorageError);
  CHECK(footprint(store, r.id) == before);

  // Changes that are not JSON.
  auto broken_changes = state_change(r, S::Validated, "approve", applicant.id);
  broken_changes.changes_json = "[{";
  CHECK_THROWS_AS(store.change_state(broken_changes), StorageError);
  CHECK(footprint(store, r.id) == before);

  const auto habilitations = store.habilitations_of(r.id);
  REQUIRE(habilitations.size() == 1);
  CHECK(habilitations[0].state == H::Active);  // not made obsolete by the undone approval
  CHECK(store.find_request_by_id(r.id)->state == S::Submitted);
  CHECK(store.due_outbox(10).empty());
  // The store is still usable.
  const auto again = store.change_state(approve(r, applicant.id));
  REQUIRE(again.outcome == WriteOutcome::Ok);
  CHECK(again.request->version == r.version + 1);
}

FORMD_CONTRACT_CASE("an approved update makes the earlier habilitations obsolete, and reasons are kept") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  const auto first = store.change_state(approve(r, applicant.id));
  r = *first.request;
  // Reopened (back to draft), resubmitted with new data, changes asked, then approved again.
  r = *store.change_state(state_change(r, S::Draft, "reopen", applicant.id)).request;
  CHECK(r.state == S::Draft);
  auto resubmit = state_change(r, S::Submitted, "submit", applicant.id);
  resubmit.data_json = R"({"a":2})";
  resubmit.changes_json = R"([{"field":"a","label":"A","from":1,"to":2}])";
  r = *store.change_state(resubmit).request;
  CHECK(r.data_json == R"({"a":2})");
  auto changes = state_change(r, S::ChangesRequested, "request_changes", applicant.id);
  changes.reason = "Précisez le cadre juridique.";
  r = *store.change_state(changes).request;
  const auto second = store.change_state(approve(r, applicant.id));
  REQUIRE(second.outcome == WriteOutcome::Ok);
  REQUIRE(second.habilitation);
  CHECK(second.habilitation->id != first.habilitation->id);

  const auto habilitations = store.habilitations_of(r.id);  // oldest first
  REQUIRE(habilitations.size() == 2);
  CHECK(habilitations[0].id == first.habilitation->id);
  CHECK(habilitations[0].state == H::Obsolete);
  CHECK(habilitations[0].data_json == R"({"a":1})");  // the old data stays
  CHECK(habilitations[1].id == second.habilitation->id);
  CHECK(habilitations[1].state == H::Active);
  CHECK(habilitations[1].data_json == R"({"a":2})");
  CHECK(store.find_habilitation(first.habilitation->id)->state == H::Obsolete);
  const auto events = store.events_of(r.id);
  REQUIRE(events.size() == 7);
  CHECK(events[0].name == "approve");
  CHECK(events[0].habilitation_id == second.habilitation->id);
  CHECK(events[1].name == "request_changes");
  CHECK(events[1].reason == "Précisez le cadre juridique.");
  CHECK_FALSE(events[1].changes_json);
  CHECK(events[2].name == "submit");
  CHECK(events[2].changes_json == R"([{"field":"a","label":"A","from":1,"to":2}])");
  CHECK_FALSE(events[2].reason);
  CHECK(events[3].name == "reopen");
  CHECK(events[4].habilitation_id == first.habilitation->id);
}

FORMD_CONTRACT_CASE("a state change without data or habilitation keeps the data and issues nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  const auto r = submitted_request(store, applicant, kSiretA, R"({"a":"kept"})");
  clock.advance(60);
  auto refuse = state_change(r, S::Refused, "refuse", instructor.id);
  refuse.reason = "Hors du cadre.";
  refuse.outbox = {{"email", R"({"template":"refuse"})"}, {"email", R"({"template":"refuse-copy"})"}};
  const auto result = store.change_state(refuse);
  REQUIRE(result.outcome == WriteOutcome::Ok);
  CHECK_FALSE(result.habilitation);
  CHECK(result.request->state == S::Refused);
  CHECK(result.request->data_json == R"({"a":"kept"})");
  CHECK(result.request->version == r.version + 1);
  CHECK(result.request->updated_at == kStartTime + 60);
  CHECK(result.request->submitted_at == r.submitted_at);  // only a move to Submitted sets it
  CHECK(store.habilitations_of(r.id).empty());
  const auto events = store.events_of(r.id);
  REQUIRE(events.size() == 3);
  CHECK(events[0].name == "refuse");
  CHECK(events[0].reason == "Hors du cadre.");
  CHECK(events[0].user_id == instructor.id);
  CHECK_FALSE(events[0].habilitation_id);
  // Both messages, in their order.
  const auto due = store.due_outbox(10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].payload_json == R"({"template":"refuse"})");
  CHECK(due[1].payload_json == R"({"template":"refuse-copy"})");
  CHECK(due[0].id != due[1].id);
  // A system change: no actor.
  const auto archived = store.change_state(state_change(*result.request, S::Archived, "archive"));
  REQUIRE(archived.outcome == WriteOutcome::Ok);
  CHECK_FALSE(store.events_of(r.id)[0].user_id);
}

FORMD_CONTRACT_CASE("a move to submitted by state change records when and what was submitted") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA, R"({"a":1})");
  r = *store.change_state(state_change(r, S::ChangesRequested, "request_changes")).request;
  clock.advance(100);
  auto resubmit = state_change(r, S::Submitted, "submit", applicant.id);
  resubmit.data_json = R"({"a":2})";
  const auto with_data = store.change_state(resubmit);
  REQUIRE(with_data.outcome == WriteOutcome::Ok);
  CHECK(with_data.request->submitted_at == kStartTime + 100);
  CHECK(with_data.request->submitted_data_json == R"({"a":2})");
  CHECK(with_data.request->data_json == R"({"a":2})");

  // Without new data: the data it has is what is submitted.
  r = *store.change_state(state_change(*with_data.request, S::ChangesRequested, "request_changes")).request;
  REQUIRE(store.update_draft(r.id, kSiretA, r.version, R"({"a":3})", applicant.id).outcome == WriteOutcome::Ok);
  r = *store.find_request_by_id(r.id);
  CHECK(r.submitted_data_json == R"({"a":2})");
  clock.advance(100);
  const auto without_data = store.change_state(state_change(r, S::Submitted, "submit", applicant.id));
  REQUIRE(without_data.outcome == WriteOutcome::Ok);
  CHECK(without_data.request->submitted_at == kStartTime + 200);
  CHECK(without_data.request->submitted_data_json == R"({"a":3})");
  CHECK(store.find_request(r.id, kSiretA)->submitted_data_json == R"({"a":3})");
}

FORMD_CONTRACT_CASE("every DataPass state can be stored and read back") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = store.create_request(new_request(applicant.id, kSiretA));
  for (const auto state : formd::domain::kAllRequestStates) {
    INFO(formd::domain::to_string(state));
    // The domain decides which moves are allowed; the store applies any.
    const auto result = store.change_state(state_change(r, state, "submit"));
    REQUIRE(result.outcome == WriteOutcome::Ok);
    REQUIRE(result.request->state == state);
    REQUIRE(store.find_request(r.id, kSiretA)->state == state);
    REQUIRE(store.find_request_by_id(r.id)->state == state);
    REQUIRE(store.list_requests(kSiretA).at(0).state == state);
    r = *result.request;
  }
}

FORMD_CONTRACT_CASE("find_request_by_id finds a request of any organisation, and only what exists") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto b = store.upsert_user("b@example.fr", "B", kSiretB);
  const auto ra = store.create_request(new_request(a.id, kSiretA));
  const auto rb = store.create_request(new_request(b.id, kSiretB, R"({"b":true})"));
  const auto found_a = store.find_request_by_id(ra.id);
  const auto found_b = store.find_request_by_id(rb.id);
  REQUIRE(found_a);
  REQUIRE(found_b);
  CHECK(found_a->organization_siret == kSiretA);
  CHECK(found_b->organization_siret == kSiretB);
  CHECK(found_b->data_json == R"({"b":true})");
  CHECK(found_b->user_id == b.id);
  CHECK(found_b->version == 1);
  CHECK(found_b->created_at == rb.created_at);
  CHECK_FALSE(store.find_request_by_id(ra.id + rb.id + 100));
  CHECK_FALSE(store.find_request_by_id(0));
  CHECK_FALSE(store.find_request_by_id(-1));
}

FORMD_CONTRACT_CASE("the history and habilitations of an unknown request are empty, an unknown habilitation is not found") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto approved = store.change_state(approve(r, applicant.id));
  REQUIRE(approved.habilitation);
  CHECK(store.events_of(r.id + 100).empty());
  CHECK(store.habilitations_of(r.id + 100).empty());
  CHECK_FALSE(store.find_habilitation(approved.habilitation->id + 100));
  CHECK(store.habilitations_of(r.id).size() == 1);
  // A request never approved has none.
  const auto draft = store.create_request(new_request(applicant.id, kSiretA));
  CHECK(store.habilitations_of(draft.id).empty());
  CHECK(store.events_of(draft.id).size() == 1);
}

FORMD_CONTRACT_CASE("habilitations_of_organization lists one organisation's habilitations, newest first") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto b = store.upsert_user("b@example.fr", "B", kSiretB);
  auto r1 = submitted_request(store, a, kSiretA, R"({"n":1})");
  auto rb = submitted_request(store, b, kSiretB, R"({"n":2})");
  auto r2 = submitted_request(store, a, kSiretA, R"({"n":3})");
  const auto h1 = store.change_state(approve(r1, a.id));
  const auto hb = store.change_state(approve(rb, b.id));
  const auto h2 = store.change_state(approve(r2, a.id));
  // r1 approved again: its first habilitation is obsolete, still listed.
  r1 = *store.change_state(state_change(*h1.request, S::Submitted, "submit")).request;
  const auto h3 = store.change_state(approve(r1, a.id));

  const auto of_a = store.habilitations_of_organization(kSiretA);
  REQUIRE(of_a.size() == 3);
  CHECK(of_a[0].id == h3.habilitation->id);
  CHECK(of_a[0].state == H::Active);
  CHECK(of_a[1].id == h2.habilitation->id);
  CHECK(of_a[2].id == h1.habilitation->id);
  CHECK(of_a[2].state == H::Obsolete);
  CHECK(of_a[2].data_json == R"({"n":1})");
  for (const auto& h : of_a) CHECK(h.organization_siret == kSiretA);
  const auto of_b = store.habilitations_of_organization(kSiretB);
  REQUIRE(of_b.size() == 1);
  CHECK(of_b[0].id == hb.habilitation->id);
  CHECK(of_b[0].request_id == rb.id);
  CHECK(store.habilitations_of_organization("33333333333333").empty());
}

// ---- Outbox ------------------------------------------------------------------------

FORMD_CONTRACT_CASE("outbox messages wait for their next attempt and can be given up") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  store.change_state(approve(r, applicant.id));
  const auto due = store.due_outbox(10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].attempts == 0);
  store.mark_outbox_failed(due[0].id, clock.now() + 30);
  CHECK(store.due_outbox(10).empty());
  clock.advance(29);
  CHECK(store.due_outbox(10).empty());
  clock.advance(1);
  REQUIRE(store.due_outbox(10).size() == 1);
  CHECK(store.due_outbox(10)[0].attempts == 1);
  CHECK(store.due_outbox(10)[0].id == due[0].id);
  CHECK(store.due_outbox(10)[0].payload_json == due[0].payload_json);
  store.mark_outbox_failed(due[0].id, clock.now() + 60);
  clock.advance(60);
  REQUIRE(store.due_outbox(10).size() == 1);
  CHECK(store.due_outbox(10)[0].attempts == 2);
  store.mark_outbox_failed(due[0].id, std::nullopt);
  CHECK(store.due_outbox(10).empty());
  clock.advance(3600);
  CHECK(store.due_outbox(10).empty());
}

FORMD_CONTRACT_CASE("due_outbox gives at most limit messages, oldest first, and a sent one never again") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r1 = submitted_request(store, applicant, kSiretA);
  auto r2 = submitted_request(store, applicant, kSiretA);
  auto first = approve(r1, applicant.id);
  first.outbox = {{"email", R"({"n":1})"}, {"email", R"({"n":2})"}};
  REQUIRE(store.change_state(first).outcome == WriteOutcome::Ok);
  clock.advance(10);
  auto second = approve(r2, applicant.id);
  second.outbox = {{"email", R"({"n":3})"}};
  REQUIRE(store.change_state(second).outcome == WriteOutcome::Ok);

  const auto two = store.due_outbox(2);
  REQUIRE(two.size() == 2);
  CHECK(two[0].payload_json == R"({"n":1})");
  CHECK(two[1].payload_json == R"({"n":2})");
  CHECK(store.due_outbox(0).empty());
  const auto all = store.due_outbox(10);
  REQUIRE(all.size() == 3);
  CHECK(all[2].payload_json == R"({"n":3})");

  // A message rescheduled goes behind none: order is by age, not by schedule.
  store.mark_outbox_failed(all[0].id, clock.now());
  store.mark_outbox_sent(all[1].id);
  store.mark_outbox_sent(all[1].id);  // twice: no error
  const auto left = store.due_outbox(10);
  REQUIRE(left.size() == 2);
  CHECK(left[0].id == all[0].id);
  CHECK(left[0].attempts == 1);
  CHECK(left[1].id == all[2].id);
  clock.advance(3600);
  CHECK(store.due_outbox(10).size() == 2);
  // A message that failed, then was sent, is not due any more.
  store.mark_outbox_sent(all[0].id);
  REQUIRE(store.due_outbox(10).size() == 1);
  CHECK(store.due_outbox(10)[0].id == all[2].id);
}

FORMD_CONTRACT_CASE("outbox messages are queued at the time of their change") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  auto r = submitted_request(store, applicant, kSiretA);
  clock.advance(500);
  store.change_state(approve(r, applicant.id));
  // Due at once, whatever the clock did before the change.
  REQUIRE(store.due_outbox(10).size() == 1);
  const auto id = store.due_outbox(10)[0].id;
  // A retry planned in the past is due at once.
  store.mark_outbox_failed(id, clock.now() - 100);
  REQUIRE(store.due_outbox(10).size() == 1);
  CHECK(store.due_outbox(10)[0].attempts == 1);
}
