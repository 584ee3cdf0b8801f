#include "app/submission.h"

#include "app/changelog.h"
#include "app/notifications.h"

namespace formd::app {

using Kind = Outcome::Kind;

Outcome Submission::submit(const domain::Actor& actor, std::int64_t request_id, std::int64_t expected_version,
                           const nlohmann::json& data) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::Submit, view)) {
    case domain::Verdict::NotVisible: return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
    case domain::Verdict::Forbidden:
      return {Kind::Forbidden, "Seul le demandeur peut soumettre cette demande.", request, std::nullopt};
    case domain::Verdict::WrongState:
      return {Kind::WrongState, "La demande n’est plus un brouillon.", request, std::nullopt};
    case domain::Verdict::Allowed: break;
  }
  if (request->version != expected_version) {
    return {Kind::Stale, "La demande a été modifiée entre-temps : relisez-la puis recommencez.", request, std::nullopt};
  }
  // An update is sent only once something differs from the habilitation it
  // updates ("Envoyer ma demande de modification", LIFECYCLE.md §2.3).
  std::optional<storage::Habilitation> updated;
  if (request->reopening()) updated = habilitation_to_restore(store_, request->id);
  if (updated && nlohmann::json::parse(updated->data_json, nullptr, false) == data) {
    return {Kind::Invalid, "Vous devez effectuer à minima un changement si vous voulez soumettre cette demande.", request,
            std::nullopt};
  }
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = expected_version;
  change.from = request->state;
  change.to = *domain::next_state(domain::Event::Submit, request->state, view.facts, domain::Party::Applicant);
  change.event = std::string(domain::to_string(domain::Event::Submit));
  change.actor_user_id = actor.user_id;
  change.data_json = data.dump();
  // A resubmission records what changed since the data last submitted; an
  // update sent from its draft, what changed since its habilitation.
  std::optional<std::string> before_text;
  if (request->state == storage::RequestState::ChangesRequested && request->submitted_data_json) {
    before_text = request->submitted_data_json;
  } else if (request->state == storage::RequestState::Draft && updated) {
    before_text = updated->data_json;
  }
  if (before_text) {
    if (const auto* definition = catalog->find_definition(request->definition_id)) {
      const auto before = nlohmann::json::parse(*before_text, nullptr, false);
      change.changes_json = changelog(*definition, before, data).dump();
    }
  }
  // The emails read the request as the submission leaves it.
  storage::Request submitted = *request;
  submitted.state = change.to;
  submitted.data_json = *change.data_json;
  EventContext context;
  context.reopening = request->reopening();
  change.outbox = emails_for_event(store_, *catalog, change.event, submitted, std::nullopt, public_url_, context);
  auto written = store_.change_state(change);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: return {Kind::Ok, "", std::move(written.request), std::nullopt};
    case storage::WriteOutcome::NotFound: return {Kind::NotFound, "Demande introuvable.", std::nullopt, std::nullopt};
    case storage::WriteOutcome::WrongState:
      return {Kind::WrongState, "La demande n’est plus un brouillon.", std::move(written.request), std::nullopt};
    case storage::WriteOutcome::Stale: break;
  }
  return {Kind::Stale, "La demande a été modifiée entre-temps : relisez-la puis recommencez.", std::move(written.request),
          std::nullopt};
}

}  // namespace formd::app
