// Use cases of life with a habilitation (issue 10, LIFECYCLE.md §2.3–§2.5):
// update ("Mettre à jour": reopen, cancel), transfer, revocation. As
// app/instruction.h, each one loads the request, asks the policy
// (domain/policy.h), lets the lifecycle table (domain/lifecycle.h) decide
// the next state, and has the store commit the change with its history
// event and its emails (outbox) in one transaction.
//
//   reopen(H)             the applicant, on the latest active habilitation of
//                         a validated request whose definition allows it:
//                         the same request goes back to draft, reopened_at
//                         set; the habilitation stays active. No email.
//   cancel_reopening(D)   the applicant (draft or changes_requested update)
//                         or an instructor (any point of the update, reason
//                         required): validated again, data of the
//                         habilitation restored, the update over. No email.
//   transfer(D, email?)   the applicant to a colleague of the request's
//                         organisation (email required; an account, the
//                         same organisation, not themselves); a colleague
//                         without email takes it over (CAS 3); an instructor
//                         to a user of the organisation; an admin to a user
//                         of any organisation (the request moves there).
//                         State, data, ids and habilitations' states stay;
//                         an update in progress stays in progress. Emails:
//                         the new and the previous applicant.
//   revoke_request(D)     an instructor, on a validated request, reason
//                         required: revoked, every active habilitation too.
//   revoke_habilitation(H) an instructor, on an active habilitation, reason
//                         required: that one revoked; the request becomes
//                         revoked once none is active (refused while an
//                         update of it is in progress: cancel it first).
//                         Email: the applicant, with the reason.
//
// Contract: nothing is written unless the outcome is Ok. Outcomes map to
// HTTP as app/instruction.h: NotFound 404 (absent, or not visible to the
// actor), Forbidden 403 (visible, but not theirs to do, or the definition
// turns the feature off), WrongState 409 (a second reopen, an obsolete or
// revoked habilitation, a plain draft), Invalid 422 (a missing reason, a
// transfer target refused; `message` in French, DataPass's wording), Stale
// 409 (another write came first). Ok carries the request as it is now.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "app/instruction.h"

namespace formd::app {

// The transfer an organisation member would open on a request — the
// applicant's (CAS 2, TransferToColleague) or a colleague's take-over
// (CAS 3, TakeOver) — and the policy's verdict on it, whatever the
// definition's features.transfer says: where transfer is off, "Transférer"
// still shows and leads to the manual-transfer page (LIFECYCLE.md §2.4).
struct MemberTransfer {
  domain::Action action;
  domain::Verdict verdict;
};
[[nodiscard]] MemberTransfer member_transfer(const domain::Actor& actor, domain::RequestView view, bool applicant);

class Lifecycle {
 public:
  Lifecycle(storage::Store& store, catalog::CatalogSource& catalogs, std::string public_url)
      : store_(store), catalogs_(catalogs), public_url_(std::move(public_url)) {}

  Outcome reopen(const domain::Actor& actor, std::int64_t habilitation_id);
  Outcome cancel_reopening(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& reason);
  Outcome transfer(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& email);
  Outcome revoke_request(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& reason);
  Outcome revoke_habilitation(const domain::Actor& actor, std::int64_t habilitation_id,
                              const std::optional<std::string>& reason);

 private:
  // One attempt of a transfer, on the request as read now (transfer()
  // retries when another write came first).
  Outcome transfer_once(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& email);
  Outcome commit(const storage::StateChange& change);

  storage::Store& store_;
  catalog::CatalogSource& catalogs_;
  std::string public_url_;
};

}  // namespace formd::app
