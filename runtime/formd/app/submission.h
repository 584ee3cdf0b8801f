// Use case: the applicant submits a request (a draft, or a request whose
// changes were asked for). Asks the policy, lets the lifecycle table decide,
// and has the store commit the new state with the data submitted, the submit
// event (with the changelog of a resubmission) and the emails of the event
// (applicant and instructors, app/notifications.h) in one transaction.
//
// Contract: `data` has already passed the submit-context validation (the
// caller shows the errors at the fields, which this use case does not know
// how to render). Outcomes as app/instruction.h: NotFound 404 (absent or not
// visible), Forbidden 403 (visible, not the applicant), WrongState 409,
// Stale 409 (`expected_version` is not the request's version any more),
// Invalid 422 (an update of a habilitation whose data equals the
// habilitation's: nothing to send). An update sent from its draft records
// its changelog against the habilitation's data and sends the reopening_*
// emails (LIFECYCLE.md §2.3).
// Nothing is written unless the outcome is Ok.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "app/instruction.h"

namespace formd::app {

class Submission {
 public:
  Submission(storage::Store& store, catalog::CatalogSource& catalogs, std::string public_url)
      : store_(store), catalogs_(catalogs), public_url_(std::move(public_url)) {}

  Outcome submit(const domain::Actor& actor, std::int64_t request_id, std::int64_t expected_version,
                 const nlohmann::json& data);

 private:
  storage::Store& store_;
  catalog::CatalogSource& catalogs_;
  std::string public_url_;
};

}  // namespace formd::app
