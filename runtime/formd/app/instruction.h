// Use cases of instruction (issue 9): approve, refuse, request changes,
// archive (and, for an update of a habilitation, LIFECYCLE.md §2.3: approve
// issues a new habilitation and makes the earlier ones obsolete; refuse
// goes back to validated with the habilitation's data; the emails are the
// reopening_* variants). Each one loads the request, asks the policy, lets the lifecycle
// table decide the next state, and has the store commit the state, its
// history event, the habilitation an approval issues and the emails to send
// (outbox, app/notifications.h: approve, refuse and request_changes email
// the applicant, approve the GDPR contacts too; archive sends nothing) in
// one transaction.
//
// Contract: nothing is written unless the outcome is Ok. Outcomes map to
// HTTP: NotFound 404 (absent, or not visible to the actor), Forbidden 403,
// WrongState 409, Invalid 422 (a missing reason; `message` says which, in
// French), Stale 409 (another write came first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "catalog/catalog_source.h"
#include "domain/policy.h"
#include "storage/repository.h"

namespace formd::app {

struct Outcome {
  enum class Kind { Ok, NotFound, Forbidden, WrongState, Invalid, Stale };
  Kind kind = Kind::Ok;
  std::string message;  // French, for the answer
  std::optional<storage::Request> request;
  std::optional<storage::Habilitation> habilitation;
};

// The actor behind a logged-in user: their organisation and stored roles.
[[nodiscard]] domain::Actor actor_of(const storage::User& user, storage::Store& store);

// The policy's view of a stored request, with the facts its guards read:
// has_active_habilitation, reopening (the stored reopened_at) and reopenable
// (its latest habilitation is active and no update is in progress).
[[nodiscard]] domain::RequestView view_of(const storage::Request& request, const catalog::Catalog& catalog,
                                          storage::Store& store);

// The habilitation whose data an update that ends without approval brings
// back (LIFECYCLE.md §2.3: cancelled or refused): the request's latest
// active one, else its latest; nullopt when it has none.
[[nodiscard]] std::optional<storage::Habilitation> habilitation_to_restore(storage::Store& store,
                                                                           std::int64_t request_id);

class Instruction {
 public:
  // `public_url`: where formd is reached, for the links in the emails
  // (AppOptions::public_url).
  Instruction(storage::Store& store, catalog::CatalogSource& catalogs, std::string public_url)
      : store_(store), catalogs_(catalogs), public_url_(std::move(public_url)) {}

  Outcome approve(const domain::Actor& actor, std::int64_t request_id, std::optional<std::string> message);
  Outcome refuse(const domain::Actor& actor, std::int64_t request_id, const std::string& reason);
  Outcome request_changes(const domain::Actor& actor, std::int64_t request_id, const std::string& reason);
  Outcome archive(const domain::Actor& actor, std::int64_t request_id);

 private:
  Outcome apply(const domain::Actor& actor, std::int64_t request_id, domain::Action action,
                std::optional<std::string> reason);

  storage::Store& store_;
  catalog::CatalogSource& catalogs_;
  std::string public_url_;
};

}  // namespace formd::app
