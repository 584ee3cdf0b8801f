// render_rfc5322: the complete message, French subjects and bodies, and the
// refusals that make header injection impossible.
#include <catch2/catch.hpp>

#include <string>

#include "notify/email.h"
#include "test_support.h"

using formd::notify::Email;
using formd::notify::InvalidEmail;
using formd::notify::render_rfc5322;
using formd::notify::testing::body_of;
using formd::notify::testing::crlf_lines;
using formd::notify::testing::decode_quoted_printable;
using formd::notify::testing::decode_unstructured;
using formd::notify::testing::header_value;

namespace {

constexpr std::int64_t kFeb1st2024 = 1706778300;  // Thu, 01 Feb 2024 09:05:00 UTC

Email sample() {
  return Email{
      .from = "notifications@datapass.api.gouv.fr",
      .to = {"demandeur@example.fr"},
      .subject = "Votre demande a ete soumise",
      .text_body = "Bonjour,\nmerci.\n",
      .message_id = "outbox-42@datapass.api.gouv.fr",
  };
}

}  // namespace

TEST_CASE("an email renders as a complete RFC 5322 message", "[email]") {
  CHECK(render_rfc5322(sample(), kFeb1st2024) ==
        "Date: Thu, 01 Feb 2024 09:05:00 +0000\r\n"
        "From: notifications@datapass.api.gouv.fr\r\n"
        "To: demandeur@example.fr\r\n"
        "Subject: Votre demande a ete soumise\r\n"
        "Message-ID: <outbox-42@datapass.api.gouv.fr>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "\r\n"
        "Bonjour,\r\n"
        "merci.\r\n");
}

TEST_CASE("a French subject and body survive the encoding", "[email]") {
  Email email = sample();
  email.subject = "Votre demande n° 42 « API Impôt particulier » a été validée – prochaine étape";
  email.text_body = "Bonjour Élise,\n\nL’habilitation est délivrée. Vous pouvez désormais accéder aux données.\n"
                    "Cordialement,\nL’équipe DataPass\n";
  const std::string message = render_rfc5322(email, kFeb1st2024);
  CHECK(decode_unstructured(header_value(message, "Subject")) == email.subject);
  CHECK(decode_quoted_printable(body_of(message)) == email.text_body);
  for (const std::string& line : crlf_lines(message)) {
    INFO(line);
    CHECK(line.size() <= 78);
    for (char c : line) CHECK(static_cast<unsigned char>(c) < 0x80);
  }
}

TEST_CASE("many recipients fold the To header", "[email]") {
  Email email = sample();
  email.to.clear();
  for (int i = 0; i < 12; ++i) email.to.push_back("instructeur-" + std::to_string(i) + "@dgfip.finances.gouv.fr");
  const std::string message = render_rfc5322(email, kFeb1st2024);
  const std::string to = header_value(message, "To");
  std::string unfolded;
  for (const std::string& line : crlf_lines(to)) unfolded += line;
  CHECK(unfolded.find("instructeur-0@dgfip.finances.gouv.fr, instructeur-1@") != std::string::npos);
  CHECK(unfolded.ends_with("instructeur-11@dgfip.finances.gouv.fr"));
  for (const std::string& line : crlf_lines(message)) CHECK(line.size() <= 78);
}

TEST_CASE("control characters in the subject are refused, never written", "[email][injection]") {
  for (const std::string& subject :
       {std::string("Objet\r\nBcc: victime@example.com"), std::string("Objet\nBcc: x@y.fr"), std::string("a\rb"),
        std::string("tab\there"), std::string("nul\0x", 5), std::string("del\x7F"), std::string("nel\xC2\x85"),
        std::string("c1\xC2\x9F")}) {
    Email email = sample();
    email.subject = subject;
    INFO(subject);
    CHECK_THROWS_AS(render_rfc5322(email, kFeb1st2024), InvalidEmail);
  }
  // Non-breaking space (U+00A0, C2 A0) is text, not a control.
  Email email = sample();
  email.subject = "10\xC2\xA0%";
  CHECK(decode_unstructured(header_value(render_rfc5322(email, kFeb1st2024), "Subject")) == email.subject);
}

TEST_CASE("addresses and the Message-ID are validated", "[email][injection]") {
  auto refused = [](auto change) {
    Email email = sample();
    change(email);
    CHECK_THROWS_AS(render_rfc5322(email, kFeb1st2024), InvalidEmail);
  };
  refused([](Email& e) { e.from = "notifications@datapass.api.gouv.fr\r\nBcc: victime@example.com"; });
  refused([](Email& e) { e.from = "DataPass <notifications@datapass.api.gouv.fr>"; });
  refused([](Email& e) { e.from.clear(); });
  refused([](Email& e) { e.to.clear(); });
  refused([](Email& e) { e.to.push_back("pas une adresse"); });
  refused([](Email& e) { e.to.push_back("a@b.fr\nBcc: c@d.fr"); });
  refused([](Email& e) { e.to.assign(101, "a@b.fr"); });
  refused([](Email& e) { e.message_id.clear(); });
  refused([](Email& e) { e.message_id = "<outbox-42@datapass.api.gouv.fr>"; });
  refused([](Email& e) { e.message_id = "outbox-42@x>\r\nBcc: c@d.fr"; });
  refused([](Email& e) { e.message_id = "sans-arobase"; });
  refused([](Email& e) { e.message_id = std::string(240, 'a') + "@" + std::string(10, 'b'); });
  Email hundred = sample();
  hundred.to.assign(100, "a@b.fr");
  CHECK_NOTHROW(render_rfc5322(hundred, kFeb1st2024));
}

TEST_CASE("invalid UTF-8 is refused in the subject and the body", "[email]") {
  Email email = sample();
  email.subject = "caf\xE9";  // Latin-1, not UTF-8
  CHECK_THROWS_AS(render_rfc5322(email, kFeb1st2024), InvalidEmail);
  email = sample();
  email.text_body = "caf\xC3";
  CHECK_THROWS_AS(render_rfc5322(email, kFeb1st2024), InvalidEmail);
}

TEST_CASE("a refusal names the field but does not echo the value", "[email][injection]") {
  Email email = sample();
  email.to = {"ok@b.fr", "x@y.fr\r\nBcc: evil@example.com"};
  try {
    (void)render_rfc5322(email, kFeb1st2024);
    FAIL("no exception");
  } catch (const InvalidEmail& e) {
    const std::string what = e.what();
    CHECK(what.find("recipient 2") != std::string::npos);
    CHECK(what.find("evil") == std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
}

TEST_CASE("the body is encoded, so any text is safe in it", "[email][injection]") {
  Email email = sample();
  using namespace std::string_literals;
  email.text_body = "Ligne\r\n.\r\nQUIT\r\n\r\nFrom: faux@example.com\nnul\0fin\n"s;
  const std::string message = render_rfc5322(email, kFeb1st2024);
  CHECK(message.find("\r\n.\r\n") == std::string::npos);  // never the end of DATA
  CHECK(header_value(message, "From") == "notifications@datapass.api.gouv.fr");
  CHECK(decode_quoted_printable(body_of(message)) == "Ligne\n.\nQUIT\n\nFrom: faux@example.com\nnul\0fin\n"s);
}

TEST_CASE("Date headers in UTC, whatever the locale", "[email]") {
  CHECK(header_value(render_rfc5322(sample(), 0), "Date") == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(header_value(render_rfc5322(sample(), 1709164800), "Date") == "Thu, 29 Feb 2024 00:00:00 +0000");
  CHECK(header_value(render_rfc5322(sample(), 1735689599), "Date") == "Tue, 31 Dec 2024 23:59:59 +0000");
  CHECK_THROWS_AS(render_rfc5322(sample(), -1), std::out_of_range);
  CHECK_THROWS_AS(render_rfc5322(sample(), 253402300800), std::out_of_range);
}
