// The pieces several pages share, as template data: the state badges, the
// history section (templates/history.mustache), dates.
//
// Contract: plain values in, web::Data out; nothing here reads storage
// (the handlers gather the values), and nothing builds markup: the
// templates do, escaping every value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/states.h"
#include "web/view.h"

namespace formd::web {

// "dd/mm/yyyy" (UTC, as DataPass's cards).
[[nodiscard]] std::string date_text(std::int64_t unix_seconds);
// "dd/mm/yyyy à HH:MM (UTC)".
[[nodiscard]] std::string date_time_text(std::int64_t unix_seconds);

// {badge_kind, badge_label} for templates/badge.mustache.
void set_badge(Data& data, domain::RequestState state);
void set_badge(Data& data, domain::HabilitationState state);

struct FieldChange {
  std::string label, from, to;  // as text for people
};

struct HistoryEntry {
  std::string name;   // DataPass's event name: create, submit, approve, …
  std::string actor;  // who, as shown ("Camille Martin"); "DataPass" for the system
  std::int64_t at = 0;
  std::optional<std::string> reason;               // refusal, requested changes, message
  std::optional<std::vector<FieldChange>> changes;  // set on a resubmission (empty: no change)
  std::optional<std::int64_t> habilitation_id;     // the one an approval issued
};

// {events, has_events} for templates/history.mustache, in the given order
// (newest first, as the store returns them). Verbs are DataPass's.
void set_history(Data& data, const std::vector<HistoryEntry>& entries);

// DataPass's verb for an event ("a soumis la demande", …).
[[nodiscard]] std::string event_verb(const HistoryEntry& entry);
// Who the actor was, said before their name where DataPass says it: "Le
// demandeur" (applicant_message), "L’instructeur" (instructor_message);
// "" for the other events.
[[nodiscard]] std::string event_actor_role(const HistoryEntry& entry);

}  // namespace formd::web
