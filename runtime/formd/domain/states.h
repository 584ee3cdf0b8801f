// DataPass's states of a request and of a habilitation (DATAPASS.md §3,
// LIFECYCLE.md §2.0), with their stored names and French badge labels.
//
// Contract: no I/O. to_string() gives the name stored in the database and
// used by the JSON API and webhooks (DataPass's own); parse_*() accepts
// exactly those names.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace formd::domain {

enum class RequestState { Draft, Submitted, ChangesRequested, Validated, Refused, Archived, Revoked };
inline constexpr std::array kAllRequestStates = {
    RequestState::Draft,     RequestState::Submitted, RequestState::ChangesRequested, RequestState::Validated,
    RequestState::Refused,   RequestState::Archived,  RequestState::Revoked,
};

enum class HabilitationState { Active, Obsolete, Revoked };
inline constexpr std::array kAllHabilitationStates = {HabilitationState::Active, HabilitationState::Obsolete,
                                                      HabilitationState::Revoked};

[[nodiscard]] std::string_view to_string(RequestState state);
[[nodiscard]] std::string_view to_string(HabilitationState state);
[[nodiscard]] std::optional<RequestState> parse_request_state(std::string_view name);
[[nodiscard]] std::optional<HabilitationState> parse_habilitation_state(std::string_view name);

// The applicant's badge ("Brouillon", "En cours d'instruction", "A modifier",
// "Validée", "Refusée", "Supprimée", "Révoquée") and the habilitation's
// ("Active", "Obsolète", "Révoquée").
[[nodiscard]] std::string_view badge_label(RequestState state);
[[nodiscard]] std::string_view badge_label(HabilitationState state);

}  // namespace formd::domain
