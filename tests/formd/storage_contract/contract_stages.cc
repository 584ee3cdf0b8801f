// Storage contract: stages sandbox → production (LIFECYCLE.md §2.10).
// A state change that switches the request's form (definition and hash
// with it), next_stage_from (set when a stage starts, kept while the request
// is in draft, submitted or changes_requested, cleared by any other state),
// and obsolescence within the same stage only: a production approval leaves
// the sandbox habilitation active, a second production approval makes the
// first production one obsolete. Nothing is written when refused.
#include <optional>
#include <string>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;
using H = formd::domain::HabilitationState;

namespace {

const StateChange::FormSwitch kProduction{"api-ficoba-production", "api_ficoba", "sha256:production"};
const StateChange::FormSwitch kSandbox{"api-ficoba-sandbox", "api_ficoba_sandbox", "sha256:sandbox"};

// A sandbox request approved once: validated, its sandbox habilitation active.
struct Sandbox {
  Request request;
  Habilitation habilitation;
};

Sandbox validated_sandbox(Store& store, const User& applicant, std::int64_t instructor) {
  auto fresh = new_request(applicant.id, kSiretA, R"({"intitule":"Bac"})", kSandbox.definition_id);
  fresh.form_uid = kSandbox.form_uid;
  fresh.definition_hash = kSandbox.definition_hash;
  const auto created = store.create_request(fresh);
  const auto submitted = store.submit(created.id, kSiretA, created.version, created.data_json, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  auto approved = store.change_state(approve(*submitted.request, instructor));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  REQUIRE(approved.habilitation);
  return {*approved.request, *approved.habilitation};
}

// "Démarrer ma demande d'habilitation en production": validated → draft on the production form.
StateChange start_production(const Request& r, std::int64_t from_habilitation, std::int64_t applicant,
                             const std::string& data = R"({"intitule":"Bac"})") {
  auto c = state_change(r, S::Draft, "start_next_stage", applicant);
  c.switch_form = kProduction;
  c.start_next_stage_from = from_habilitation;
  c.habilitation_id = from_habilitation;
  c.data_json = data;
  return c;
}

}  // namespace

FORMD_CONTRACT_CASE("starting the next stage switches the form and definition of the same request and keeps its sandbox habilitation") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  CHECK_FALSE(r.next_stage_from);

  clock.advance(60);
  const auto started = store.change_state(start_production(r, sandbox.id, applicant.id, R"({"intitule":"Prod"})"));
  REQUIRE(started.outcome == WriteOutcome::Ok);
  const auto& p = *started.request;
  CHECK(p.id == r.id);
  CHECK(p.state == S::Draft);
  CHECK(p.form_uid == kProduction.form_uid);
  CHECK(p.definition_id == kProduction.definition_id);
  CHECK(p.definition_hash == kProduction.definition_hash);
  CHECK(p.data_json == R"({"intitule":"Prod"})");
  CHECK(p.next_stage_from == sandbox.id);
  CHECK_FALSE(p.reopened_at);
  CHECK(p.version == r.version + 1);
  CHECK_FALSE(started.habilitation);
  // Every read shows it.
  CHECK(store.find_request(r.id, kSiretA)->next_stage_from == sandbox.id);
  CHECK(store.find_request_by_id(r.id)->form_uid == kProduction.form_uid);
  CHECK(store.list_requests(kSiretA).at(0).next_stage_from == sandbox.id);
  // The sandbox habilitation stays active and keeps its own form; the event names it.
  const auto kept = store.find_habilitation(sandbox.id);
  CHECK(kept->state == H::Active);
  CHECK(kept->definition_id == kSandbox.definition_id);
  CHECK(kept->form_uid == kSandbox.form_uid);
  const auto events = store.events_of(r.id);
  CHECK(events.at(0).name == "start_next_stage");
  CHECK(events.at(0).user_id == applicant.id);
  CHECK(events.at(0).habilitation_id == sandbox.id);
  CHECK(store.due_outbox(100).size() == 1);  // the sandbox approval's email only
}

FORMD_CONTRACT_CASE("a stage in progress lasts through edits, submission and changes, and ends with the production approval") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  r = *store.change_state(start_production(r, sandbox.id, applicant.id)).request;

  const auto edited = store.update_draft(r.id, kSiretA, r.version, R"({"intitule":"Prod","volumetrie":200})", applicant.id);
  REQUIRE(edited.outcome == WriteOutcome::Ok);
  CHECK(edited.request->next_stage_from == sandbox.id);
  const auto submitted = store.submit(r.id, kSiretA, edited.request->version, edited.request->data_json, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  CHECK(submitted.request->next_stage_from == sandbox.id);
  const auto changes = store.change_state(state_change(*submitted.request, S::ChangesRequested, "request_changes", instructor.id));
  REQUIRE(changes.outcome == WriteOutcome::Ok);
  CHECK(changes.request->next_stage_from == sandbox.id);
  const auto again = store.submit(r.id, kSiretA, changes.request->version, changes.request->data_json, applicant.id);
  REQUIRE(again.outcome == WriteOutcome::Ok);

  const auto approved = store.change_state(approve(*again.request, instructor.id));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  CHECK(approved.request->state == S::Validated);
  CHECK_FALSE(approved.request->next_stage_from);
  CHECK(approved.request->definition_id == kProduction.definition_id);
  // Two active habilitations, one per stage, each with its own form and definition.
  REQUIRE(approved.habilitation);
  CHECK(approved.habilitation->definition_id == kProduction.definition_id);
  CHECK(approved.habilitation->form_uid == kProduction.form_uid);
  CHECK(approved.habilitation->data_json == R"({"intitule":"Prod","volumetrie":200})");
  const auto all = store.habilitations_of(r.id);
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == sandbox.id);
  CHECK(all[0].state == H::Active);
  CHECK(all[1].state == H::Active);
}

FORMD_CONTRACT_CASE("obsolescence stays within a stage: a second production approval makes the first production habilitation obsolete only") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  r = *store.change_state(start_production(r, sandbox.id, applicant.id)).request;
  r = *store.submit(r.id, kSiretA, r.version, r.data_json, applicant.id).request;
  const auto first = store.change_state(approve(r, instructor.id));
  REQUIRE(first.outcome == WriteOutcome::Ok);
  r = *first.request;

  // An update of the production habilitation, approved.
  auto reopen = state_change(r, S::Draft, "reopen", applicant.id);
  reopen.start_reopening = true;
  r = *store.change_state(reopen).request;
  r = *store.submit(r.id, kSiretA, r.version, R"({"intitule":"Prod 2"})", applicant.id).request;
  const auto second = store.change_state(approve(r, instructor.id));
  REQUIRE(second.outcome == WriteOutcome::Ok);

  CHECK(store.find_habilitation(sandbox.id)->state == H::Active);
  CHECK(store.find_habilitation(first.habilitation->id)->state == H::Obsolete);
  CHECK(store.find_habilitation(second.habilitation->id)->state == H::Active);

  // And the other way: an approval in the sandbox stage leaves production alone.
  auto back = state_change(*second.request, S::Draft, "reopen", applicant.id);
  back.start_reopening = true;
  back.switch_form = kSandbox;
  back.data_json = sandbox.data_json;
  r = *store.change_state(back).request;
  CHECK(r.definition_id == kSandbox.definition_id);
  r = *store.submit(r.id, kSiretA, r.version, R"({"intitule":"Bac 2"})", applicant.id).request;
  const auto third = store.change_state(approve(r, instructor.id));
  REQUIRE(third.outcome == WriteOutcome::Ok);
  CHECK(third.habilitation->definition_id == kSandbox.definition_id);
  CHECK(store.find_habilitation(sandbox.id)->state == H::Obsolete);
  CHECK(store.find_habilitation(second.habilitation->id)->state == H::Active);
  CHECK(store.find_habilitation(third.habilitation->id)->state == H::Active);
}

FORMD_CONTRACT_CASE("cancelling the next stage brings the sandbox form and data back and ends the stage") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  r = *store.change_state(start_production(r, sandbox.id, applicant.id, R"({"intitule":"Prod"})")).request;
  r = *store.update_draft(r.id, kSiretA, r.version, R"({"intitule":"Prod","volumetrie":50})", applicant.id).request;

  clock.advance(30);
  auto cancel = state_change(r, S::Validated, "cancel_next_stage", applicant.id);
  cancel.switch_form = StateChange::FormSwitch{sandbox.form_uid, sandbox.definition_id, sandbox.definition_hash};
  cancel.data_json = sandbox.data_json;
  cancel.habilitation_id = sandbox.id;
  const auto cancelled = store.change_state(cancel);
  REQUIRE(cancelled.outcome == WriteOutcome::Ok);
  const auto& back = *cancelled.request;
  CHECK(back.state == S::Validated);
  CHECK(back.form_uid == kSandbox.form_uid);
  CHECK(back.definition_id == kSandbox.definition_id);
  CHECK(back.definition_hash == kSandbox.definition_hash);
  CHECK(back.data_json == R"({"intitule":"Bac"})");
  CHECK_FALSE(back.next_stage_from);
  CHECK(back.updated_at == kStartTime + 30);
  CHECK_FALSE(cancelled.habilitation);
  CHECK(store.habilitations_of(r.id).size() == 1);
  CHECK(store.find_habilitation(sandbox.id)->state == H::Active);
  const auto events = store.events_of(r.id);
  CHECK(events.at(0).name == "cancel_next_stage");
  CHECK(events.at(0).habilitation_id == sandbox.id);
}

FORMD_CONTRACT_CASE("a stage change refused for its state or version writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  const auto before = footprint(store, r.id);

  auto stale = start_production(r, sandbox.id, applicant.id);
  stale.expected_version = r.version - 1;
  CHECK(store.change_state(stale).outcome == WriteOutcome::Stale);
  auto wrong = start_production(r, sandbox.id, applicant.id);
  wrong.from = S::Submitted;
  CHECK(store.change_state(wrong).outcome == WriteOutcome::WrongState);
  CHECK(footprint(store, r.id) == before);

  // A stage may not start towards a state other than draft, submitted or changes_requested.
  auto validated = start_production(r, sandbox.id, applicant.id);
  validated.to = S::Validated;
  CHECK_THROWS_AS(store.change_state(validated), StorageError);
  CHECK(footprint(store, r.id) == before);
}

FORMD_CONTRACT_CASE("a refused or revoked production request ends its stage and keeps the production form") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  auto [r, sandbox] = validated_sandbox(store, applicant, instructor.id);
  r = *store.change_state(start_production(r, sandbox.id, applicant.id)).request;
  r = *store.submit(r.id, kSiretA, r.version, r.data_json, applicant.id).request;
  const auto refused = store.change_state(state_change(r, S::Refused, "refuse", instructor.id));
  REQUIRE(refused.outcome == WriteOutcome::Ok);
  CHECK(refused.request->state == S::Refused);
  CHECK_FALSE(refused.request->next_stage_from);
  CHECK(refused.request->definition_id == kProduction.definition_id);
  CHECK(store.find_habilitation(sandbox.id)->state == H::Active);
}
