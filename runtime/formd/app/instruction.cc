#include "app/instruction.h"

#include "app/notifications.h"
#include "app/stages.h"
#include "formc/runtime/strings.h"

namespace formd::app {

namespace {

using Kind = Outcome::Kind;

// At most this much text in a reason or message (a page shows it whole).
constexpr std::size_t kMaxReasonBytes = 10000;

}  // namespace

std::optional<storage::Habilitation> habilitation_to_restore(storage::Store& store, std::int64_t request_id) {
  const auto habilitations = store.habilitations_of(request_id);  // oldest first
  // Stages (LIFECYCLE.md §2.10): the habilitation of the request's current
  // stage (its definition) first, so a production update never gets the
  // sandbox data back.
  if (const auto request = store.find_request_by_id(request_id)) {
    for (auto it = habilitations.rbegin(); it != habilitations.rend(); ++it) {
      if (it->state == domain::HabilitationState::Active && it->definition_id == request->definition_id) return *it;
    }
  }
  for (auto it = habilitations.rbegin(); it != habilitations.rend(); ++it) {
    if (it->state == domain::HabilitationState::Active) return *it;
  }
  if (!habilitations.empty()) return habilitations.back();
  return std::nullopt;
}

domain::Actor actor_of(const storage::User& user, storage::Store& store) {
  std::vector<domain::Role> roles;
  for (const auto& text : store.roles_of(user.id)) {
    if (auto role = domain::parse_role(text)) roles.push_back(std::move(*role));
  }
  return domain::Actor{user.id, user.organization_siret, domain::Roles(std::move(roles))};
}

domain::RequestView view_of(const storage::Request& request, const catalog::Catalog& catalog, storage::Store& store) {
  domain::RequestView view;
  view.definition_id = request.definition_id;
  view.applicant_user_id = request.user_id;
  view.organization_siret = request.organization_siret;
  view.state = request.state;
  for (const auto& d : catalog.module().definitions) {
    if (d.id != request.definition_id) continue;
    view.provider = d.provider;
    view.features = {d.features.reopening, d.features.transfer, d.features.messaging};
  }
  const auto habilitations = store.habilitations_of(request.id);  // oldest first
  for (const auto& h : habilitations) {
    if (h.state == domain::HabilitationState::Active) view.facts.has_active_habilitation = true;
  }
  // An update in progress is the stored truth (reopened_at, storage/repository.h).
  view.facts.reopening = request.reopening();
  // "Mettre à jour" (LIFECYCLE.md §2.3): the latest habilitation is active
  // and no update is in progress (the table adds: the request is validated).
  view.facts.reopenable =
      !habilitations.empty() && habilitations.back().state == domain::HabilitationState::Active && !request.reopening();
  // Stages (app/stages.h): next stage, stage in progress, and "Mettre à jour"
  // per stage (the latest of each stage; the multi-stage rules).
  set_stage_facts(view.facts, request, habilitations, catalog);
  return view;
}

Outcome Instruction::approve(const domain::Actor& actor, std::int64_t request_id, std::optional<std::string> message) {
  if (message && !formc::rt::has_text(*message)) message.reset();
  return apply(actor, request_id, domain::Action::Approve, std::move(message));
}

Outcome Instruction::refuse(const domain::Actor& actor, std::int64_t request_id, const std::string& reason) {
  return apply(actor, request_id, domain::Action::Refuse, reason);
}

Outcome Instruction::request_changes(const domain::Actor& actor, std::int64_t request_id, const std::string& reason) {
  return apply(actor, request_id, domain::Action::RequestChanges, reason);
}

Outcome Instruction::archive(const domain::Actor& actor, std::int64_t request_id) {
  return apply(actor, request_id, domain::Action::Archive, std::nullopt);
}

Outcome Instruction::apply(const domain::Actor& actor, std::int64_t request_id, domain::Action action,
                           std::optional<std::string> reason) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, action, view)) {
    case domain::Verdict::NotVisible: return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
    case domain::Verdict::Forbidden:
      return {Kind::Forbidden, "Vous n’avez pas le droit d’effectuer cette action sur cette demande.", request, std::nullopt};
    case domain::Verdict::WrongState:
      return {Kind::WrongState, "Cette action n’est pas possible dans l’état actuel de la demande.", request, std::nullopt};
    case domain::Verdict::Allowed: break;
  }
  const bool reason_required = action == domain::Action::Refuse || action == domain::Action::RequestChanges;
  if (reason_required && (!reason || !formc::rt::has_text(*reason))) {
    return {Kind::Invalid,
            action == domain::Action::Refuse ? "Indiquez la raison du refus." : "Indiquez la raison de la demande de modification.",
            request, std::nullopt};
  }
  if (reason && (reason->size() > kMaxReasonBytes || !formc::rt::is_valid_utf8(*reason))) {
    return {Kind::Invalid, "Le texte dépasse " + std::to_string(kMaxReasonBytes) + " octets ou est mal encodé.", request,
            std::nullopt};
  }
  const auto event = *domain::event_of(action);
  // The party the policy allowed: the applicant's own request, or an instructor.
  const bool as_applicant = actor.user_id == view.applicant_user_id && actor.current_siret == view.organization_siret &&
                            domain::next_state(event, view.state, view.facts, domain::Party::Applicant);
  const auto next = domain::next_state(event, view.state, view.facts,
                                       as_applicant ? domain::Party::Applicant : domain::Party::Instructor);
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *next;  // the policy said Allowed: the table has a row
  change.event = std::string(domain::to_string(event));
  change.actor_user_id = actor.user_id;
  change.reason = reason;
  change.issue_habilitation = action == domain::Action::Approve;
  // A refused update goes back to validated with the data of the habilitation
  // it was updating (LIFECYCLE.md §2.3), which stays active.
  if (action == domain::Action::Refuse && view.facts.reopening) {
    if (const auto restored = habilitation_to_restore(store_, request->id)) {
      change.data_json = restored->data_json;
      change.habilitation_id = restored->id;
      change.restore_documents_from = restored->id;  // its files too (issue 12)
    }
  }
  // Committed with the change, or not at all; the outbox worker sends them.
  EventContext context;
  context.reopening = view.facts.reopening;
  change.outbox = emails_for_event(store_, *catalog, change.event, *request, reason, public_url_, context);
  auto written = store_.change_state(change);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: return {Kind::Ok, "", std::move(written.request), std::move(written.habilitation)};
    case storage::WriteOutcome::NotFound: return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
    case storage::WriteOutcome::WrongState:
    case storage::WriteOutcome::Stale:
      return {Kind::Stale, "La demande a été modifiée entre-temps : relisez-la puis recommencez.", std::move(written.request),
              std::nullopt};
  }
  return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
}

}  // namespace formd::app
