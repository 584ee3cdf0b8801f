// Sends emails to an SMTP server with libcurl.
//
// Contract:
//   - the URL is smtp://[user:password@]host[:port][/ehlo-name] (port 25 by
//     default; a local relay) or smtps://… (implicit TLS, port 465 by
//     default); the path, when present, is the name formd gives in EHLO.
//     With credentials over smtp://, STARTTLS is required, so a password is
//     never sent in clear; without them, smtp:// is plain SMTP (what a local
//     relay on the same host or network speaks). Certificates are verified.
//     Anything else (another scheme, no host, a query or fragment, control
//     characters) throws std::invalid_argument at construction;
//   - send(): one SMTP transaction per email on a fresh connection, MAIL
//     FROM = email.from, RCPT TO = each of email.to, DATA = render_rfc5322 at
//     clock(). A recipient refused by the server fails the whole email (no
//     partial delivery); outcomes are classified by smtp_outcome.h. Never
//     longer than timeouts.total; timeouts.connect bounds the connection
//     up to the server's greeting (TCP, TLS, "220");
//   - thread-safe: each send() has its own curl handle, and no signal is
//     used for timeouts (CURLOPT_NOSIGNAL), so a worker thread can send.
#pragma once

#include <chrono>
#include <string>

#include "notify/transport.h"

namespace formd::notify {

struct SmtpTimeouts {
  std::chrono::milliseconds connect{std::chrono::seconds(10)};
  std::chrono::milliseconds total{std::chrono::seconds(60)};
};

class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(std::string url, SmtpTimeouts timeouts = {}, UnixClock clock = system_unix_time);

  [[nodiscard]] SendResult send(const Email& email) override;

  // The URL without user name and password, for logs ("smtp://relay:25/").
  [[nodiscard]] const std::string& redacted_url() const { return redacted_url_; }

 private:
  std::string url_;
  std::string redacted_url_;
  bool require_tls_ = false;
  SmtpTimeouts timeouts_;
  UnixClock clock_;
};

}  // namespace formd::notify
