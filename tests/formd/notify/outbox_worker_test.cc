// notify/outbox_worker.h against a real SQLite outbox (two stores on one
// file stand for two formd processes) and a scripted transport, on a
// ManualClock: what is sent, when it is tried again, when it is given up,
// and that nothing is sent twice.
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "notify/outbox_worker.h"
#include "storage/sqlite.h"
#include "storage/sqlite_store.h"
#include "test_support.h"

using formd::notify::Email;
using formd::notify::MailTransport;
using formd::notify::OutboxRunStats;
using formd::notify::OutboxWorker;
using formd::notify::OutboxWorkerOptions;
using formd::notify::SendResult;
using formd::storage::ManualClock;
using formd::storage::SqliteStore;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kStart = 1'800'000'000;

// Answers what the test scripted (then "sent"), and records every email.
class ScriptedTransport final : public MailTransport {
 public:
  SendResult send(const Email& email) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(email);
    if (script_.empty()) return SendResult::sent("250 accepted");
    SendResult result = script_.front();
    script_.pop_front();
    return result;
  }
  void then(SendResult result) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(result));
  }
  std::vector<Email> attempts() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::mutex mutex_;
  std::deque<SendResult> script_;
  std::vector<Email> sent_;
};

std::string payload(const std::string& to, const std::string& subject = "Objet") {
  return json{{"to", {to}}, {"subject", subject}, {"text", "Bonjour,\n"}, {"event", "refuse"}, {"request_id", 1}}.dump();
}

// Puts `payloads` in the outbox the way a use case does: with a state change.
void enqueue(SqliteStore& store, const std::vector<std::string>& payloads) {
  static int counter = 0;
  const auto user = store.upsert_user("demandeur" + std::to_string(++counter) + "@exemple.fr", "D", "11111111111111");
  formd::storage::NewRequest n{"form", "def", "sha256:x", "{}", user.id, "11111111111111"};
  auto r = store.create_request(n);
  r = *store.submit(r.id, r.organization_siret, r.version, r.data_json, user.id).request;
  formd::storage::StateChange change;
  change.request_id = r.id;
  change.expected_version = r.version;
  change.from = r.state;
  change.to = formd::domain::RequestState::Refused;
  change.event = "refuse";
  change.actor_user_id = user.id;
  change.reason = "raison";
  for (const auto& p : payloads) change.outbox.push_back({"email", p});
  REQUIRE(store.change_state(change).outcome == formd::storage::WriteOutcome::Ok);
}

struct Fixture {
  formd::notify::testing::TempDir temp;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(kStart);
  std::unique_ptr<SqliteStore> store = SqliteStore::open(temp.path(), clock);
  ScriptedTransport transport;
  std::vector<std::string> log;

  OutboxWorkerOptions options(formd::notify::RetryPolicy retry = {}) {
    OutboxWorkerOptions o;
    o.mail_from = "ne-pas-repondre@datapass.exemple.fr";
    o.retry = retry;
    o.batch_size = 2;  // small, so draining several batches is exercised
    return o;
  }
  OutboxWorker worker(OutboxWorkerOptions o) {
    return OutboxWorker(*store, transport, *clock, std::move(o), [this](std::string_view line) { log.emplace_back(line); });
  }
  std::int64_t count(const std::string& where) {
    formd::storage::sqlite::Connection db = formd::storage::sqlite::Connection::open(temp.path() / SqliteStore::kFileName);
    formd::storage::sqlite::Statement query(db, "SELECT COUNT(*) FROM outbox WHERE " + where, "test");
    REQUIRE(query.step());
    return query.int64(0);
  }
};

OutboxRunStats stats(std::size_t sent, std::size_t retried, std::size_t given_up, std::size_t not_claimed = 0) {
  return OutboxRunStats{sent, retried, given_up, not_claimed};
}

}  // namespace

TEST_CASE("worker: due emails are sent once, as written, and marked sent", "[outbox-worker]") {
  Fixture f;
  enqueue(*f.store, {payload("a@exemple.fr", "Premier"), payload("b@exemple.fr"), payload("c@exemple.fr")});
  auto worker = f.worker(f.options());

  CHECK(worker.run_once() == stats(3, 0, 0));  // two batches of 2 (the second one partial)
  const auto sent = f.transport.attempts();
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].from == "ne-pas-repondre@datapass.exemple.fr");
  CHECK(sent[0].to == std::vector<std::string>{"a@exemple.fr"});
  CHECK(sent[0].subject == "Premier");
  CHECK(sent[0].text_body == "Bonjour,\n");
  CHECK(sent[0].message_id.starts_with("outbox."));
  CHECK(sent[0].message_id.ends_with("@datapass.exemple.fr"));
  CHECK(sent[0].message_id != sent[1].message_id);
  CHECK(f.count("sent_at IS NOT NULL") == 3);

  // Nothing twice, however often the worker runs.
  f.clock->advance(24 * 3600);
  CHECK(worker.run_once() == stats(0, 0, 0));
  CHECK(f.transport.attempts().size() == 3);
}

TEST_CASE("worker: a server that is down is tried again with backoff, the email unchanged", "[outbox-worker]") {
  Fixture f;
  enqueue(*f.store, {payload("a@exemple.fr")});
  auto worker = f.worker(f.options());
  f.transport.then(SendResult::temporary("connection refused"));
  f.transport.then(SendResult::temporary("connection refused"));

  CHECK(worker.run_once() == stats(0, 1, 0));
  CHECK(f.count("attempts = 1 AND sent_at IS NULL") == 1);
  // First retry 30 s later (RetryPolicy's default), not before.
  f.clock->advance(29);
  CHECK(worker.run_once() == stats(0, 0, 0));
  f.clock->advance(1);
  CHECK(worker.run_once() == stats(0, 1, 0));
  // Then 60 s.
  f.clock->advance(59);
  CHECK(worker.run_once() == stats(0, 0, 0));
  f.clock->advance(1);
  CHECK(worker.run_once() == stats(1, 0, 0));

  const auto attempts = f.transport.attempts();
  REQUIRE(attempts.size() == 3);
  // The same Message-ID on every attempt: a duplicate is recognisable as one.
  CHECK(attempts[0].message_id == attempts[2].message_id);
  CHECK(f.count("sent_at IS NOT NULL AND attempts = 3") == 1);
  REQUIRE(f.log.size() == 3);
  CHECK(f.log[0].find("attempt 1 failed, next in 30 s: connection refused") != std::string::npos);
  CHECK(f.log[2].find("sent to 1 recipient(s)") != std::string::npos);
  CHECK(f.log[2].find("a@exemple.fr") == std::string::npos);  // no addresses in logs
}

TEST_CASE("worker: gives up after the last attempt, and logs it", "[outbox-worker]") {
  Fixture f;
  enqueue(*f.store, {payload("a@exemple.fr")});
  auto worker = f.worker(f.options({.first_delay = 10s, .max_delay = 20s, .max_attempts = 3}));
  for (int i = 0; i < 5; ++i) f.transport.then(SendResult::temporary("451 try later"));

  CHECK(worker.run_once() == stats(0, 1, 0));
  f.clock->advance(10);
  CHECK(worker.run_once() == stats(0, 1, 0));
  f.clock->advance(20);
  CHECK(worker.run_once() == stats(0, 0, 1));
  f.clock->advance(24 * 3600);
  CHECK(worker.run_once() == stats(0, 0, 0));
  CHECK(f.transport.attempts().size() == 3);
  CHECK(f.count("abandoned_at IS NOT NULL AND sent_at IS NULL AND attempts = 3") == 1);
  CHECK(f.log.back().find("given up after 3 attempts: 451 try later") != std::string::npos);
}

TEST_CASE("worker: a permanent refusal or an undecodable payload is given up at once", "[outbox-worker]") {
  Fixture f;
  enqueue(*f.store, {payload("refuse@exemple.fr"), R"({"to":"not-a-list","subject":"x","text":"y"})",
                     R"({"subject":"no recipients","text":"y"})", payload("ok@exemple.fr")});
  auto worker = f.worker(f.options());
  f.transport.then(SendResult::permanent("SMTP reply 550: no such user"));

  CHECK(worker.run_once() == stats(1, 0, 3));
  CHECK(f.transport.attempts().size() == 2);  // the two undecodable ones never reach the transport
  f.clock->advance(24 * 3600);
  CHECK(worker.run_once() == stats(0, 0, 0));
  CHECK(f.count("abandoned_at IS NOT NULL") == 3);
  CHECK(f.log[0].find("refused for good: SMTP reply 550") != std::string::npos);
  CHECK(f.log[1].find("payload is not an email") != std::string::npos);
}

TEST_CASE("worker: two formd processes on one database send each email once", "[outbox-worker]") {
  Fixture f;
  auto other_store = SqliteStore::open(f.temp.path(), f.clock);
  std::vector<std::string> payloads;
  for (int i = 0; i < 40; ++i) payloads.push_back(payload("p" + std::to_string(i) + "@exemple.fr"));
  enqueue(*f.store, payloads);
  ScriptedTransport other_transport;
  OutboxWorker first = f.worker(f.options());
  OutboxWorker second(*other_store, other_transport, *f.clock, f.options(), nullptr);

  OutboxRunStats a, b;
  std::thread t1([&] { a = first.run_once(); });
  std::thread t2([&] { b = second.run_once(); });
  t1.join();
  t2.join();
  CHECK(a.sent + b.sent == 40);
  std::set<std::string> recipients;
  for (const auto& e : f.transport.attempts()) recipients.insert(e.to[0]);
  for (const auto& e : other_transport.attempts()) recipients.insert(e.to[0]);
  CHECK(recipients.size() == 40);
  CHECK(f.transport.attempts().size() + other_transport.attempts().size() == 40);
  CHECK(f.count("sent_at IS NOT NULL AND attempts = 1") == 40);
}

TEST_CASE("worker: a claim held by a formd that died is taken again after its lease (at least once)",
          "[outbox-worker]") {
  Fixture f;
  enqueue(*f.store, {payload("a@exemple.fr")});
  // A formd took the message (and perhaps sent it), then died before marking it.
  const auto due = f.store->due_outbox(10);
  REQUIRE(f.store->claim_outbox(due.at(0).id, f.clock->now() + 300));
  auto worker = f.worker(f.options());
  CHECK(worker.run_once() == stats(0, 0, 0));
  f.clock->advance(299);
  CHECK(worker.run_once() == stats(0, 0, 0));
  f.clock->advance(1);
  CHECK(worker.run_once() == stats(1, 0, 0));
}

TEST_CASE("worker thread: runs at once when nudged, and stops cleanly", "[outbox-worker]") {
  Fixture f;
  auto options = f.options();
  options.interval = std::chrono::hours(1);  // only a nudge can wake it in time
  auto worker = f.worker(options);
  worker.start();
  std::this_thread::sleep_for(50ms);  // its first pass finds nothing
  enqueue(*f.store, {payload("a@exemple.fr")});
  worker.nudge();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (f.transport.attempts().empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK(f.transport.attempts().size() == 1);
  const auto before_stop = std::chrono::steady_clock::now();
  worker.stop();
  CHECK(std::chrono::steady_clock::now() - before_stop < 5s);
  worker.stop();  // twice is harmless
}

TEST_CASE("worker: refuses a sender that is not an address", "[outbox-worker]") {
  Fixture f;
  auto options = f.options();
  options.mail_from = "DataPass <ne-pas-repondre@exemple.fr>";
  CHECK_THROWS_AS(f.worker(options), std::invalid_argument);
}
