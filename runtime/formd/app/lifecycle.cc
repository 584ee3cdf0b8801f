#include "app/lifecycle.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "app/notifications.h"
#include "app/stages.h"
#include "formc/runtime/strings.h"

namespace formd::app {

namespace {

using Kind = Outcome::Kind;

// The user has `siret` among their organisations (their current one or
// another linked by an earlier ProConnect login).
bool belongs_to(storage::Store& store, const storage::User& user, const std::string& siret) {
  if (user.organization_siret == siret) return true;
  for (const auto& organization : store.organizations_of(user.id)) {
    if (organization.siret == siret) return true;
  }
  return false;
}
using HState = domain::HabilitationState;

// At most this much text in a reason (as app/instruction.cc).
constexpr std::size_t kMaxReasonBytes = 10000;
// A transfer decided on a request that another write changed meanwhile is
// decided again on the new one, this many times at most.
constexpr int kTransferAttempts = 3;

const char* const kNotFound = "Demande introuvable.";
const char* const kHabilitationNotFound = "Habilitation introuvable.";
const char* const kStale = "La demande a été modifiée entre-temps : relisez-la puis recommencez.";

Outcome refusal(Kind kind, std::string message, std::optional<storage::Request> request = std::nullopt) {
  return {kind, std::move(message), std::move(request), std::nullopt};
}

bool is_applicant(const domain::Actor& actor, const domain::RequestView& view) {
  return actor.user_id == view.applicant_user_id && actor.current_siret == view.organization_siret;
}

bool is_member(const domain::Actor& actor, const domain::RequestView& view) {
  return !actor.current_siret.empty() && actor.current_siret == view.organization_siret;
}

std::string definition_name(const catalog::Catalog& catalog, const std::string& definition_id) {
  if (const auto* definition = catalog.module().find_definition(definition_id)) return definition->name;
  return definition_id;
}

// A reason the actor must give: nullopt when it is fine, else the 422 message.
std::optional<std::string> reason_problem(const std::optional<std::string>& reason, const char* missing) {
  if (!reason || !formc::rt::has_text(*reason)) return std::string(missing);
  if (reason->size() > kMaxReasonBytes || !formc::rt::is_valid_utf8(*reason)) {
    return "Le texte dépasse " + std::to_string(kMaxReasonBytes) + " octets ou est mal encodé.";
  }
  return std::nullopt;
}

// The email as users are stored (lower-cased by the login), spaces trimmed.
std::string normalized_email(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  std::string email(text.substr(first, last - first + 1));
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return email;
}

}  // namespace

MemberTransfer member_transfer(const domain::Actor& actor, domain::RequestView view, bool applicant) {
  view.features.transfer = true;
  const auto action = applicant ? domain::Action::TransferToColleague : domain::Action::TakeOver;
  return {action, domain::can(actor, action, view)};
}

Outcome Lifecycle::commit(const storage::StateChange& change) {
  auto written = store_.change_state(change);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: return {Kind::Ok, "", std::move(written.request), std::move(written.habilitation)};
    case storage::WriteOutcome::NotFound: return refusal(Kind::NotFound, kNotFound);
    case storage::WriteOutcome::WrongState:
    case storage::WriteOutcome::Stale: return refusal(Kind::Stale, kStale, std::move(written.request));
  }
  return refusal(Kind::NotFound, kNotFound);
}

// ---- Update ("Mettre à jour", LIFECYCLE.md §2.3) -------------------------------

Outcome Lifecycle::reopen(const domain::Actor& actor, std::int64_t habilitation_id) {
  const auto catalog = catalogs_.current();
  const auto habilitation = store_.find_habilitation(habilitation_id);
  const auto request = habilitation ? store_.find_request_by_id(habilitation->request_id) : std::nullopt;
  if (!request) return refusal(Kind::NotFound, kHabilitationNotFound);
  const auto view = view_of(*request, *catalog, store_);
  const auto verdict = domain::can(actor, domain::Action::Reopen, view);
  switch (verdict) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kHabilitationNotFound);
    case domain::Verdict::Forbidden:
      if (!view.features.reopening && is_applicant(actor, view)) {
        return refusal(Kind::Forbidden,
                       "La mise à jour des habilitations n’est pas disponible pour « " +
                           definition_name(*catalog, request->definition_id) + " ».",
                       request);
      }
      return refusal(Kind::Forbidden, "Seul le demandeur peut mettre à jour cette habilitation.", request);
    case domain::Verdict::WrongState:
    case domain::Verdict::Allowed: break;
  }
  // The habilitation itself: the latest one, still active.
  if (habilitation->state == HState::Revoked) {
    return refusal(Kind::WrongState, "Cette habilitation a été révoquée : elle ne peut pas être mise à jour.", request);
  }
  // The latest of its stage (of its definition): for a single-stage
  // definition, the request's latest (app/stages.h).
  const auto all = store_.habilitations_of(request->id);
  std::optional<storage::Habilitation> latest;
  for (const auto& h : all) {
    if (h.definition_id == habilitation->definition_id) latest = h;
  }
  if (habilitation->state == HState::Obsolete || (latest && latest->id != habilitation->id)) {
    return refusal(Kind::WrongState,
                   "Cette habilitation est obsolète, elle a été remplacée par l’habilitation N°" +
                       std::to_string(latest ? latest->id : habilitation->id) +
                       " : seule la dernière habilitation peut être mise à jour.",
                   request);
  }
  if (verdict == domain::Verdict::WrongState) {
    return refusal(Kind::WrongState,
                   view.facts.reopening ? "Une mise à jour de cette habilitation est déjà en cours."
                                        : "Cette habilitation ne peut pas être mise à jour dans l’état actuel de la demande.",
                   request);
  }
  // Multi-stage (LIFECYCLE.md §2.3): production only if the newest
  // habilitation is not a sandbox one; the sandbox only while validated.
  if (!stage_reopenable(*habilitation, all, *request, *catalog)) {
    return refusal(Kind::WrongState,
                   stage_of(*catalog, habilitation->definition_id) == Stage::Production
                       ? "Votre habilitation bac à sable est plus récente : démarrez votre demande d’habilitation en "
                         "production pour mettre à jour la production."
                       : "Cette habilitation ne peut pas être mise à jour dans l’état actuel de la demande.",
                   request);
  }
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *domain::next_state(domain::Event::Reopen, request->state, view.facts, domain::Party::Applicant);
  change.event = std::string(domain::to_string(domain::Event::Reopen));
  change.actor_user_id = actor.user_id;
  change.start_reopening = true;
  change.habilitation_id = habilitation->id;
  // Reopening the sandbox of a request now in production turns it back into
  // the sandbox request (form, definition, data of that habilitation).
  if (habilitation->definition_id != request->definition_id) {
    const std::string hash = catalog->definition_hash(habilitation->definition_id);
    change.switch_form = storage::StateChange::FormSwitch{habilitation->form_uid, habilitation->definition_id,
                                                          hash.empty() ? habilitation->definition_hash : hash};
    change.data_json = habilitation->data_json;
    change.restore_documents_from = habilitation->id;  // its files come with its data (issue 12)
  }
  return commit(change);
}

Outcome Lifecycle::cancel_reopening(const domain::Actor& actor, std::int64_t request_id,
                                    const std::optional<std::string>& reason) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  const auto event = domain::Event::CancelReopening;
  switch (domain::can(actor, domain::Action::CancelReopening, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden:
      return refusal(Kind::Forbidden, "Seuls le demandeur et les instructeurs peuvent annuler cette mise à jour.", request);
    case domain::Verdict::WrongState:
      if (!view.facts.reopening) return refusal(Kind::WrongState, "Aucune mise à jour n’est en cours sur cette demande.", request);
      return refusal(Kind::WrongState,
                     "La demande de mise à jour a été envoyée : seul un instructeur peut encore l’annuler.", request);
    case domain::Verdict::Allowed: break;
  }
  // The applicant cancels without a reason; an instructor must give one.
  const bool as_applicant =
      is_applicant(actor, view) && domain::next_state(event, view.state, view.facts, domain::Party::Applicant);
  std::optional<std::string> stored_reason;
  if (!as_applicant) {
    if (auto problem = reason_problem(reason, "Indiquez la raison de l’annulation de la réouverture.")) {
      return refusal(Kind::Invalid, std::move(*problem), request);
    }
    stored_reason = reason;
  }
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *domain::next_state(event, view.state, view.facts,
                                  as_applicant ? domain::Party::Applicant : domain::Party::Instructor);
  change.event = std::string(domain::to_string(event));
  change.actor_user_id = actor.user_id;
  change.reason = stored_reason;
  // Data, and so documents, back from the habilitation the update started from.
  if (const auto restored = habilitation_to_restore(store_, request->id)) {
    change.data_json = restored->data_json;
    change.habilitation_id = restored->id;
    change.restore_documents_from = restored->id;  // the removed files come back (issue 12)
  }
  return commit(change);
}

// ---- Transfer (LIFECYCLE.md §2.4) ----------------------------------------------

Outcome Lifecycle::transfer(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& email) {
  Outcome outcome;
  for (int attempt = 0; attempt < kTransferAttempts; ++attempt) {
    outcome = transfer_once(actor, request_id, email);
    if (outcome.kind != Kind::Stale) break;
  }
  return outcome;
}

Outcome Lifecycle::transfer_once(const domain::Actor& actor, std::int64_t request_id,
                                 const std::optional<std::string>& email) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  const bool applicant = is_applicant(actor, view);
  const auto own = store_.find_user(actor.user_id);
  const std::string target_email = email ? normalized_email(*email) : "";
  const bool to_self = !email || (own && target_email == own->email);
  // Which variant: the applicant hands it on; a colleague takes it
  // (without an email, or with their own); anyone else is an instructor
  // (or is refused as one).
  domain::Action action = domain::Action::TransferByInstructor;
  if (applicant) {
    action = domain::Action::TransferToColleague;
  } else if (to_self && is_member(actor, view)) {
    action = domain::Action::TakeOver;
  }
  const auto verdict = domain::can(actor, action, view);
  if (verdict == domain::Verdict::NotVisible) return refusal(Kind::NotFound, kNotFound);
  if (verdict == domain::Verdict::Forbidden) {
    // Refused only because the definition turns transfer off: DataPass's
    // "Transfert manuel requis".
    auto with_transfer = view;
    with_transfer.features.transfer = true;
    if (!view.features.transfer && domain::can(actor, action, with_transfer) != domain::Verdict::Forbidden) {
      return refusal(Kind::Forbidden,
                     "La fonctionnalité de transfert automatique n'est pas disponible pour « " +
                         definition_name(*catalog, request->definition_id) +
                         " ». Pour transférer cette demande, contactez le fournisseur de données par email : la "
                         "nouvelle personne doit s'être connectée au moins une fois à DataPass avec l'organisation "
                         "de la demande (numéro de siret " +
                         request->organization_siret + ").",
                     request);
    }
    if (is_member(actor, view) && !applicant) {
      return refusal(Kind::Forbidden,
                     "Vous ne pouvez transférer la demande d’un collègue que vers votre propre compte.", request);
    }
    return refusal(Kind::Forbidden, "Vous n’avez pas le droit de transférer cette demande.", request);
  }
  if (verdict == domain::Verdict::WrongState) {
    return refusal(Kind::WrongState,
                   request->state == storage::RequestState::Archived
                       ? "Une demande supprimée ne peut pas être transférée."
                       : "Une demande en brouillon ne peut pas être transférée : seules les demandes déjà envoyées "
                         "ou les mises à jour d’une habilitation le peuvent.",
                   request);
  }

  // The new applicant.
  const std::string& siret = request->organization_siret;
  std::optional<storage::User> target;
  if (action == domain::Action::TakeOver) {
    target = own;
  } else {
    if (!email || target_email.empty()) return refusal(Kind::Invalid, "Indiquez l’email du nouveau demandeur.", request);
    target = store_.find_user_by_email(target_email);
    // An account exists once its user has signed in (a role granted by
    // email alone makes a user without organisation).
    if (target && target->organization_siret.empty()) target.reset();
  }
  // LIFECYCLE.md §2.4: the new applicant needs only to *have* the request's
  // organisation among their organisations, not as their current one; the
  // request stays in its organisation then.
  const bool target_belongs = target && belongs_to(store_, *target, siret);
  const bool same_person = target && target->id == request->user_id && target_belongs;
  if (action == domain::Action::TransferToColleague) {
    if (same_person || (own && target_email == own->email)) {
      return refusal(Kind::Invalid, "Vous ne pouvez pas transférer cette demande à la même personne", request);
    }
    if (!target) {
      return refusal(Kind::Invalid,
                     "Le destinataire ne possède pas de compte sur DataPass, il doit d'abord se connecter sur DataPass "
                     "et sélectionner la même organisation (numero de siret " +
                         siret + ") que la demande d'habilitation.",
                     request);
    }
    if (!target_belongs) {
      return refusal(Kind::Invalid,
                     "Le destinataire n'appartient pas à la même organisation (numero de siret " + siret +
                         ") que la demande d'habilitation. Celui-ci doit d'abord se connecter via ProConnect avec "
                         "cette organisation.",
                     request);
    }
  } else if (action == domain::Action::TransferByInstructor) {
    if (!target) {
      return refusal(Kind::Invalid,
                     "Aucun utilisateur n'a été trouvé avec l'email fourni. L'utilisateur doit créer un compte pour "
                     "que le transfert soit possible.",
                     request);
    }
    if (same_person) {
      return refusal(Kind::Invalid, "Vous ne pouvez pas transférer cette demande à la même personne", request);
    }
    // Admins move requests to another organisation (DataPass's admin space).
    if (!target_belongs && !actor.roles.is_admin()) {
      return refusal(Kind::Invalid, "L'utilisateur doit appartenir à la même organisation (numéro de siret: " + siret + ").",
                     request);
    }
  }
  if (!target) return refusal(Kind::NotFound, kNotFound);  // the actor's own user vanished

  const auto previous = store_.find_user(request->user_id);
  storage::Transfer transfer;
  transfer.request_id = request->id;
  transfer.state = request->state;
  transfer.from_user_id = request->user_id;
  transfer.from_organization_siret = siret;
  transfer.to_user_id = target->id;
  transfer.to_organization_siret = target_belongs ? siret : target->organization_siret;
  transfer.actor_user_id = actor.user_id;
  // The history's record: "X a transféré la demande à <Nom> (<email>)".
  nlohmann::json changes = nlohmann::json::array();
  changes.push_back({{"field", "applicant"},
                     {"label", "Demandeur"},
                     {"from", previous ? previous->email : std::string()},
                     {"to", target->email},
                     {"to_name", target->name}});
  if (transfer.to_organization_siret != siret) {
    changes.push_back(
        {{"field", "organization_siret"}, {"label", "Organisation (SIRET)"}, {"from", siret}, {"to", transfer.to_organization_siret}});
  }
  transfer.changes_json = changes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  storage::Request moved = *request;
  moved.user_id = target->id;
  moved.organization_siret = target->organization_siret;
  EventContext context;
  context.reopening = request->reopening();
  context.previous_applicant_id = request->user_id;
  transfer.outbox = emails_for_event(store_, *catalog, "transfer", moved, std::nullopt, public_url_, context);
  auto written = store_.transfer_request(transfer);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: return {Kind::Ok, "", std::move(written.request), std::nullopt};
    case storage::WriteOutcome::NotFound: return refusal(Kind::NotFound, kNotFound);
    case storage::WriteOutcome::WrongState:
    case storage::WriteOutcome::Stale: break;
  }
  return refusal(Kind::Stale, kStale, std::move(written.request));
}

// ---- Revocation (LIFECYCLE.md §2.5) --------------------------------------------

Outcome Lifecycle::revoke_request(const domain::Actor& actor, std::int64_t request_id,
                                  const std::optional<std::string>& reason) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::Revoke, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden:
      return refusal(Kind::Forbidden, "Seuls les instructeurs de cette démarche peuvent révoquer une habilitation.", request);
    case domain::Verdict::WrongState:
      return refusal(Kind::WrongState,
                     view.facts.reopening
                         ? "Une mise à jour de cette habilitation est en cours : annulez-la avant de révoquer la demande."
                         : "Seule une demande validée peut être révoquée.",
                     request);
    case domain::Verdict::Allowed: break;
  }
  if (auto problem = reason_problem(reason, "Indiquez les motifs de révocation.")) {
    return refusal(Kind::Invalid, std::move(*problem), request);
  }
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *domain::next_state(domain::Event::Revoke, view.state, view.facts, domain::Party::Instructor);
  change.event = std::string(domain::to_string(domain::Event::Revoke));
  change.actor_user_id = actor.user_id;
  change.reason = reason;
  change.revoke = storage::StateChange::Revocation::All;
  change.outbox = emails_for_event(store_, *catalog, change.event, *request, reason, public_url_);
  return commit(change);
}

Outcome Lifecycle::revoke_habilitation(const domain::Actor& actor, std::int64_t habilitation_id,
                                       const std::optional<std::string>& reason) {
  const auto catalog = catalogs_.current();
  const auto habilitation = store_.find_habilitation(habilitation_id);
  const auto request = habilitation ? store_.find_request_by_id(habilitation->request_id) : std::nullopt;
  if (!request) return refusal(Kind::NotFound, kHabilitationNotFound);
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::RevokeHabilitation, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kHabilitationNotFound);
    case domain::Verdict::Forbidden:
      return refusal(Kind::Forbidden, "Seuls les instructeurs de cette démarche peuvent révoquer une habilitation.", request);
    case domain::Verdict::WrongState:
    case domain::Verdict::Allowed: break;
  }
  if (habilitation->state == HState::Revoked) {
    return refusal(Kind::WrongState, "Cette habilitation est déjà révoquée.", request);
  }
  if (habilitation->state == HState::Obsolete) {
    return refusal(Kind::WrongState, "Cette habilitation est obsolète : elle a été remplacée et n’est plus valide.", request);
  }
  // The request becomes revoked with its last active habilitation, through
  // the table (from validated only: not while an update is in progress).
  bool others_active = false;
  for (const auto& h : store_.habilitations_of(request->id)) {
    if (h.id != habilitation->id && h.state == HState::Active) others_active = true;
  }
  std::optional<domain::RequestState> to = request->state;
  if (!others_active) to = domain::next_state(domain::Event::Revoke, view.state, view.facts, domain::Party::Instructor);
  if (!to) {
    return refusal(Kind::WrongState,
                   view.facts.reopening
                       ? "Une mise à jour de cette habilitation est en cours : annulez-la avant de révoquer l’habilitation."
                       : "Cette habilitation ne peut pas être révoquée dans l’état actuel de la demande.",
                   request);
  }
  if (auto problem = reason_problem(reason, "Indiquez les motifs de révocation.")) {
    return refusal(Kind::Invalid, std::move(*problem), request);
  }
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *to;
  change.event = std::string(domain::to_string(domain::Event::Revoke));
  change.actor_user_id = actor.user_id;
  change.reason = reason;
  change.revoke = storage::StateChange::Revocation::One;
  change.habilitation_id = habilitation->id;
  EventContext context;
  context.habilitation_id = habilitation->id;
  change.outbox = emails_for_event(store_, *catalog, change.event, *request, reason, public_url_, context);
  return commit(change);
}

}  // namespace formd::app
