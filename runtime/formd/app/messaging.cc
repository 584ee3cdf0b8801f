#include "app/messaging.h"

#include "app/notifications.h"
#include "formc/runtime/strings.h"

namespace formd::app {

namespace {

using Kind = Outcome::Kind;
using Party = storage::MessageParty;

// A post decided on a request whose state changed meanwhile is decided
// again on the new one, this many times at most.
constexpr int kPostAttempts = 3;

const char* const kNotFound = "Demande introuvable.";
const char* const kMessagingOff = "La messagerie n’est pas disponible pour cette démarche.";

Conversation refusal(Kind kind, std::string message, std::optional<storage::Request> request = std::nullopt) {
  Conversation c;
  c.kind = kind;
  c.message = std::move(message);
  c.request = std::move(request);
  return c;
}

storage::UnreadMessages unread_of(storage::Store& store, std::int64_t request_id) {
  const auto all = store.unread_messages({request_id});
  const auto it = all.find(request_id);
  return it == all.end() ? storage::UnreadMessages{} : it->second;
}

bool allowed_control(unsigned char c) { return c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::optional<Party> Messaging::side_of(const domain::Actor& actor, const domain::RequestView& view) {
  if (actor.user_id == view.applicant_user_id && actor.current_siret == view.organization_siret) return Party::Applicant;
  if (actor.roles.has(domain::RoleKind::Instructor, view.provider, view.definition_id)) return Party::Instructor;
  return std::nullopt;
}

std::optional<std::string> Messaging::body_problem(const std::optional<std::string>& body) {
  if (!body || !formc::rt::has_text(*body)) return std::string("Le champ « Corps du message » est requis.");
  if (body->size() > kMaxMessageBytes) {
    return "Le message dépasse " + std::to_string(kMaxMessageBytes) + " octets : raccourcissez-le.";
  }
  if (!formc::rt::is_valid_utf8(*body)) return std::string("Le message contient du texte mal encodé.");
  for (const char ch : *body) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && !allowed_control(c)) || c == 0x7f) {
      return std::string("Le message contient des caractères de contrôle.");
    }
  }
  return std::nullopt;
}

Conversation Messaging::read(const domain::Actor& actor, std::int64_t request_id, bool mark_read) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::ReadMessages, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden: return refusal(Kind::Forbidden, kMessagingOff, request);
    case domain::Verdict::WrongState:
      return refusal(Kind::WrongState,
                     "La messagerie d’une demande en brouillon n’est visible que de son demandeur et des instructeurs.",
                     request);
    case domain::Verdict::Allowed: break;
  }
  Conversation c;
  c.request = request;
  c.side = side_of(actor, view);
  c.can_post = domain::can(actor, domain::Action::PostMessage, view) == domain::Verdict::Allowed;
  // Read first, then reset: a message posted in between stays unread.
  c.messages = store_.messages_of(request->id);
  if (c.side && mark_read) store_.mark_messages_read(request->id, *c.side);
  c.unread = unread_of(store_, request->id);
  return c;
}

Conversation Messaging::post(const domain::Actor& actor, std::int64_t request_id, const std::optional<std::string>& body) {
  Conversation c;
  for (int attempt = 0; attempt < kPostAttempts; ++attempt) {
    c = post_once(actor, request_id, body.value_or(""));
    if (c.kind != Kind::Stale) break;
  }
  // The body's absence is judged by body_problem() in post_once (empty text).
  return c;
}

Conversation Messaging::post_once(const domain::Actor& actor, std::int64_t request_id, const std::string& body) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::PostMessage, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden:
      if (!view.features.messaging) return refusal(Kind::Forbidden, kMessagingOff, request);
      return refusal(Kind::Forbidden,
                     "Seuls le demandeur et les instructeurs de cette démarche peuvent écrire dans la messagerie.", request);
    case domain::Verdict::WrongState:
      return refusal(Kind::WrongState, "Une demande supprimée ne reçoit plus de messages.", request);
    case domain::Verdict::Allowed: break;
  }
  if (auto problem = body_problem(body)) return refusal(Kind::Invalid, std::move(*problem), request);
  const Party side = *side_of(actor, view);  // Allowed: the applicant or an instructor

  storage::NewMessage message;
  message.request_id = request->id;
  message.user_id = actor.user_id;
  message.from = side;
  message.body = body;
  message.state = request->state;
  const std::string event = side == Party::Applicant ? "applicant_message" : "instructor_message";
  message.outbox = emails_for_event(store_, *catalog, event, *request, std::nullopt, public_url_);
  auto written = store_.post_message(message);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: break;
    case storage::WriteOutcome::NotFound: return refusal(Kind::NotFound, kNotFound);
    case storage::WriteOutcome::WrongState:
    case storage::WriteOutcome::Stale:
      return refusal(Kind::Stale, "La demande a été modifiée entre-temps : relisez-la puis recommencez.",
                     std::move(written.request));
  }
  Conversation c;
  c.request = std::move(written.request);
  c.posted = std::move(written.message);
  c.side = side;
  c.can_post = true;
  c.messages = store_.messages_of(request->id);
  c.unread = unread_of(store_, request->id);
  return c;
}

}  // namespace formd::app
