// Who may do what to a request: the one policy every page and API call asks.
//
// Contract: no I/O. can() answers, in this order,
//   NotVisible  the actor may not even know the request exists (HTTP 404);
//   Forbidden   they may see it but not do this, whatever its state, or the
//               definition turns the feature off (HTTP 403);
//   WrongState  they could, but not in the request's present state (HTTP 409);
//   Allowed.
// A refusal changes nothing: callers check before they load for writing,
// and the lifecycle table (lifecycle.h) decides the next state.
//
// Who sees a request (LIFECYCLE.md §2.0): its applicant; a member of its
// organisation (the organisation is the actor's current one); reporters,
// instructors, managers and developers of its definition; admins.
// Who acts: state changes of the applicant's side (edit, submit, update,
// delete, stages, transfer to a colleague) belong to the applicant alone; a
// colleague of the same organisation may take a request over (transfer to
// themselves); instruction belongs to instructors of the definition (and
// admins); reporters and developers only read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/lifecycle.h"
#include "domain/roles.h"
#include "domain/states.h"

namespace formd::domain {

enum class Action {
  View,
  Edit,  // change the data of a draft or of a request whose changes were asked for
  Submit,
  Approve,
  Refuse,
  RequestChanges,
  Archive,
  Reopen,
  CancelReopening,
  StartNextStage,
  CancelNextStage,
  Revoke,               // the whole request (and every active habilitation of it)
  RevokeHabilitation,   // one habilitation (the use case checks which one, and the request's move)
  TransferToColleague,  // the applicant hands it to a member of the organisation
  TakeOver,             // a member of the organisation takes it (CAS 3)
  TransferByInstructor,
  PostMessage,   // the applicant on their side, instructors on theirs (LIFECYCLE.md §2.7)
  ReadMessages,  // the "Messagerie" tab: the two parties in every state; members and reporters once sent
  ManageRoles,  // grant reporter/instructor on the definition
};

struct Actor {
  std::int64_t user_id = 0;
  std::string current_siret;  // the organisation the actor acts for
  Roles roles;
};

// Per-definition switches (DataPass `features`, defaults on).
struct Features {
  bool reopening = true;
  bool transfer = true;
  bool messaging = true;
};

struct RequestView {
  std::string provider;
  std::string definition_id;
  std::int64_t applicant_user_id = 0;
  std::string organization_siret;
  RequestState state = RequestState::Draft;
  RequestFacts facts;
  Features features;
};

enum class Verdict { Allowed, NotVisible, Forbidden, WrongState };

[[nodiscard]] Verdict can(const Actor& actor, Action action, const RequestView& request);
[[nodiscard]] std::string_view to_string(Verdict verdict);
// The lifecycle event an action fires, if it changes the request's state.
[[nodiscard]] std::optional<Event> event_of(Action action);

}  // namespace formd::domain
