// Use cases of messaging (issue 10, LIFECYCLE.md §2.7): the conversation
// between a request's applicant and the instructors of its definition.
//
//   read(D)      who may see the request and the "Messagerie" tab: the
//                applicant and instructors in every state, organisation
//                members and reporters once the request is sent (the
//                policy's ReadMessages). A party reading resets its side's
//                unread counter (the applicant's, or the instructors' shared
//                one); other readers reset nothing.
//   post(D, body) the applicant on the applicant's side, an instructor of the
//                definition on the instructors' (the policy's PostMessage:
//                not on an archived request). "Corps du message" is required,
//                at most kMaxMessageBytes of UTF-8 without control characters
//                besides line breaks and tabs. One transaction: the message,
//                the history event (applicant_message / instructor_message),
//                the emails (the applicant's message to each instructor of
//                the definition, "Nouveau message concernant …"; an
//                instructor's to the applicant, "Vous avez reçu un nouveau
//                message …") and +1 on the other side's unread counter.
//
// The definition's `features.messaging` off refuses both (Forbidden: the
// tab is not shown). Contract: nothing is written unless the outcome is Ok
// (reading writes only the reader's counter). Outcomes map to HTTP as
// app/instruction.h: NotFound 404 (absent, or not visible to the actor),
// Forbidden 403 (visible, but not theirs to post, or messaging off),
// WrongState 409 (an archived request; a member or reporter reading a
// draft's messages), Invalid 422 (the body; `message` in French), Stale 409
// (the request kept changing under the post).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/instruction.h"

namespace formd::app {

// The most a message may hold.
inline constexpr std::size_t kMaxMessageBytes = 10000;

struct Conversation {
  Outcome::Kind kind = Outcome::Kind::Ok;
  std::string message;  // French, for a refusal
  std::optional<storage::Request> request;
  std::vector<storage::Message> messages;       // oldest first (Ok)
  std::optional<storage::Message> posted;       // post(): the new message (Ok)
  std::optional<storage::MessageParty> side;    // the actor's side, when they are a party
  bool can_post = false;                        // the form is offered to them
  storage::UnreadMessages unread;               // the counters after this call
};

class Messaging {
 public:
  Messaging(storage::Store& store, catalog::CatalogSource& catalogs, std::string public_url)
      : store_(store), catalogs_(catalogs), public_url_(std::move(public_url)) {}

  // `mark_read` false: the counters stay (a page shown again after a refused post).
  Conversation read(const domain::Actor& actor, std::int64_t request_id, bool mark_read = true);
  Conversation post(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& body);

  // The actor's side on `view`, if they are a party (the applicant first).
  [[nodiscard]] static std::optional<storage::MessageParty> side_of(const domain::Actor& actor,
                                                                    const domain::RequestView& view);
  // nullopt when `body` may be posted, else the 422 message.
  [[nodiscard]] static std::optional<std::string> body_problem(const std::optional<std::string>& body);

 private:
  Conversation post_once(const domain::Actor& actor, std::int64_t request_id, const std::string& body);

  storage::Store& store_;
  catalog::CatalogSource& catalogs_;
  std::string public_url_;
};

}  // namespace formd::app
