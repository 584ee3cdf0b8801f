#include "storage/repository.h"

namespace formd::storage {

// These spellings are DataPass's and are what the database stores.
const char* to_string(RequestState state) {
  switch (state) {
    case RequestState::Draft:
      return "draft";
    case RequestState::Submitted:
      return "submitted";
  }
  return "unknown";  // unreachable for a valid enumerator; keeps -Wreturn-type quiet
}

std::optional<RequestState> request_state_from_string(std::string_view text) {
  if (text == "draft") return RequestState::Draft;
  if (text == "submitted") return RequestState::Submitted;
  return std::nullopt;
}

}  // namespace formd::storage
