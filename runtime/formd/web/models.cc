#include "web/models.h"

#include <ctime>

namespace formd::web {

namespace {

std::string format_utc(std::int64_t unix_seconds, const char* format) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string date_text(std::int64_t unix_seconds) { return format_utc(unix_seconds, "%d/%m/%Y"); }
std::string date_time_text(std::int64_t unix_seconds) { return format_utc(unix_seconds, "%d/%m/%Y à %H:%M (UTC)"); }

void set_badge(Data& data, domain::RequestState state) {
  using S = domain::RequestState;
  const char* kind = "info";
  switch (state) {
    case S::Draft: kind = "new"; break;
    case S::Submitted: kind = "info"; break;
    case S::ChangesRequested: kind = "warning"; break;
    case S::Validated: kind = "success"; break;
    case S::Refused:
    case S::Revoked: kind = "error"; break;
    case S::Archived: kind = "info"; break;
  }
  data.set("badge_kind", kind);
  data.set("badge_label", std::string(domain::badge_label(state)));
}

void set_badge(Data& data, domain::HabilitationState state) {
  using S = domain::HabilitationState;
  data.set("badge_kind", state == S::Active ? "success" : state == S::Revoked ? "error" : "info");
  data.set("badge_label", std::string(domain::badge_label(state)));
}

std::string event_verb(const HistoryEntry& entry) {
  const auto& n = entry.name;
  if (n == "create") return "a créé la demande";
  if (n == "update") return "a modifié la demande";
  if (n == "submit") {
    if (entry.changes && entry.changes->empty()) return "a soumis la demande sans effectuer de changement";
    return "a soumis la demande";
  }
  if (n == "approve") return "a approuvé la demande";
  if (n == "refuse") return "a refusé la demande";
  if (n == "request_changes") return "a demandé des modifications";
  if (n == "archive") return "a supprimé la demande";
  if (n == "revoke") return "a révoqué l’habilitation";
  // LIFECYCLE.md §2.3: "a réouvert l'habilitation", "a annulé la réouverture de l'habilitation".
  if (n == "reopen") return "a réouvert l’habilitation";
  if (n == "cancel_reopening") {
    return entry.reason ? "a annulé la réouverture de l’habilitation pour la raison suivante :"
                        : "a annulé la réouverture de l’habilitation";
  }
  if (n == "transfer") {
    // §2.4: "X a transféré la demande à <Nom> (<email>)"; the store keeps the new applicant as a change.
    if (entry.changes) {
      for (const auto& c : *entry.changes) {
        if (c.label == "Demandeur" && !c.to.empty()) return "a transféré la demande à " + c.to;
      }
    }
    return "a transféré la demande";
  }
  // Stages (LIFECYCLE.md §2.10).
  if (n == "start_next_stage") return "a démarré la demande d’habilitation en production";
  if (n == "cancel_next_stage") return "a annulé la demande d’habilitation en production";
  if (n == "applicant_message" || n == "instructor_message") return "a envoyé un message";
  return "a agi sur la demande (" + n + ")";
}

std::string event_actor_role(const HistoryEntry& entry) {
  // LIFECYCLE.md §2.7: "Le demandeur X a envoyé un message".
  if (entry.name == "applicant_message") return "Le demandeur";
  if (entry.name == "instructor_message") return "L’instructeur";
  return "";
}

void set_history(Data& data, const std::vector<HistoryEntry>& entries) {
  List events;
  for (const auto& e : entries) {
    Data item;
    item.set("name", e.name);
    item.set("actor", e.actor);
    item.set("verb", event_verb(e));
    const std::string role = event_actor_role(e);
    item.set("has_actor_role", !role.empty());
    item.set("actor_role", role);
    item.set("date", date_time_text(e.at));
    item.set("has_reason", e.reason.has_value());
    if (e.reason) item.set("reason", *e.reason);
    if (e.habilitation_id) item.set("habilitation_id", std::to_string(*e.habilitation_id));
    const bool has_changes = e.changes && !e.changes->empty();
    item.set("has_changes", has_changes);
    if (has_changes) {
      List changes;
      for (const auto& c : *e.changes) {
        Data change;
        change.set("label", c.label);
        change.set("from", c.from);
        change.set("to", c.to);
        changes.push_back(change);
      }
      item.set("changes", changes);
    }
    events.push_back(item);
  }
  data.set("has_events", !entries.empty());
  data.set("events", events);
}

}  // namespace formd::web
