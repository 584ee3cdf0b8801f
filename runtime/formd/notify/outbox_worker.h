// The outbox worker: sends, in the background, the emails use cases commit
// to the outbox together with the state changes that cause them
// (app/notifications.h), so a slow or absent mail server never slows or
// fails an HTTP request.
//
// Contract of run_once() (one pass; the thread started by start() calls it
// every `interval`, or at once when nudged):
//   - reads the due messages (storage due_outbox, `batch_size` at a time,
//     oldest first) and, for each one it manages to claim (claim_outbox,
//     lease `lease`), decodes its payload {"to": [...], "subject", "text"}
//     into an Email from `mail_from` and hands it to the transport;
//   - sent: marked sent at once (mark_outbox_sent);
//   - temporary failure: tried again at now + next_attempt_delay(attempts)
//     (backoff.h, `retry`); after retry.max_attempts attempts it is given up
//     (mark_outbox_failed(id, nullopt)), and the log says so;
//   - permanent failure (5xx, refused recipient) or a payload that does not
//     decode: given up at once, logged;
//   - repeats while batches come back full, so a backlog drains in one pass;
//     returns what it did. A StorageError propagates (the thread logs it and
//     tries again at the next interval).
//
// Nothing is sent twice, with one honest exception. A message is sent only
// by the worker whose claim succeeded (one atomic UPDATE: two formd
// processes sharing the database never both take it), and it is marked sent
// right after the transport accepted it; it is then never due again. The
// window left: formd dies (or the database write fails) after the server
// accepted the email and before mark_outbox_sent commits. The message is
// then due again when its lease ends and goes out a second time: delivery is
// at least once, never at most once, because losing an email silently is
// worse. The Message-ID is the same on every attempt
// ("outbox.<id>.<payload digest>@<mail_from's domain>"), so mail clients and
// relays that deduplicate on it show the duplicate once. The lease must
// outlast any send (SmtpTimeouts::total): a send still running when its lease
// ends could be claimed and sent again by another process.
//
// Threads: start() runs the loop on one thread; stop() (and the destructor)
// wakes it, lets the current send finish (bounded by the transport's own
// timeouts) and joins it. nudge() may be called from any thread. run_once()
// may also be called directly (tests), but not while the thread runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "notify/backoff.h"
#include "notify/transport.h"
#include "storage/clock.h"
#include "storage/repository.h"

namespace formd::notify {

struct OutboxWorkerOptions {
  std::string mail_from;  // envelope sender and From (address.h); its domain names the Message-IDs
  std::chrono::milliseconds interval{1000};
  std::size_t batch_size = 20;
  RetryPolicy retry;
  std::chrono::seconds lease{5 * 60};  // longer than any send; see above
};

struct OutboxRunStats {
  std::size_t sent = 0;
  std::size_t retried = 0;    // temporary failures, to be tried again
  std::size_t given_up = 0;   // permanent failures, undecodable payloads, retries exhausted
  std::size_t not_claimed = 0;  // taken by another worker first

  friend bool operator==(const OutboxRunStats&, const OutboxRunStats&) = default;
};

// Decodes an outbox payload into the Email it describes (from `mail_from`,
// Message-ID from the entry's id and payload); nullopt when the payload is
// not {"to": [strings…], "subject": string, "text": string}. The Email is
// not checked further: render_rfc5322, in the transport, does that.
[[nodiscard]] std::optional<Email> email_of(const storage::OutboxEntry& entry, std::string_view mail_from);

class OutboxWorker {
 public:
  // One line, English, no recipient addresses (logs are not for personal data).
  using Log = std::function<void(std::string_view line)>;

  // Throws std::invalid_argument if options.mail_from is not a valid address,
  // or batch_size or interval is zero.
  OutboxWorker(storage::InstructionRepository& outbox, MailTransport& transport, const storage::Clock& clock,
               OutboxWorkerOptions options, Log log);
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;
  ~OutboxWorker();

  OutboxRunStats run_once();

  void start();
  void nudge();
  void stop();

 private:
  void send_one(const storage::OutboxEntry& entry, OutboxRunStats& stats);
  void loop();

  storage::InstructionRepository& outbox_;
  MailTransport& transport_;
  const storage::Clock& clock_;
  OutboxWorkerOptions options_;
  Log log_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool nudged_ = false;    // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace formd::notify
