// The domain of formd: the lifecycle table against DATAPASS.md §3 written a
// second way (an oracle, one switch per event, from the prose), roles, and
// the policy for every kind of actor, action and state.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "domain/lifecycle.h"
#include "domain/policy.h"
#include "domain/roles.h"
#include "domain/states.h"

using namespace formd::domain;

namespace {

using S = RequestState;

// Every combination of the facts the guards read.
std::vector<RequestFacts> all_facts() {
  std::vector<RequestFacts> out;
  for (unsigned bits = 0; bits < 32; ++bits) {
    out.push_back({(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0, (bits & 16) != 0});
  }
  return out;
}

bool in(S s, std::initializer_list<S> states) {
  for (const S x : states) {
    if (x == s) return true;
  }
  return false;
}

// DATAPASS.md §3.1 and LIFECYCLE.md §2.1/§2.3/§2.5/§2.6/§2.10, as prose
// reads: what `party` doing `event` from `from` leads to.
std::optional<S> oracle(Event event, S from, const RequestFacts& f, Party party) {
  const bool applicant = party == Party::Applicant;
  switch (event) {
    case Event::Submit:
      if (!applicant) return std::nullopt;
      if (in(from, {S::Draft, S::ChangesRequested})) return S::Submitted;
      if (from == S::Refused && f.reopening) return S::Submitted;
      return std::nullopt;
    case Event::RequestChanges:
      return !applicant && from == S::Submitted ? std::optional(S::ChangesRequested) : std::nullopt;
    case Event::Approve:
      return !applicant && in(from, {S::Submitted, S::ChangesRequested}) ? std::optional(S::Validated) : std::nullopt;
    case Event::Refuse:
      if (applicant || !in(from, {S::Submitted, S::ChangesRequested})) return std::nullopt;
      return f.reopening ? S::Validated : S::Refused;
    case Event::Archive:
      if (f.has_active_habilitation) return std::nullopt;
      if (applicant) return in(from, {S::Draft, S::Refused, S::Revoked}) ? std::optional(S::Archived) : std::nullopt;
      return from == S::Draft ? std::optional(S::Archived) : std::nullopt;
    case Event::Reopen:
      return applicant && from == S::Validated && f.reopenable ? std::optional(S::Draft) : std::nullopt;
    case Event::CancelReopening:
      // The applicant until the update is sent (and again once changes are
      // asked for); an instructor at any point of the update.
      if (!f.reopening) return std::nullopt;
      if (applicant) return in(from, {S::Draft, S::ChangesRequested}) ? std::optional(S::Validated) : std::nullopt;
      return in(from, {S::Draft, S::ChangesRequested, S::Submitted}) ? std::optional(S::Validated) : std::nullopt;
    case Event::StartNextStage:
      return applicant && from == S::Validated && f.has_next_stage ? std::optional(S::Draft) : std::nullopt;
    case Event::CancelNextStage:
      // LIFECYCLE.md §2.10: the applicant on an unsubmitted or
      // changes_requested production request, an instructor on a submitted one.
      if (!f.in_later_stage) return std::nullopt;
      if (applicant) return in(from, {S::Draft, S::ChangesRequested}) ? std::optional(S::Validated) : std::nullopt;
      return from == S::Submitted ? std::optional(S::Validated) : std::nullopt;
    case Event::Revoke:
      return !applicant && from == S::Validated ? std::optional(S::Revoked) : std::nullopt;
  }
  return std::nullopt;
}

std::string describe(Event e, S s, const RequestFacts& f, Party p) {
  return std::string(to_string(e)) + " from " + std::string(to_string(s)) + " by " +
         (p == Party::Applicant ? "applicant" : "instructor") + " reopening=" + std::to_string(f.reopening) +
         " active=" + std::to_string(f.has_active_habilitation) + " reopenable=" + std::to_string(f.reopenable) +
         " next=" + std::to_string(f.has_next_stage) + " later=" + std::to_string(f.in_later_stage);
}

}  // namespace

TEST_CASE("every event from every state, for both parties and every guard, is as DataPass says", "[domain]") {
  std::size_t allowed = 0, refused = 0;
  for (const Event e : kAllEvents) {
    for (const S s : kAllRequestStates) {
      for (const auto& f : all_facts()) {
        for (const Party p : {Party::Applicant, Party::Instructor}) {
          INFO(describe(e, s, f, p));
          const auto expected = oracle(e, s, f, p);
          REQUIRE(next_state(e, s, f, p) == expected);
          (expected ? allowed : refused) += 1;
        }
      }
    }
  }
  // 10 events × 7 states × 32 fact sets × 2 parties.
  CHECK(allowed + refused == 4480);
  CHECK(allowed > 0);
}

TEST_CASE("nothing leaves archived, and refused moves only by archive or an update resubmitted", "[domain]") {
  for (const Event e : kAllEvents) {
    for (const auto& f : all_facts()) {
      CHECK_FALSE(allowed_for_someone(e, S::Archived, f));
      if (e != Event::Archive && e != Event::Submit) CHECK_FALSE(allowed_for_someone(e, S::Refused, f));
    }
  }
  // The seeds' update rules: a refused update is validated again, an approved one validated.
  RequestFacts update;
  update.reopening = true;
  update.has_active_habilitation = true;
  CHECK(next_state(Event::Refuse, S::Submitted, update, Party::Instructor) == S::Validated);
  CHECK(next_state(Event::Approve, S::Submitted, update, Party::Instructor) == S::Validated);
  CHECK(next_state(Event::Revoke, S::Draft, update, Party::Instructor) == std::nullopt);  // a reopened draft
  CHECK(next_state(Event::Archive, S::Draft, update, Party::Applicant) == std::nullopt);   // it has an active habilitation
}

TEST_CASE("states and events keep DataPass's names", "[domain]") {
  for (const S s : kAllRequestStates) CHECK(parse_request_state(to_string(s)) == s);
  for (const auto h : kAllHabilitationStates) CHECK(parse_habilitation_state(to_string(h)) == h);
  CHECK_FALSE(parse_request_state("Draft"));
  CHECK_FALSE(parse_request_state(""));
  CHECK(to_string(Event::RequestChanges) == "request_changes");
  CHECK(to_string(Event::CancelReopening) == "cancel_reopening");
  CHECK(badge_label(S::ChangesRequested) == "A modifier");
  CHECK(badge_label(S::Submitted) == "En cours d'instruction");
  CHECK(badge_label(HabilitationState::Obsolete) == "Obsolète");
}

TEST_CASE("roles are parsed exactly, with their hierarchy", "[domain][roles]") {
  const auto one = parse_role("ans:api_pro_sante_connect:instructor");
  REQUIRE(one);
  CHECK(one->provider == "ans");
  CHECK(one->definition == "api_pro_sante_connect");
  CHECK(one->kind == RoleKind::Instructor);
  CHECK(to_string(*one) == "ans:api_pro_sante_connect:instructor");
  CHECK(parse_role("ans:*:manager"));
  CHECK(parse_role("admin")->admin);
  for (const char* bad : {"", "admin:", "ans", "ans:x", "ans:x:boss", "ans:x:instructor:more", "ANS:x:reporter", "ans::reporter",
                          ":x:reporter", "ans:x y:reporter", "ans:*:", "*:x:reporter"}) {
    INFO(bad);
    CHECK_FALSE(parse_role(bad));
  }
  CHECK(implies(RoleKind::Manager, RoleKind::Instructor));
  CHECK(implies(RoleKind::Manager, RoleKind::Reporter));
  CHECK(implies(RoleKind::Instructor, RoleKind::Reporter));
  CHECK(implies(RoleKind::Developer, RoleKind::Reporter));
  CHECK_FALSE(implies(RoleKind::Reporter, RoleKind::Instructor));
  CHECK_FALSE(implies(RoleKind::Developer, RoleKind::Instructor));
  CHECK_FALSE(implies(RoleKind::Instructor, RoleKind::Manager));

  const Roles provider_wide({*parse_role("ans:*:instructor")});
  CHECK(provider_wide.has(RoleKind::Instructor, "ans", "api_pro_sante_connect"));
  CHECK(provider_wide.has(RoleKind::Reporter, "ans", "anything"));
  CHECK_FALSE(provider_wide.has(RoleKind::Manager, "ans", "api_pro_sante_connect"));
  CHECK_FALSE(provider_wide.has(RoleKind::Reporter, "dgfip", "api_pro_sante_connect"));
  const Roles admin({*parse_role("admin")});
  CHECK(admin.has(RoleKind::Manager, "dgfip", "x"));
}

namespace {

constexpr std::int64_t kApplicantId = 1;
const std::string kOrg = "21750001600019";
const std::string kOtherOrg = "13002526500013";

RequestView request_in(S state) {
  RequestView r;
  r.provider = "ans";
  r.definition_id = "api_pro_sante_connect";
  r.applicant_user_id = kApplicantId;
  r.organization_siret = kOrg;
  r.state = state;
  r.facts.has_active_habilitation = state == S::Validated;
  r.facts.reopenable = state == S::Validated;
  return r;
}

Actor actor(std::int64_t id, const std::string& siret, std::vector<std::string> roles = {}) {
  std::vector<Role> parsed;
  for (const auto& r : roles) parsed.push_back(*parse_role(r));
  return Actor{id, siret, Roles(std::move(parsed))};
}

constexpr Action kAllActions[] = {
    Action::View,           Action::Edit,           Action::Submit,         Action::Approve,
    Action::Refuse,         Action::RequestChanges, Action::Archive,        Action::Reopen,
    Action::CancelReopening, Action::StartNextStage, Action::CancelNextStage, Action::Revoke,
    Action::RevokeHabilitation, Action::TransferToColleague, Action::TakeOver, Action::TransferByInstructor,
    Action::PostMessage,    Action::ManageRoles,
};

}  // namespace

TEST_CASE("outsiders never learn that a request exists", "[domain][policy]") {
  const Actor stranger = actor(99, kOtherOrg);
  const Actor other_definition = actor(98, kOtherOrg, {"ans:other_api:manager", "dgfip:*:instructor"});
  for (const S s : kAllRequestStates) {
    for (const Action a : kAllActions) {
      CHECK(can(stranger, a, request_in(s)) == Verdict::NotVisible);
      CHECK(can(other_definition, a, request_in(s)) == Verdict::NotVisible);
    }
  }
}

TEST_CASE("reporters and developers read and never act", "[domain][policy]") {
  for (const char* role : {"ans:api_pro_sante_connect:reporter", "ans:*:reporter", "ans:api_pro_sante_connect:developer"}) {
    const Actor reader = actor(50, kOtherOrg, {role});
    for (const S s : kAllRequestStates) {
      for (const Action a : kAllActions) {
        INFO(role << " " << to_string(s) << " action " << static_cast<int>(a));
        CHECK(can(reader, a, request_in(s)) == (a == Action::View ? Verdict::Allowed : Verdict::Forbidden));
      }
    }
  }
}

TEST_CASE("the applicant acts on the applicant's side, in the states that allow it", "[domain][policy]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  CHECK(can(applicant, Action::Submit, request_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Submit, request_in(S::Validated)) == Verdict::WrongState);
  CHECK(can(applicant, Action::Edit, request_in(S::ChangesRequested)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Edit, request_in(S::Submitted)) == Verdict::WrongState);
  CHECK(can(applicant, Action::Approve, request_in(S::Submitted)) == Verdict::Forbidden);
  CHECK(can(applicant, Action::Revoke, request_in(S::Validated)) == Verdict::Forbidden);
  CHECK(can(applicant, Action::Reopen, request_in(S::Validated)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Archive, request_in(S::Refused)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Archive, request_in(S::Validated)) == Verdict::WrongState);
  CHECK(can(applicant, Action::TransferToColleague, request_in(S::Validated)) == Verdict::Allowed);
  CHECK(can(applicant, Action::TransferToColleague, request_in(S::Draft)) == Verdict::WrongState);  // a plain draft
  CHECK(can(applicant, Action::TakeOver, request_in(S::Validated)) == Verdict::Forbidden);
  auto no_reopening = request_in(S::Validated);
  no_reopening.features.reopening = false;
  CHECK(can(applicant, Action::Reopen, no_reopening) == Verdict::Forbidden);
  auto no_messages = request_in(S::Submitted);
  no_messages.features.messaging = false;
  CHECK(can(applicant, Action::PostMessage, request_in(S::Submitted)) == Verdict::Allowed);
  CHECK(can(applicant, Action::PostMessage, no_messages) == Verdict::Forbidden);
  // The same user acting for another organisation is a stranger to it.
  CHECK(can(actor(kApplicantId, kOtherOrg), Action::View, request_in(S::Draft)) == Verdict::NotVisible);
}

TEST_CASE("a colleague of the organisation reads, takes over, and does nothing else", "[domain][policy]") {
  const Actor colleague = actor(2, kOrg);
  for (const S s : kAllRequestStates) {
    for (const Action a : kAllActions) {
      INFO(to_string(s) << " action " << static_cast<int>(a));
      const Verdict v = can(colleague, a, request_in(s));
      if (a == Action::View) {
        CHECK(v == Verdict::Allowed);
      } else if (a == Action::TakeOver) {
        CHECK(v == (s == S::Draft || s == S::Archived ? Verdict::WrongState : Verdict::Allowed));
      } else {
        CHECK(v == Verdict::Forbidden);
      }
    }
  }
}

TEST_CASE("instructors instruct their definitions in the states that allow it", "[domain][policy]") {
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  CHECK(can(instructor, Action::View, request_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(instructor, Action::Approve, request_in(S::Submitted)) == Verdict::Allowed);
  CHECK(can(instructor, Action::Approve, request_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(instructor, Action::RequestChanges, request_in(S::ChangesRequested)) == Verdict::WrongState);
  CHECK(can(instructor, Action::Refuse, request_in(S::ChangesRequested)) == Verdict::Allowed);
  CHECK(can(instructor, Action::Archive, request_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(instructor, Action::Archive, request_in(S::Refused)) == Verdict::WrongState);
  CHECK(can(instructor, Action::Revoke, request_in(S::Validated)) == Verdict::Allowed);
  CHECK(can(instructor, Action::Submit, request_in(S::Draft)) == Verdict::Forbidden);
  CHECK(can(instructor, Action::Edit, request_in(S::Draft)) == Verdict::Forbidden);
  CHECK(can(instructor, Action::ManageRoles, request_in(S::Draft)) == Verdict::Forbidden);
  CHECK(can(actor(4, kOtherOrg, {"ans:api_pro_sante_connect:manager"}), Action::ManageRoles, request_in(S::Draft)) ==
        Verdict::Allowed);
  CHECK(can(actor(5, kOtherOrg, {"admin"}), Action::Approve, request_in(S::Submitted)) == Verdict::Allowed);
}

namespace {

// A validated request whose habilitation is active, reopened by its applicant: an update in `state`.
RequestView update_in(S state) {
  RequestView r = request_in(state);
  r.facts.reopening = true;
  r.facts.has_active_habilitation = true;
  r.facts.reopenable = false;
  return r;
}

}  // namespace

TEST_CASE("an update: the applicant reopens once, cancels until it is sent, an instructor cancels at any point",
          "[domain][policy][reopening]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor colleague = actor(2, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  // LIFECYCLE.md §2.3 "Who and when": the applicant, the latest active habilitation, no update in progress.
  CHECK(can(applicant, Action::Reopen, request_in(S::Validated)) == Verdict::Allowed);
  auto not_latest = request_in(S::Validated);
  not_latest.facts.reopenable = false;  // its latest habilitation is not active
  CHECK(can(applicant, Action::Reopen, not_latest) == Verdict::WrongState);
  for (const S s : {S::Draft, S::Submitted, S::ChangesRequested}) {
    INFO(to_string(s));
    CHECK(can(applicant, Action::Reopen, update_in(s)) == Verdict::WrongState);  // a second reopen
  }
  CHECK(can(applicant, Action::Reopen, request_in(S::Revoked)) == Verdict::WrongState);
  CHECK(can(colleague, Action::Reopen, request_in(S::Validated)) == Verdict::Forbidden);  // CAS 3: take it over first
  CHECK(can(instructor, Action::Reopen, request_in(S::Validated)) == Verdict::Forbidden);
  // The applicant edits and sends the update like a draft.
  CHECK(can(applicant, Action::Edit, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Submit, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(applicant, Action::Edit, update_in(S::Submitted)) == Verdict::WrongState);
  // Cancelling: the applicant before sending, not after; an instructor always.
  CHECK(can(applicant, Action::CancelReopening, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(applicant, Action::CancelReopening, update_in(S::ChangesRequested)) == Verdict::Allowed);
  CHECK(can(applicant, Action::CancelReopening, update_in(S::Submitted)) == Verdict::WrongState);
  for (const S s : {S::Draft, S::Submitted, S::ChangesRequested}) {
    INFO(to_string(s));
    CHECK(can(instructor, Action::CancelReopening, update_in(s)) == Verdict::Allowed);
    CHECK(can(colleague, Action::CancelReopening, update_in(s)) == Verdict::Forbidden);
  }
  // Never on a request that was never reopened.
  CHECK(can(instructor, Action::CancelReopening, request_in(S::Submitted)) == Verdict::WrongState);
  CHECK(can(applicant, Action::CancelReopening, request_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(applicant, Action::CancelReopening, request_in(S::Validated)) == Verdict::WrongState);
  // Instruction of an update: approve → validated, refuse → validated (not refused), changes → still an update.
  CHECK(next_state(Event::Refuse, S::Submitted, update_in(S::Submitted).facts, Party::Instructor) == S::Validated);
  CHECK(next_state(Event::Refuse, S::Submitted, request_in(S::Submitted).facts, Party::Instructor) == S::Refused);
  CHECK(next_state(Event::RequestChanges, S::Submitted, update_in(S::Submitted).facts, Party::Instructor) ==
        S::ChangesRequested);
  // A reopened draft is neither revoked at request level nor deleted.
  CHECK(can(instructor, Action::Revoke, update_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(applicant, Action::Archive, update_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(instructor, Action::Archive, update_in(S::Draft)) == Verdict::WrongState);
}

TEST_CASE("transfer: the applicant to a colleague, a colleague to themselves, instructors, never a plain draft",
          "[domain][policy][transfer]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor colleague = actor(2, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  const Actor admin = actor(4, kOtherOrg, {"admin"});
  const Actor reporter = actor(5, kOtherOrg, {"ans:api_pro_sante_connect:reporter"});
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    // Not on a plain draft, nor on a deleted request.
    const Verdict state_verdict = s == S::Draft || s == S::Archived ? Verdict::WrongState : Verdict::Allowed;
    CHECK(can(applicant, Action::TransferToColleague, request_in(s)) == state_verdict);
    CHECK(can(colleague, Action::TakeOver, request_in(s)) == state_verdict);
    CHECK(can(instructor, Action::TransferByInstructor, request_in(s)) == state_verdict);
    CHECK(can(admin, Action::TransferByInstructor, request_in(s)) == state_verdict);
    // Each kind of actor has its own variant only.
    CHECK(can(colleague, Action::TransferToColleague, request_in(s)) == Verdict::Forbidden);
    CHECK(can(applicant, Action::TakeOver, request_in(s)) == Verdict::Forbidden);
    CHECK(can(applicant, Action::TransferByInstructor, request_in(s)) == Verdict::Forbidden);
    CHECK(can(colleague, Action::TransferByInstructor, request_in(s)) == Verdict::Forbidden);
    CHECK(can(instructor, Action::TakeOver, request_in(s)) == Verdict::Forbidden);
    CHECK(can(reporter, Action::TransferByInstructor, request_in(s)) == Verdict::Forbidden);
  }
  // An update in progress (a reopened draft) may be transferred.
  CHECK(can(applicant, Action::TransferToColleague, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(colleague, Action::TakeOver, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(instructor, Action::TransferByInstructor, update_in(S::Draft)) == Verdict::Allowed);
  // features.transfer off: the applicant's side is refused whatever the state; instructors still may.
  auto manual = request_in(S::Validated);
  manual.features.transfer = false;
  CHECK(can(applicant, Action::TransferToColleague, manual) == Verdict::Forbidden);
  CHECK(can(colleague, Action::TakeOver, manual) == Verdict::Forbidden);
  CHECK(can(instructor, Action::TransferByInstructor, manual) == Verdict::Allowed);
}

TEST_CASE("revocation: instructors revoke a validated request, or one habilitation while one is active",
          "[domain][policy][revocation]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    CHECK(can(instructor, Action::Revoke, request_in(s)) == (s == S::Validated ? Verdict::Allowed : Verdict::WrongState));
    CHECK(can(applicant, Action::Revoke, request_in(s)) == Verdict::Forbidden);
    CHECK(can(applicant, Action::RevokeHabilitation, request_in(s)) == Verdict::Forbidden);
    // request_in() gives validated requests their active habilitation.
    CHECK(can(instructor, Action::RevokeHabilitation, request_in(s)) ==
          (s == S::Validated ? Verdict::Allowed : Verdict::WrongState));
  }
  CHECK(can(instructor, Action::RevokeHabilitation, update_in(S::Draft)) == Verdict::Allowed);
  CHECK(next_state(Event::Revoke, S::Validated, request_in(S::Validated).facts, Party::Instructor) == S::Revoked);
}

TEST_CASE("archive: the applicant's own draft, refused or revoked request without an active habilitation, an instructor's draft",
          "[domain][policy][archive]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor colleague = actor(2, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    const bool applicant_may = s == S::Draft || s == S::Refused || s == S::Revoked;
    CHECK(can(applicant, Action::Archive, request_in(s)) == (applicant_may ? Verdict::Allowed : Verdict::WrongState));
    CHECK(can(instructor, Action::Archive, request_in(s)) == (s == S::Draft ? Verdict::Allowed : Verdict::WrongState));
    CHECK(can(colleague, Action::Archive, request_in(s)) == Verdict::Forbidden);  // a colleague's draft
  }
  // A revoked request that still holds an active habilitation (another stage): not deleted.
  auto revoked_with_active = request_in(S::Revoked);
  revoked_with_active.facts.has_active_habilitation = true;
  CHECK(can(applicant, Action::Archive, revoked_with_active) == Verdict::WrongState);
}

namespace {

// A production request started from a validated sandbox one (LIFECYCLE.md §2.10), in `state`.
RequestView production_in(S state) {
  RequestView r = request_in(state);
  r.facts.in_later_stage = true;
  r.facts.has_active_habilitation = true;  // the sandbox habilitation
  return r;
}

}  // namespace

TEST_CASE("stages: the applicant starts production from a validated sandbox, cancels it until it is sent, an instructor once it is",
          "[domain][policy][stages]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor colleague = actor(2, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  RequestView sandbox = request_in(S::Validated);
  sandbox.facts.has_next_stage = true;
  sandbox.facts.has_active_habilitation = true;
  // Starting: the applicant, once validated, only where the definition has a next stage.
  CHECK(can(applicant, Action::StartNextStage, sandbox) == Verdict::Allowed);
  CHECK(next_state(Event::StartNextStage, S::Validated, sandbox.facts, Party::Applicant) == S::Draft);
  for (const S s : kAllRequestStates) {
    if (s == S::Validated) continue;
    RequestView other = sandbox;
    other.state = s;
    INFO(to_string(s));
    CHECK(can(applicant, Action::StartNextStage, other) == Verdict::WrongState);  // e.g. not while submitted
  }
  RequestView single_stage = request_in(S::Validated);
  CHECK(can(applicant, Action::StartNextStage, single_stage) == Verdict::WrongState);
  CHECK(can(colleague, Action::StartNextStage, sandbox) == Verdict::Forbidden);
  CHECK(can(instructor, Action::StartNextStage, sandbox) == Verdict::Forbidden);
  // Cancelling: the applicant before sending and once changes are asked for; an instructor once sent.
  CHECK(can(applicant, Action::CancelNextStage, production_in(S::Draft)) == Verdict::Allowed);
  CHECK(can(applicant, Action::CancelNextStage, production_in(S::ChangesRequested)) == Verdict::Allowed);
  CHECK(can(applicant, Action::CancelNextStage, production_in(S::Submitted)) == Verdict::WrongState);
  CHECK(can(instructor, Action::CancelNextStage, production_in(S::Submitted)) == Verdict::Allowed);
  CHECK(can(instructor, Action::CancelNextStage, production_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(instructor, Action::CancelNextStage, production_in(S::ChangesRequested)) == Verdict::WrongState);
  CHECK(can(colleague, Action::CancelNextStage, production_in(S::Draft)) == Verdict::Forbidden);
  CHECK(next_state(Event::CancelNextStage, S::Submitted, production_in(S::Submitted).facts, Party::Instructor) ==
        S::Validated);
  // Not on a request that is not in a later stage (a plain draft, an update of production).
  CHECK(can(applicant, Action::CancelNextStage, request_in(S::Draft)) == Verdict::WrongState);
  CHECK(can(instructor, Action::CancelNextStage, update_in(S::Submitted)) == Verdict::WrongState);
  // Nor once the production request is validated, refused or revoked.
  for (const S s : {S::Validated, S::Refused, S::Revoked, S::Archived}) {
    CHECK(can(applicant, Action::CancelNextStage, production_in(s)) == Verdict::WrongState);
    CHECK(can(instructor, Action::CancelNextStage, production_in(s)) == Verdict::WrongState);
  }
  // Reporters read and never act, here too.
  const Actor reporter = actor(50, kOtherOrg, {"ans:api_pro_sante_connect:reporter"});
  CHECK(can(reporter, Action::StartNextStage, sandbox) == Verdict::Forbidden);
  CHECK(can(reporter, Action::CancelNextStage, production_in(S::Submitted)) == Verdict::Forbidden);
}
