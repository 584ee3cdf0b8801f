#include "notify/outbox_worker.h"

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "notify/address.h"

namespace formd::notify {

namespace {

// FNV-1a: a stable digest (std::hash is not stable across builds) so that
// a Message-ID stays unique when a database is recreated and ids restart.
std::string digest(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
  return out;
}

std::string_view domain_of(std::string_view address) { return address.substr(address.rfind('@') + 1); }

// "outbox #12 (refuse, request 42)": what the log says about a message.
std::string describe(const storage::OutboxEntry& entry) {
  std::string out = "outbox #" + std::to_string(entry.id);
  const auto payload = nlohmann::json::parse(entry.payload_json, nullptr, false);
  if (payload.is_object() && payload.contains("event") && payload["event"].is_string()) {
    out += " (" + payload["event"].get<std::string>();
    if (payload.contains("request_id") && payload["request_id"].is_number_integer()) {
      out += ", request " + std::to_string(payload["request_id"].get<std::int64_t>());
    }
    out += ")";
  }
  return out;
}

}  // namespace

std::optional<Email> email_of(const storage::OutboxEntry& entry, std::string_view mail_from) {
  if (entry.kind != "email") return std::nullopt;
  const auto payload = nlohmann::json::parse(entry.payload_json, nullptr, false);
  if (!payload.is_object()) return std::nullopt;
  const auto to = payload.find("to");
  const auto subject = payload.find("subject");
  const auto text = payload.find("text");
  if (to == payload.end() || !to->is_array() || subject == payload.end() || !subject->is_string() ||
      text == payload.end() || !text->is_string()) {
    return std::nullopt;
  }
  Email email;
  for (const auto& address : *to) {
    if (!address.is_string()) return std::nullopt;
    email.to.push_back(address.get<std::string>());
  }
  email.from = std::string(mail_from);
  email.subject = subject->get<std::string>();
  email.text_body = text->get<std::string>();
  email.message_id =
      "outbox." + std::to_string(entry.id) + "." + digest(entry.payload_json) + "@" + std::string(domain_of(mail_from));
  return email;
}

OutboxWorker::OutboxWorker(storage::InstructionRepository& outbox, MailTransport& transport,
                           const storage::Clock& clock, OutboxWorkerOptions options, Log log)
    : outbox_(outbox), transport_(transport), clock_(clock), options_(std::move(options)), log_(std::move(log)) {
  if (!is_valid_address(options_.mail_from)) throw std::invalid_argument("OutboxWorker: mail_from is not an address");
  if (options_.batch_size == 0 || options_.interval.count() <= 0 || options_.lease.count() <= 0) {
    throw std::invalid_argument("OutboxWorker: batch_size, interval and lease must be positive");
  }
  (void)next_attempt_delay(1, options_.retry);  // throws for an inconsistent policy, now rather than later
  if (!log_) log_ = [](std::string_view) {};
}

OutboxWorker::~OutboxWorker() { stop(); }

OutboxRunStats OutboxWorker::run_once() {
  OutboxRunStats stats;
  while (true) {
    const auto due = outbox_.due_outbox(options_.batch_size);
    for (const auto& entry : due) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return stats;
      }
      send_one(entry, stats);
    }
    // A full batch may hide more due messages; the ones just handled are no
    // longer due (sent, given up, or rescheduled at least a second ahead).
    if (due.size() < options_.batch_size) return stats;
  }
}

void OutboxWorker::send_one(const storage::OutboxEntry& entry, OutboxRunStats& stats) {
  const std::int64_t now = clock_.now();
  if (!outbox_.claim_outbox(entry.id, now + options_.lease.count())) {
    ++stats.not_claimed;  // another formd sharing the database took it (or sent it) first
    return;
  }
  const auto email = email_of(entry, options_.mail_from);
  if (!email) {
    outbox_.mark_outbox_failed(entry.id, std::nullopt);
    ++stats.given_up;
    log_("mail: " + describe(entry) + " given up: its payload is not an email (kind, to, subject, text)");
    return;
  }
  const SendResult result = transport_.send(*email);
  const int attempts = entry.attempts + 1;
  switch (result.status) {
    case SendStatus::sent:
      // First thing after the transport accepted it: the shorter this gap,
      // the smaller the at-least-once window (see the header).
      outbox_.mark_outbox_sent(entry.id);
      ++stats.sent;
      log_("mail: " + describe(entry) + " sent to " + std::to_string(email->to.size()) + " recipient(s): " +
           result.message);
      return;
    case SendStatus::temporary_failure:
      if (const auto delay = next_attempt_delay(attempts, options_.retry)) {
        outbox_.mark_outbox_failed(entry.id, clock_.now() + delay->count());
        ++stats.retried;
        log_("mail: " + describe(entry) + " attempt " + std::to_string(attempts) + " failed, next in " +
             std::to_string(delay->count()) + " s: " + result.message);
        return;
      }
      outbox_.mark_outbox_failed(entry.id, std::nullopt);
      ++stats.given_up;
      log_("mail: " + describe(entry) + " given up after " + std::to_string(attempts) + " attempts: " + result.message);
      return;
    case SendStatus::permanent_failure:
      outbox_.mark_outbox_failed(entry.id, std::nullopt);
      ++stats.given_up;
      log_("mail: " + describe(entry) + " given up, refused for good: " + result.message);
      return;
  }
}

void OutboxWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void OutboxWorker::nudge() {
  {
    std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  wake_.notify_one();
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void OutboxWorker::loop() {
  while (true) {
    try {
      run_once();
    } catch (const std::exception& e) {
      // The database may be busy or full: the messages stay in the outbox.
      log_(std::string("mail: reading or updating the outbox failed, trying again later: ") + e.what());
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return stopping_ || nudged_; });
    if (stopping_) return;
    nudged_ = false;
  }
}

}  // namespace formd::notify
