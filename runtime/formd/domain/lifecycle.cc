#include "domain/lifecycle.h"

namespace formd::domain {

namespace {

using S = RequestState;
constexpr unsigned kApplicant = static_cast<unsigned>(Party::Applicant);
constexpr unsigned kInstructor = static_cast<unsigned>(Party::Instructor);

// Rows of one event are tried in order: the first whose guard holds wins
// (refuse: an update goes back to validated, a first request to refused).
constexpr Transition kLifecycle[] = {
    // The applicant submits a draft, or resubmits after changes were requested.
    {Event::Submit, {S::Draft, S::ChangesRequested, std::nullopt}, S::Submitted, Guard::None, kApplicant},
    // DataPass lets an update that ended refused be submitted again.
    {Event::Submit, {S::Refused, std::nullopt, std::nullopt}, S::Submitted, Guard::Reopening, kApplicant},
    // Changes are asked for only on a submitted request (LIFECYCLE.md §2.1).
    {Event::RequestChanges, {S::Submitted, std::nullopt, std::nullopt}, S::ChangesRequested, Guard::None, kInstructor},
    {Event::Approve, {S::Submitted, S::ChangesRequested, std::nullopt}, S::Validated, Guard::None, kInstructor},
    // A refused update restores the validated habilitation's data: the request is validated again.
    {Event::Refuse, {S::Submitted, S::ChangesRequested, std::nullopt}, S::Validated, Guard::Reopening, kInstructor},
    {Event::Refuse, {S::Submitted, S::ChangesRequested, std::nullopt}, S::Refused, Guard::NotReopening, kInstructor},
    // "Supprimer": the applicant's own draft, refused or revoked request
    // without an active habilitation; instructors delete drafts only.
    {Event::Archive, {S::Draft, S::Refused, S::Revoked}, S::Archived, Guard::NoActiveHabilitation, kApplicant},
    {Event::Archive, {S::Draft, std::nullopt, std::nullopt}, S::Archived, Guard::NoActiveHabilitation, kInstructor},
    // "Mettre à jour": the same request goes back to draft.
    {Event::Reopen, {S::Validated, std::nullopt, std::nullopt}, S::Draft, Guard::Reopenable, kApplicant},
    // "Annuler ma demande de modification": the applicant, before the update
    // is sent or once changes are asked for ("After submitting, the
    // applicant can no longer cancel"); an instructor at any point of it.
    {Event::CancelReopening, {S::Draft, S::ChangesRequested, std::nullopt}, S::Validated, Guard::Reopening, kApplicant},
    {Event::CancelReopening, {S::Draft, S::ChangesRequested, S::Submitted}, S::Validated, Guard::Reopening,
     kInstructor},
    // "Démarrer ma demande d'habilitation en production" (LIFECYCLE.md §2.10):
    // once the sandbox request is validated, not while it is submitted.
    {Event::StartNextStage, {S::Validated, std::nullopt, std::nullopt}, S::Draft, Guard::HasNextStage, kApplicant},
    // "Annuler la demande de production": the applicant on an unsubmitted
    // production request or one whose changes were asked for; an instructor
    // on a submitted one. Back to the validated sandbox.
    {Event::CancelNextStage, {S::Draft, S::ChangesRequested, std::nullopt}, S::Validated, Guard::InLaterStage,
     kApplicant},
    {Event::CancelNextStage, {S::Submitted, std::nullopt, std::nullopt}, S::Validated, Guard::InLaterStage,
     kInstructor},
    // A reopened request (draft) cannot be revoked at request level.
    {Event::Revoke, {S::Validated, std::nullopt, std::nullopt}, S::Revoked, Guard::None, kInstructor},
};

}  // namespace

std::string_view to_string(Event event) {
  switch (event) {
    case Event::Submit: return "submit";
    case Event::RequestChanges: return "request_changes";
    case Event::Approve: return "approve";
    case Event::Refuse: return "refuse";
    case Event::Archive: return "archive";
    case Event::Reopen: return "reopen";
    case Event::CancelReopening: return "cancel_reopening";
    case Event::StartNextStage: return "start_next_stage";
    case Event::CancelNextStage: return "cancel_next_stage";
    case Event::Revoke: return "revoke";
  }
  return "";
}

bool holds(Guard guard, const RequestFacts& facts) {
  switch (guard) {
    case Guard::None: return true;
    case Guard::Reopening: return facts.reopening;
    case Guard::NotReopening: return !facts.reopening;
    case Guard::NoActiveHabilitation: return !facts.has_active_habilitation;
    case Guard::Reopenable: return facts.reopenable;
    case Guard::HasNextStage: return facts.has_next_stage;
    case Guard::InLaterStage: return facts.in_later_stage;
  }
  return false;
}

std::span<const Transition> lifecycle() { return kLifecycle; }

std::optional<RequestState> next_state(Event event, RequestState from, const RequestFacts& facts, Party party) {
  for (const auto& t : kLifecycle) {
    if (t.event == event && t.leaves(from) && holds(t.guard, facts) && t.allows(party)) return t.to;
  }
  return std::nullopt;
}

bool allowed_for_someone(Event event, RequestState from, const RequestFacts& facts) {
  return next_state(event, from, facts, Party::Applicant) || next_state(event, from, facts, Party::Instructor);
}

}  // namespace formd::domain
