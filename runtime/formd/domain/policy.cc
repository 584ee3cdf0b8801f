#include "domain/policy.h"

namespace formd::domain {

namespace {

bool is_applicant(const Actor& actor, const RequestView& request) {
  return actor.user_id == request.applicant_user_id && actor.current_siret == request.organization_siret;
}

bool is_member(const Actor& actor, const RequestView& request) {
  return !actor.current_siret.empty() && actor.current_siret == request.organization_siret;
}

bool has_role(const Actor& actor, RoleKind kind, const RequestView& request) {
  return actor.roles.has(kind, request.provider, request.definition_id);
}

bool visible(const Actor& actor, const RequestView& request) {
  return is_applicant(actor, request) || is_member(actor, request) || has_role(actor, RoleKind::Reporter, request);
}

// A lifecycle action: the party it needs, then the table.
Verdict by_lifecycle(const Actor& actor, Event event, const RequestView& request) {
  const bool applicant = is_applicant(actor, request);
  const bool instructor = has_role(actor, RoleKind::Instructor, request);
  std::optional<RequestState> next;
  if (applicant) next = next_state(event, request.state, request.facts, Party::Applicant);
  if (!next && instructor) next = next_state(event, request.state, request.facts, Party::Instructor);
  if (next) return Verdict::Allowed;
  // Not a party the table names for this event anywhere: forbidden whatever the state.
  bool party_named = false;
  for (const auto& t : lifecycle()) {
    if (t.event != event) continue;
    if ((applicant && t.allows(Party::Applicant)) || (instructor && t.allows(Party::Instructor))) party_named = true;
  }
  return party_named ? Verdict::WrongState : Verdict::Forbidden;
}

bool transferable_state(const RequestView& request) {
  // Not on a plain draft (nothing granted yet), nor on a deleted request.
  if (request.state == RequestState::Archived) return false;
  return !(request.state == RequestState::Draft && !request.facts.reopening);
}

}  // namespace

std::optional<Event> event_of(Action action) {
  switch (action) {
    case Action::Submit: return Event::Submit;
    case Action::Approve: return Event::Approve;
    case Action::Refuse: return Event::Refuse;
    case Action::RequestChanges: return Event::RequestChanges;
    case Action::Archive: return Event::Archive;
    case Action::Reopen: return Event::Reopen;
    case Action::CancelReopening: return Event::CancelReopening;
    case Action::StartNextStage: return Event::StartNextStage;
    case Action::CancelNextStage: return Event::CancelNextStage;
    case Action::Revoke: return Event::Revoke;
    default: return std::nullopt;
  }
}

Verdict can(const Actor& actor, Action action, const RequestView& request) {
  if (!visible(actor, request)) return Verdict::NotVisible;
  const bool applicant = is_applicant(actor, request);
  switch (action) {
    case Action::View: return Verdict::Allowed;
    case Action::Edit:
      if (!applicant) return Verdict::Forbidden;
      return request.state == RequestState::Draft || request.state == RequestState::ChangesRequested
                 ? Verdict::Allowed
                 : Verdict::WrongState;
    case Action::Reopen:
      if (!request.features.reopening) return Verdict::Forbidden;
      return by_lifecycle(actor, Event::Reopen, request);
    case Action::TransferToColleague:
      if (!applicant || !request.features.transfer) return Verdict::Forbidden;
      return transferable_state(request) ? Verdict::Allowed : Verdict::WrongState;
    case Action::TakeOver:
      if (applicant || !is_member(actor, request) || !request.features.transfer) return Verdict::Forbidden;
      return transferable_state(request) ? Verdict::Allowed : Verdict::WrongState;
    case Action::TransferByInstructor:
      if (!has_role(actor, RoleKind::Instructor, request)) return Verdict::Forbidden;
      return transferable_state(request) ? Verdict::Allowed : Verdict::WrongState;
    case Action::RevokeHabilitation:
      // Instructors revoke; only a request holding an active habilitation has one to revoke.
      if (!has_role(actor, RoleKind::Instructor, request)) return Verdict::Forbidden;
      return request.facts.has_active_habilitation ? Verdict::Allowed : Verdict::WrongState;
    case Action::PostMessage:
      if (!request.features.messaging) return Verdict::Forbidden;
      if (!applicant && !has_role(actor, RoleKind::Instructor, request)) return Verdict::Forbidden;
      return request.state == RequestState::Archived ? Verdict::WrongState : Verdict::Allowed;
    case Action::ReadMessages:
      // Organisation members and reporters read the conversation of a
      // request once it is sent, never of a draft (LIFECYCLE.md §2.7).
      if (!request.features.messaging) return Verdict::Forbidden;
      if (applicant || has_role(actor, RoleKind::Instructor, request)) return Verdict::Allowed;
      return request.state == RequestState::Draft ? Verdict::WrongState : Verdict::Allowed;
    case Action::ManageRoles: return has_role(actor, RoleKind::Manager, request) ? Verdict::Allowed : Verdict::Forbidden;
    default: break;
  }
  return by_lifecycle(actor, *event_of(action), request);
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Allowed: return "allowed";
    case Verdict::NotVisible: return "not_visible";
    case Verdict::Forbidden: return "forbidden";
    case Verdict::WrongState: return "wrong_state";
  }
  return "";
}

}  // namespace formd::domain
