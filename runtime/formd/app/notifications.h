// The emails a request's event sends (DATAPASS.md §3.4, LIFECYCLE.md §2.11),
// as outbox messages a use case commits with the state change that causes
// them; notify/outbox_worker.h sends them later.
//
//   event            recipients (one outbox message each)
//   submit           the applicant; each instructor of the definition
//   approve          the applicant; each GDPR contact named in the request
//                    (`delegue_protection_donnees_email`,
//                    `responsable_traitement_email`, when present and valid)
//   refuse           the applicant (the reason in the body)
//   request_changes  the applicant (the reason in the body)
//   revoke           the applicant (the reason in the body; the habilitation
//                    when one alone is revoked)
//   transfer         the new applicant, then the previous one (LIFECYCLE.md
//                    §2.4: "goes to both the old and the new applicant")
//   applicant_message   each instructor of the definition (not the applicant)
//   instructor_message  the applicant (LIFECYCLE.md §2.7; the body stays in
//                    formd: the email links to the conversation)
//   anything else    nobody (archive, reopen and cancel_reopening send
//                    nothing, as in DataPass)
//
// The texts are French templates, runtime/formd/notify/templates/
// <event>.<audience>.txt (first line "Subject: …", a blank line, the body),
// compiled into formd. During an update of a habilitation (`reopening`,
// LIFECYCLE.md §2.3/§2.11) reopening_<event>.<audience>.txt replaces it
// where one exists (submit, approve, refuse, request_changes: "Demande de
// réouverture d'habilitation", "Votre réouverture d'habilitation numéro …").
// Each message's payload_json is
//   {"to": [address], "subject", "text", "event", "request_id", "audience"}
// with audience "applicant", "previous_applicant", "instructor" or "gdpr_contact".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "storage/repository.h"

namespace formd::app {

// What the emails of one event say, gathered by the use case.
struct NotificationFacts {
  std::string event;  // DataPass's event name: submit, approve, refuse, request_changes
  // The request as the change leaves it (for submit: with the data
  // submitted): its number, its `intitule` (project name) and, on approve,
  // its GDPR contacts are read from it.
  storage::Request request;
  storage::User applicant;
  std::string definition_name;                 // display name, e.g. "API Pro Santé Connect"
  std::vector<std::string> instructor_emails;  // read on submit and applicant_message only (see instructor_emails())
  // refuse, request_changes: the reason (required by the use case);
  // approve: the instructor's optional message; otherwise ignored.
  std::optional<std::string> reason;
  // Where formd is reached, e.g. "https://datapass.example.fr" (a trailing
  // "/" is ignored): the links are <public_url>/demandes/<id>, and
  // <public_url>/instruction/demandes/<id> for instructors.
  std::string public_url;
  // The event belongs to an update of the request's habilitation: the
  // reopening_* templates where they exist.
  bool reopening = false;
  // transfer: the applicant before it (`applicant` is the new one).
  std::optional<storage::User> previous_applicant;
  // revoke of one habilitation: its number (H<id>).
  std::optional<std::int64_t> habilitation_id;
};

// What emails_for_event() needs besides the request, from the use case.
struct EventContext {
  bool reopening = false;                            // NotificationFacts::reopening
  std::optional<std::int64_t> previous_applicant_id;  // transfer: read from the store
  std::optional<std::int64_t> habilitation_id;        // NotificationFacts::habilitation_id
};

// The emails of `facts.event`, in the order of the table above (instructors
// and GDPR contacts in the order given / DPO first).
// Contract:
//   - pure: no I/O, no clock; same facts, same messages;
//   - one message per recipient; a recipient that is not a valid address
//     (notify/address.h) is skipped, since no server would accept it; the
//     same address (compared case-insensitively) gets one message per event
//     and audience: a DPO who is also the controller gets one email naming
//     both roles;
//   - values are inserted as plain text (no HTML escaping: these are
//     text/plain emails); in the subject, control characters (line breaks
//     included) become spaces and a subject longer than 150 characters is
//     cut with "…", so no value can break or bloat a header;
//   - throws std::logic_error only for a missing or malformed template: a
//     bug of formd, caught by its tests, never a user's doing.
[[nodiscard]] std::vector<storage::OutboxMessage> notification_emails(const NotificationFacts& facts);

// The emails of the users who may instruct `definition_id` of `provider`
// (roles instructor or manager on it, or on `<provider>:*`), sorted, each
// once. Admins are not included unless they also hold such a role: "admin"
// grants every definition, and a notification about all of them is noise.
// Users without a (valid) email are skipped.
[[nodiscard]] std::vector<std::string> instructor_emails(storage::RoleRepository& roles, std::string_view provider,
                                                         std::string_view definition_id);

// What a use case calls: gathers the facts of `event` on `request` — its
// applicant from the store, the definition's name and provider from the
// catalogue (its id when the catalogue no longer has it), the instructors
// (submit and applicant_message only) — and returns notification_emails() of them. Put the result
// in StateChange::outbox so the emails are committed with the change, or not
// at all. `request` is the request as the change leaves it (see above).
// Reads the store; writes nothing. No applicant found: no emails.
// `context` adds what some events need (an update, the previous applicant
// of a transfer, the habilitation revoked).
[[nodiscard]] std::vector<storage::OutboxMessage> emails_for_event(storage::Store& store,
                                                                   const catalog::Catalog& catalog,
                                                                   std::string_view event,
                                                                   const storage::Request& request,
                                                                   const std::optional<std::string>& reason,
                                                                   std::string_view public_url,
                                                                   const EventContext& context = {});

}  // namespace formd::app
