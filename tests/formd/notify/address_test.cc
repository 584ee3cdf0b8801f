// is_valid_address: the one grammar every address goes through before it
// reaches an SMTP command or a header.
#include <catch2/catch.hpp>

#include <string>

#include "notify/address.h"

using formd::notify::is_dot_atom;
using formd::notify::is_valid_address;

TEST_CASE("ordinary addresses are accepted", "[address]") {
  for (const char* address : {"a@b.fr", "prenom.nom+datapass@sous-domaine.interieur.gouv.fr", "dpo@localhost",
                              "o'neil@example.com", "x_y-z=1!#$%&*/?^`{|}~@example.org", "A@EXAMPLE.FR"}) {
    INFO(address);
    CHECK(is_valid_address(address));
  }
  CHECK(is_valid_address(std::string(64, 'a') + "@b.fr"));
  CHECK(is_valid_address("a@" + std::string(63, 'b') + ".fr"));
}

TEST_CASE("malformed addresses are refused", "[address]") {
  for (const char* address :
       {"", "@b.fr", "a@", "a", "a@@b.fr", "a@b@c.fr", ".a@b.fr", "a.@b.fr", "a..b@c.fr", "a@-b.fr", "a@b-.fr",
        "a@b..fr", "a@.b.fr", "a@b.fr.", "a@b_c.fr", "Nom <a@b.fr>", "<a@b.fr>", "\"a b\"@b.fr", "a@[127.0.0.1]",
        "a(comment)@b.fr", "a b@c.fr", "a@b.fr ", " a@b.fr", "a,b@c.fr", "a;b@c.fr", "a:b@c.fr", "a\\b@c.fr",
        "\xC3\xA9lise@b.fr", "a@\xC3\xA9t\xC3\xA9.fr"}) {
    INFO(address);
    CHECK_FALSE(is_valid_address(address));
  }
}

TEST_CASE("address length limits follow RFC 5321", "[address]") {
  CHECK_FALSE(is_valid_address(std::string(65, 'a') + "@b.fr"));
  CHECK_FALSE(is_valid_address("a@" + std::string(64, 'b') + ".fr"));
  // 254 in all is the longest path: 64 + 1 + 189.
  const std::string domain_189 = std::string(63, 'd') + "." + std::string(63, 'd') + "." + std::string(61, 'd');
  REQUIRE(domain_189.size() == 189);
  CHECK(is_valid_address(std::string(64, 'a') + "@" + domain_189));
  CHECK_FALSE(is_valid_address(std::string(64, 'a') + "@" + domain_189 + "d"));
}

TEST_CASE("no control character gets through an address", "[address][injection]") {
  for (int c = 0; c < 0x20; ++c) {
    const std::string control(1, static_cast<char>(c));
    INFO("control " << c);
    CHECK_FALSE(is_valid_address("a" + control + "@b.fr"));
    CHECK_FALSE(is_valid_address("a@b" + control + ".fr"));
    CHECK_FALSE(is_valid_address("a@b.fr" + control));
  }
  CHECK_FALSE(is_valid_address("a\x7F@b.fr"));
  CHECK_FALSE(is_valid_address("a@b.fr\r\nBcc: victime@example.com"));
  CHECK_FALSE(is_valid_address("a@b.fr>\r\nRCPT TO:<victime@example.com"));
}

TEST_CASE("dot-atoms: atext separated by single dots", "[address]") {
  CHECK(is_dot_atom("a.b.c"));
  CHECK(is_dot_atom("outbox-42.1706778300"));
  CHECK_FALSE(is_dot_atom(""));
  CHECK_FALSE(is_dot_atom("a..b"));
  CHECK_FALSE(is_dot_atom(".a"));
  CHECK_FALSE(is_dot_atom("a@b"));
  CHECK_FALSE(is_dot_atom("a>b"));
  CHECK_FALSE(is_dot_atom("a b"));
}
