// The policy of messaging (LIFECYCLE.md §2.7), every actor in every state:
// the applicant posts on their side and the instructors of the definition on
// theirs, in every state but archived; both read in every state; members of
// the organisation and reporters read a request once sent, never post;
// outsiders never learn it exists; `features.messaging` off refuses all.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "domain/policy.h"

using namespace formd::domain;
using S = RequestState;

namespace {

constexpr std::int64_t kApplicantId = 1;
const std::string kOrg = "21750001600019";
const std::string kOtherOrg = "13002526500013";

RequestView request_in(S state, bool messaging = true) {
  RequestView r;
  r.provider = "ans";
  r.definition_id = "api_pro_sante_connect";
  r.applicant_user_id = kApplicantId;
  r.organization_siret = kOrg;
  r.state = state;
  r.features.messaging = messaging;
  return r;
}

Actor actor(std::int64_t id, const std::string& siret, std::vector<std::string> roles = {}) {
  std::vector<Role> parsed;
  for (const auto& r : roles) parsed.push_back(*parse_role(r));
  return Actor{id, siret, Roles(std::move(parsed))};
}

}  // namespace

TEST_CASE("the applicant and instructors post and read in every state but archived, where they still read", "[domain][messaging]") {
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  const Actor provider_instructor = actor(4, kOtherOrg, {"ans:*:instructor"});
  const Actor manager = actor(5, kOtherOrg, {"ans:api_pro_sante_connect:manager"});
  const Actor admin = actor(6, kOtherOrg, {"admin"});
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    for (const Actor& a : {applicant, instructor, provider_instructor, manager, admin}) {
      CHECK(can(a, Action::PostMessage, request_in(s)) == (s == S::Archived ? Verdict::WrongState : Verdict::Allowed));
      CHECK(can(a, Action::ReadMessages, request_in(s)) == Verdict::Allowed);
    }
  }
}

TEST_CASE("members of the organisation and reporters read a sent request's messages and never post", "[domain][messaging]") {
  const Actor colleague = actor(2, kOrg);
  const Actor reporter = actor(7, kOtherOrg, {"ans:api_pro_sante_connect:reporter"});
  const Actor developer = actor(8, kOtherOrg, {"ans:api_pro_sante_connect:developer"});
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    for (const Actor& a : {colleague, reporter, developer}) {
      CHECK(can(a, Action::PostMessage, request_in(s)) == Verdict::Forbidden);
      CHECK(can(a, Action::ReadMessages, request_in(s)) == (s == S::Draft ? Verdict::WrongState : Verdict::Allowed));
    }
  }
  // The applicant acting for another organisation is an outsider there.
  CHECK(can(actor(kApplicantId, kOtherOrg), Action::PostMessage, request_in(S::Submitted)) == Verdict::NotVisible);
}

TEST_CASE("outsiders never learn of the conversation, and messaging off refuses everyone", "[domain][messaging]") {
  const Actor stranger = actor(99, kOtherOrg);
  const Actor other_definition = actor(98, kOtherOrg, {"ans:other_api:instructor", "dgfip:*:instructor"});
  const Actor applicant = actor(kApplicantId, kOrg);
  const Actor instructor = actor(3, kOtherOrg, {"ans:api_pro_sante_connect:instructor"});
  const Actor colleague = actor(2, kOrg);
  for (const S s : kAllRequestStates) {
    INFO(to_string(s));
    for (const Action action : {Action::PostMessage, Action::ReadMessages}) {
      CHECK(can(stranger, action, request_in(s)) == Verdict::NotVisible);
      CHECK(can(other_definition, action, request_in(s)) == Verdict::NotVisible);
      CHECK(can(stranger, action, request_in(s, false)) == Verdict::NotVisible);
      for (const Actor& a : {applicant, instructor, colleague}) {
        CHECK(can(a, action, request_in(s, false)) == Verdict::Forbidden);
      }
    }
    // Seeing the request itself does not depend on messaging.
    CHECK(can(colleague, Action::View, request_in(s, false)) == Verdict::Allowed);
  }
}
