// Storage contract: messaging (LIFECYCLE.md §2.7). post_message writes the
// message, its history event, its emails and the other side's unread
// counter in one transaction, or nothing (unknown request, request no longer
// in the state decided on, a failing write); the request itself does not
// change; reading as a side resets that side's counter only; the lists read
// the counters of many requests at once.
#include <string>
#include <thread>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;
using Party = formd::storage::MessageParty;

namespace {

NewMessage message_on(const Request& r, const User& author, Party from, std::string body,
                      std::vector<OutboxMessage> outbox = {}) {
  NewMessage m;
  m.request_id = r.id;
  m.user_id = author.id;
  m.from = from;
  m.body = std::move(body);
  m.state = r.state;
  m.outbox = std::move(outbox);
  return m;
}

UnreadMessages unread(Store& store, std::int64_t request_id) {
  const auto all = store.unread_messages({request_id});
  const auto it = all.find(request_id);
  return it == all.end() ? UnreadMessages{} : it->second;
}

// footprint() and what messaging adds: the conversation and the counters.
std::string messaging_footprint(Store& store, std::int64_t request_id) {
  std::string out = footprint(store, request_id);
  for (const auto& m : store.messages_of(request_id)) {
    out += "; message " + std::to_string(m.id) + " by " + std::to_string(m.user_id) +
           (m.from == Party::Applicant ? " applicant: " : " instructor: ") + m.body;
  }
  const auto u = unread(store, request_id);
  return out + "; unread " + std::to_string(u.applicant) + "/" + std::to_string(u.instructor);
}

const OutboxMessage kEmail{"email", R"({"to":["i@example.fr"],"template":"applicant_message"})"};

}  // namespace

FORMD_CONTRACT_CASE("an applicant's message is stored with its event, its emails and one more unread for the instructors") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto outbox_before = store.due_outbox(1000).size();
  clock.advance(30);

  const auto posted = store.post_message(message_on(r, applicant, Party::Applicant, "Bonjour <b>&</b> 'é'", {kEmail, kEmail}));
  REQUIRE(posted.outcome == WriteOutcome::Ok);
  REQUIRE(posted.message);
  CHECK(posted.message->id > 0);
  CHECK(posted.message->request_id == r.id);
  CHECK(posted.message->user_id == applicant.id);
  CHECK(posted.message->from == Party::Applicant);
  CHECK(posted.message->body == "Bonjour <b>&</b> 'é'");
  CHECK(posted.message->created_at == kStartTime + 30);

  const auto messages = store.messages_of(r.id);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].id == posted.message->id);
  CHECK(messages[0].body == "Bonjour <b>&</b> 'é'");
  CHECK(messages[0].from == Party::Applicant);

  const auto events = store.events_of(r.id);
  CHECK(events[0].name == "applicant_message");
  CHECK(events[0].user_id == applicant.id);
  CHECK(events[0].created_at == kStartTime + 30);
  CHECK(store.due_outbox(1000).size() == outbox_before + 2);

  CHECK(unread(store, r.id) == UnreadMessages{0, 1});
  // The request itself is untouched: a message does not make edits stale.
  const auto after = store.find_request_by_id(r.id);
  CHECK(after->version == r.version);
  CHECK(after->updated_at == r.updated_at);
  CHECK(after->state == S::Submitted);
}

FORMD_CONTRACT_CASE("instructor messages count for the applicant, applicant messages for the instructors, oldest first") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  const auto r = store.create_request(new_request(applicant.id, kSiretA));  // a draft: messaging works in every state
  REQUIRE(store.post_message(message_on(r, instructor, Party::Instructor, "un")).outcome == WriteOutcome::Ok);
  clock.advance(1);
  REQUIRE(store.post_message(message_on(r, instructor, Party::Instructor, "deux")).outcome == WriteOutcome::Ok);
  CHECK(unread(store, r.id) == UnreadMessages{2, 0});
  CHECK(store.events_of(r.id)[0].name == "instructor_message");
  CHECK(store.events_of(r.id)[0].user_id == instructor.id);
  clock.advance(1);
  REQUIRE(store.post_message(message_on(r, applicant, Party::Applicant, "trois")).outcome == WriteOutcome::Ok);
  CHECK(unread(store, r.id) == UnreadMessages{2, 1});

  const auto messages = store.messages_of(r.id);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].body == "un");
  CHECK(messages[1].body == "deux");
  CHECK(messages[2].body == "trois");
  CHECK(messages[0].from == Party::Instructor);
  CHECK(messages[2].from == Party::Applicant);
  CHECK(messages[0].id < messages[1].id);
  CHECK(messages[1].id < messages[2].id);
  CHECK(store.events_of(r.id).size() == 4);  // create + three messages
}

FORMD_CONTRACT_CASE("reading as one side resets that side's counter only, and reading again changes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  const auto r = submitted_request(store, applicant, kSiretA);
  store.post_message(message_on(r, instructor, Party::Instructor, "question"));
  store.post_message(message_on(r, applicant, Party::Applicant, "réponse"));
  store.post_message(message_on(r, applicant, Party::Applicant, "précision"));
  CHECK(unread(store, r.id) == UnreadMessages{1, 2});

  store.mark_messages_read(r.id, Party::Applicant);
  CHECK(unread(store, r.id) == UnreadMessages{0, 2});
  store.mark_messages_read(r.id, Party::Applicant);
  CHECK(unread(store, r.id) == UnreadMessages{0, 2});
  store.mark_messages_read(r.id, Party::Instructor);
  CHECK(unread(store, r.id) == UnreadMessages{0, 0});
  CHECK(store.unread_messages({r.id}).empty());  // nothing unread: absent from the answer

  // A new message counts again from 0; reading writes no event.
  const auto events = store.events_of(r.id).size();
  store.post_message(message_on(r, instructor, Party::Instructor, "encore"));
  CHECK(unread(store, r.id) == UnreadMessages{1, 0});
  store.mark_messages_read(r.id, Party::Instructor);  // not the instructors' messages to read
  CHECK(unread(store, r.id) == UnreadMessages{1, 0});
  CHECK(store.events_of(r.id).size() == events + 1);
  // An unknown request: nothing to reset, no failure.
  store.mark_messages_read(r.id + 1000, Party::Applicant);
  CHECK(store.messages_of(r.id + 1000).empty());
}

FORMD_CONTRACT_CASE("unread_messages answers for many requests at once, only those with something unread") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  std::vector<std::int64_t> ids;
  // More than any single statement's worth of parameters a backend might bind.
  for (int i = 0; i < 1200; ++i) ids.push_back(store.create_request(new_request(applicant.id, kSiretA)).id);
  const auto first = *store.find_request_by_id(ids.front());
  const auto middle = *store.find_request_by_id(ids[700]);
  const auto last = *store.find_request_by_id(ids.back());
  store.post_message(message_on(first, applicant, Party::Applicant, "a"));
  store.post_message(message_on(middle, instructor, Party::Instructor, "b"));
  store.post_message(message_on(middle, instructor, Party::Instructor, "c"));
  store.post_message(message_on(last, applicant, Party::Applicant, "d"));
  store.mark_messages_read(last.id, Party::Instructor);

  ids.push_back(ids.back() + 5000);  // unknown ids are simply absent
  const auto all = store.unread_messages(ids);
  CHECK(all.size() == 2);
  CHECK(all.at(first.id) == UnreadMessages{0, 1});
  CHECK(all.at(middle.id) == UnreadMessages{2, 0});
  CHECK(all.count(last.id) == 0);
  CHECK(store.unread_messages({}).empty());
}

FORMD_CONTRACT_CASE("a message on an unknown request is NotFound and writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto before = messaging_footprint(store, r.id);
  auto m = message_on(r, applicant, Party::Applicant, "perdu", {kEmail});
  m.request_id = r.id + 1000;
  const auto posted = store.post_message(m);
  CHECK(posted.outcome == WriteOutcome::NotFound);
  CHECK_FALSE(posted.message);
  CHECK_FALSE(posted.request);
  CHECK(messaging_footprint(store, r.id) == before);
  CHECK(store.messages_of(r.id + 1000).empty());
  CHECK(store.unread_messages({r.id + 1000}).empty());
  CHECK(store.events_of(r.id + 1000).empty());
}

FORMD_CONTRACT_CASE("a message on a request no longer in the decided state is WrongState and writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  const auto r = submitted_request(store, applicant, kSiretA);
  // Decided on while submitted; archived meanwhile.
  const auto decided = message_on(r, instructor, Party::Instructor, "trop tard", {kEmail});
  const auto archived = store.change_state(state_change(r, S::Archived, "archive", instructor.id));
  REQUIRE(archived.outcome == WriteOutcome::Ok);
  const auto before = messaging_footprint(store, r.id);
  const auto posted = store.post_message(decided);
  CHECK(posted.outcome == WriteOutcome::WrongState);
  CHECK_FALSE(posted.message);
  REQUIRE(posted.request);
  CHECK(posted.request->state == S::Archived);
  CHECK(messaging_footprint(store, r.id) == before);
}

FORMD_CONTRACT_CASE("a message whose email cannot be stored is rolled back whole") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto before = messaging_footprint(store, r.id);
  // The outbox refuses a payload that is not JSON: the message, its event
  // and the counter, written before it in the transaction, must go too.
  const auto m = message_on(r, applicant, Party::Applicant, "bonjour", {kEmail, {"email", "not json"}});
  CHECK_THROWS_AS(store.post_message(m), StorageError);
  CHECK(messaging_footprint(store, r.id) == before);
  // And the store still works.
  CHECK(store.post_message(message_on(r, applicant, Party::Applicant, "bonjour")).outcome == WriteOutcome::Ok);
  CHECK(store.messages_of(r.id).size() == 1);
}

FORMD_CONTRACT_CASE("an empty message is refused with a StorageError and writes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  const auto before = messaging_footprint(store, r.id);
  CHECK_THROWS_AS(store.post_message(message_on(r, applicant, Party::Applicant, "")), StorageError);
  CHECK(messaging_footprint(store, r.id) == before);
}

FORMD_CONTRACT_CASE("messages posted at once from several threads are all stored and all counted") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.ensure_user("i@example.fr");
  const auto r = submitted_request(store, applicant, kSiretA);
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const auto& author = t % 2 ? instructor : applicant;
        const auto from = t % 2 ? Party::Instructor : Party::Applicant;
        if (store.post_message(message_on(r, author, from, "m" + std::to_string(t) + "-" + std::to_string(i))).outcome ==
            WriteOutcome::Ok) {
          ++ok[t];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) CHECK(ok[t] == kEach);
  CHECK(store.messages_of(r.id).size() == kThreads * kEach);
  CHECK(unread(store, r.id) == UnreadMessages{2 * kEach, 2 * kEach});
  CHECK(store.events_of(r.id).size() == 2 + kThreads * kEach);  // create, submit, the messages
}

FORMD_CONTRACT_CROSS_CONNECTION_CASE("another connection sees the messages and counters one wrote") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = submitted_request(store, applicant, kSiretA);
  auto second = database.open_second();
  REQUIRE(second->post_message(message_on(r, applicant, Party::Applicant, "d'ailleurs")).outcome == WriteOutcome::Ok);
  REQUIRE(store.messages_of(r.id).size() == 1);
  CHECK(store.messages_of(r.id)[0].body == "d'ailleurs");
  CHECK(unread(store, r.id) == UnreadMessages{0, 1});
  store.mark_messages_read(r.id, Party::Instructor);
  CHECK(second->unread_messages({r.id}).empty());
}
