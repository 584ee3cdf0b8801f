#include "domain/states.h"

namespace formd::domain {

std::string_view to_string(RequestState state) {
  switch (state) {
    case RequestState::Draft: return "draft";
    case RequestState::Submitted: return "submitted";
    case RequestState::ChangesRequested: return "changes_requested";
    case RequestState::Validated: return "validated";
    case RequestState::Refused: return "refused";
    case RequestState::Archived: return "archived";
    case RequestState::Revoked: return "revoked";
  }
  return "";
}

std::string_view to_string(HabilitationState state) {
  switch (state) {
    case HabilitationState::Active: return "active";
    case HabilitationState::Obsolete: return "obsolete";
    case HabilitationState::Revoked: return "revoked";
  }
  return "";
}

std::optional<RequestState> parse_request_state(std::string_view name) {
  for (const auto state : kAllRequestStates) {
    if (to_string(state) == name) return state;
  }
  return std::nullopt;
}

std::optional<HabilitationState> parse_habilitation_state(std::string_view name) {
  for (const auto state : kAllHabilitationStates) {
    if (to_string(state) == name) return state;
  }
  return std::nullopt;
}

std::string_view badge_label(RequestState state) {
  switch (state) {
    case RequestState::Draft: return "Brouillon";
    case RequestState::Submitted: return "En cours d'instruction";
    case RequestState::ChangesRequested: return "A modifier";
    case RequestState::Validated: return "Validée";
    case RequestState::Refused: return "Refusée";
    case RequestState::Archived: return "Supprimée";
    case RequestState::Revoked: return "Révoquée";
  }
  return "";
}

std::string_view badge_label(HabilitationState state) {
  switch (state) {
    case HabilitationState::Active: return "Active";
    case HabilitationState::Obsolete: return "Obsolète";
    case HabilitationState::Revoked: return "Révoquée";
  }
  return "";
}

}  // namespace formd::domain
