// The lifecycle of a DataPass request as ONE table {event, from, to, guard,
// who may} (DATAPASS.md §3.1, LIFECYCLE.md §2.1–§2.6, §2.10).
//
// Contract: no I/O. next_state() is the only way formd computes a request's
// next state: the first row of kLifecycle whose event matches, whose `from`
// holds the current state, whose guard holds on the facts, and whose `who`
// includes the party. nullopt: the event is not allowed there (the HTTP
// layer answers 409, or 403 when allowed_for_someone() says another party
// could). The table is exposed so tests and docs can walk it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "domain/states.h"

namespace formd::domain {

enum class Event {
  Submit,
  RequestChanges,
  Approve,
  Refuse,
  Archive,
  Reopen,
  CancelReopening,
  StartNextStage,
  CancelNextStage,
  Revoke,
};
inline constexpr std::array kAllEvents = {Event::Submit,        Event::RequestChanges,  Event::Approve,
                                          Event::Refuse,        Event::Archive,         Event::Reopen,
                                          Event::CancelReopening, Event::StartNextStage, Event::CancelNextStage,
                                          Event::Revoke};

// DataPass's event names (history, JSON API, webhooks): "submit", "request_changes", …
[[nodiscard]] std::string_view to_string(Event event);

// Who acts: the request's applicant, or an instructor of its definition
// (admins act as instructors everywhere).
enum class Party : unsigned { Applicant = 1, Instructor = 2 };

// What the guards look at, computed from the stored request and its habilitations.
struct RequestFacts {
  // An update in progress: the request produced a habilitation, was reopened,
  // and is neither validated nor revoked now (LIFECYCLE.md §2.0).
  bool reopening = false;
  bool has_active_habilitation = false;
  // Its latest active habilitation may be updated (DATAPASS.md §3.2).
  bool reopenable = false;
  // Its definition has a next stage (sandbox → production: `stage.next`) /
  // it is in a later stage started from a validated earlier one, and that
  // stage is still in progress (the stored next_stage_from, LIFECYCLE.md §2.10).
  bool has_next_stage = false;
  bool in_later_stage = false;
};

enum class Guard {
  None,
  Reopening,
  NotReopening,
  NoActiveHabilitation,
  Reopenable,
  HasNextStage,
  InLaterStage,
};
[[nodiscard]] bool holds(Guard guard, const RequestFacts& facts);

struct Transition {
  Event event;
  std::array<std::optional<RequestState>, 3> from;
  RequestState to;
  Guard guard;
  unsigned who;  // Party bits
  [[nodiscard]] bool leaves(RequestState state) const {
    for (const auto& f : from) {
      if (f == state) return true;
    }
    return false;
  }
  [[nodiscard]] bool allows(Party party) const { return (who & static_cast<unsigned>(party)) != 0; }
};

[[nodiscard]] std::span<const Transition> lifecycle();

[[nodiscard]] std::optional<RequestState> next_state(Event event, RequestState from, const RequestFacts& facts,
                                                     Party party);
// Would some party be allowed `event` here? (403 rather than 409 for the others.)
[[nodiscard]] bool allowed_for_someone(Event event, RequestState from, const RequestFacts& facts);

}  // namespace formd::domain
