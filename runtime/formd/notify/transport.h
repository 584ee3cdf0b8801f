// How an email leaves formd: the interface the outbox worker sends through,
// and what a sending attempt tells it.
//
// Contract of MailTransport::send(email):
//   - sends one email, synchronously, and says how it went; it does not
//     throw for anything about the email, the network or the disk: an email
//     that does not render (InvalidEmail) is a permanent failure, since
//     sending it again cannot help;
//   - temporary failure: worth retrying later (server down or slow, 4xx
//     reply, disk full...) on the schedule of backoff.h;
//   - permanent failure: the server refused this email for good (5xx reply,
//     refused recipient); retrying would be refused again;
//   - `message` is for formd's logs: English, one line, no credentials.
// Implementations are safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "notify/email.h"

namespace formd::notify {

enum class SendStatus { sent, temporary_failure, permanent_failure };

struct SendResult {
  SendStatus status;
  std::string message;

  [[nodiscard]] static SendResult sent(std::string message) { return {SendStatus::sent, std::move(message)}; }
  [[nodiscard]] static SendResult temporary(std::string message) {
    return {SendStatus::temporary_failure, std::move(message)};
  }
  [[nodiscard]] static SendResult permanent(std::string message) {
    return {SendStatus::permanent_failure, std::move(message)};
  }
};

// "sent", "temporary failure", "permanent failure".
[[nodiscard]] std::string_view to_string(SendStatus status);

// Seconds since the Unix epoch. Injected wherever a transport needs the time
// (Date header, .eml names) so tests can fix it.
using UnixClock = std::function<std::int64_t()>;
[[nodiscard]] std::int64_t system_unix_time();

class MailTransport {
 public:
  MailTransport() = default;
  MailTransport(const MailTransport&) = delete;
  MailTransport& operator=(const MailTransport&) = delete;
  virtual ~MailTransport() = default;

  [[nodiscard]] virtual SendResult send(const Email& email) = 0;
};

}  // namespace formd::notify
