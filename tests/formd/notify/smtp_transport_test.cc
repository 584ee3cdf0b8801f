// SmtpTransport without an SMTP server: the outcome table, URL checks, and
// the failures a down or hung server produces. The real exchanges are in
// smtp_server_test.cc.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "notify/smtp_outcome.h"
#include "notify/smtp_transport.h"

using namespace std::chrono_literals;
using formd::notify::classify_smtp_outcome;
using formd::notify::Email;
using formd::notify::SendStatus;
using formd::notify::SmtpTimeouts;
using formd::notify::SmtpTransport;

namespace {

// A listening socket on 127.0.0.1 that never accepts nor answers: the kernel
// completes the TCP handshake, then the client waits for a greeting forever.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  ~SilentServer() { ::close(fd_); }
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port on 127.0.0.1 where nothing listens (bound, then released).
int closed_port() {
  const SilentServer server;
  return server.port();
}

Email sample() {
  return Email{.from = "notifications@datapass.api.gouv.fr",
               .to = {"demandeur@example.fr"},
               .subject = "Test",
               .text_body = "Bonjour\n",
               .message_id = "outbox-1@datapass.api.gouv.fr"};
}

}  // namespace

TEST_CASE("curl results and SMTP replies map to sent, temporary or permanent", "[smtp]") {
  struct Row {
    CURLcode curl;
    long reply;
    SendStatus expected;
  };
  const Row rows[] = {
      {CURLE_OK, 250, SendStatus::sent},
      {CURLE_COULDNT_CONNECT, 0, SendStatus::temporary_failure},
      {CURLE_COULDNT_RESOLVE_HOST, 0, SendStatus::temporary_failure},
      {CURLE_OPERATION_TIMEDOUT, 0, SendStatus::temporary_failure},
      {CURLE_OPERATION_TIMEDOUT, 250, SendStatus::temporary_failure},  // hung after MAIL FROM
      {CURLE_GOT_NOTHING, 0, SendStatus::temporary_failure},
      {CURLE_RECV_ERROR, 421, SendStatus::temporary_failure},  // "service not available"
      {CURLE_SEND_ERROR, 451, SendStatus::temporary_failure},  // greylisting
      {CURLE_SEND_ERROR, 452, SendStatus::temporary_failure},
      {CURLE_SEND_ERROR, 550, SendStatus::permanent_failure},  // refused recipient
      {CURLE_SEND_ERROR, 553, SendStatus::permanent_failure},
      {CURLE_WEIRD_SERVER_REPLY, 554, SendStatus::permanent_failure},
      {CURLE_RECV_ERROR, 552, SendStatus::permanent_failure},
      {CURLE_LOGIN_DENIED, 535, SendStatus::temporary_failure},  // configuration, not the email
      {CURLE_USE_SSL_FAILED, 0, SendStatus::temporary_failure},
      {CURLE_PEER_FAILED_VERIFICATION, 0, SendStatus::temporary_failure},
      {CURLE_SSL_CONNECT_ERROR, 0, SendStatus::temporary_failure},
  };
  for (const Row& row : rows) {
    INFO("curl " << static_cast<int>(row.curl) << ", reply " << row.reply);
    CHECK(classify_smtp_outcome(row.curl, row.reply, "detail").status == row.expected);
  }
}

TEST_CASE("outcome messages carry the reply code and no control character", "[smtp]") {
  const auto refused = classify_smtp_outcome(CURLE_SEND_ERROR, 550, "RCPT failed: 550\r\nforged log line");
  CHECK(refused.message == "SMTP reply 550: RCPT failed: 550??forged log line");
  CHECK(classify_smtp_outcome(CURLE_COULDNT_CONNECT, 0, "Connection refused").message == "Connection refused");
  CHECK(classify_smtp_outcome(CURLE_LOGIN_DENIED, 535, "Login denied").message ==
        "SMTP reply 535: Login denied (check the SMTP configuration)");
}

TEST_CASE("SMTP URLs are checked at construction and logged without credentials", "[smtp]") {
  CHECK(SmtpTransport("smtp://127.0.0.1:2525").redacted_url() == "smtp://127.0.0.1:2525/");
  CHECK(SmtpTransport("smtps://mail.example.fr").redacted_url() == "smtps://mail.example.fr/");
  const SmtpTransport with_credentials("smtp://formd:s3cr%C3%A9t@relay.example.fr:587/formd.example.fr");
  CHECK(with_credentials.redacted_url() == "smtp://relay.example.fr:587/formd.example.fr");
  for (const char* url : {"", "relay:25", "http://relay", "smtp://", "smtp://relay/?q=1", "smtp://relay/#f",
                          "smtp://re lay", "smtp://relay\r\nRCPT TO:<x@y.fr>", "file:///etc/passwd", "imap://relay"}) {
    INFO(url);
    CHECK_THROWS_AS(SmtpTransport(url), std::invalid_argument);
  }
  CHECK_THROWS_AS(SmtpTransport("smtp://relay", SmtpTimeouts{.connect = 0ms}), std::invalid_argument);
  CHECK_THROWS_AS(SmtpTransport("smtp://relay", SmtpTimeouts{.total = -1ms}), std::invalid_argument);
}

TEST_CASE("nobody listening: a temporary failure, at once", "[smtp]") {
  SmtpTransport transport("smtp://127.0.0.1:" + std::to_string(closed_port()), SmtpTimeouts{.connect = 2s, .total = 5s});
  const auto start = std::chrono::steady_clock::now();
  const auto result = transport.send(sample());
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK_FALSE(result.message.empty());
}

TEST_CASE("a server that never answers: a temporary failure within the timeouts", "[smtp]") {
  const SilentServer server;
  SmtpTransport transport("smtp://127.0.0.1:" + std::to_string(server.port()),
                          SmtpTimeouts{.connect = 500ms, .total = 1s});
  const auto start = std::chrono::steady_clock::now();
  const auto result = transport.send(sample());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(elapsed < 4s);  // 1 s configured; generous for a loaded CI machine
  INFO(result.message);
  CHECK(result.message.find("timed out") != std::string::npos);
}

TEST_CASE("an invalid email is a permanent failure before any connection", "[smtp]") {
  SmtpTransport transport("smtp://127.0.0.1:" + std::to_string(closed_port()));
  Email email = sample();
  email.to = {"x@y.fr\r\nDATA"};
  const auto result = transport.send(email);
  CHECK(result.status == SendStatus::permanent_failure);
  CHECK(result.message == "not sent, invalid email: email: recipient 1 is not a valid address");
}
