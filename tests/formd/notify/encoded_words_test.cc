// Subjects as RFC 2047 encoded-words: plain ASCII stays as it is, French
// round-trips, long values fold without cutting a character.
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <string_view>

#include "notify/encoded_words.h"
#include "test_support.h"

using formd::notify::encode_unstructured_header;
using formd::notify::testing::crlf_lines;
using formd::notify::testing::decode_q;
using formd::notify::testing::decode_unstructured;
using formd::notify::testing::encoded_word_payloads;
using formd::notify::testing::is_whole_utf8_sequences;

namespace {

constexpr std::size_t kSubject = 9;  // "Subject: "

void check_encoded(const std::string& value) {
  const std::string encoded = encode_unstructured_header(value, kSubject);
  INFO(encoded);
  CHECK(encoded.starts_with("=?utf-8?q?"));
  CHECK(decode_unstructured(encoded) == value);
  const auto lines = crlf_lines(encoded);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK((i == 0 ? kSubject : 0) + lines[i].size() <= 76);
    if (i > 0) CHECK(lines[i].starts_with(" =?utf-8?q?"));
  }
  for (const std::string& payload : encoded_word_payloads(encoded)) {
    CHECK(payload.size() + 12 <= 75);
    CHECK(is_whole_utf8_sequences(decode_q(payload)));
    for (char c : payload) CHECK((std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!*+-/=_").find(c) != std::string_view::npos));
  }
}

}  // namespace

TEST_CASE("a short printable ASCII subject is written as it is", "[subject]") {
  CHECK(encode_unstructured_header("Votre demande a ete validee", kSubject) == "Votre demande a ete validee");
  CHECK(encode_unstructured_header("", kSubject).empty());
  CHECK(encode_unstructured_header("[DataPass] Demande #42: 100% (ok)?", kSubject) ==
        "[DataPass] Demande #42: 100% (ok)?");
}

TEST_CASE("a French subject becomes encoded-words and decodes back", "[subject]") {
  const std::string subject = "Votre demande « API Particulier » a été validée";
  CHECK(encode_unstructured_header(subject, kSubject) ==
        "=?utf-8?q?Votre_demande_=C2=AB_API_Particulier_=C2=BB_a_=C3=A9t?=\r\n"
        " =?utf-8?q?=C3=A9_valid=C3=A9e?=");
  check_encoded(subject);
  check_encoded("Habilitation révoquée");
  check_encoded("Modifications demandées : « Cadre juridique » à compléter – n° 1234");
}

TEST_CASE("long subjects fold into several words, never cutting a character", "[subject]") {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "éèêë àâ ç œ € 😀 ";
  check_encoded(subject);
  check_encoded(std::string(200, 'a'));  // long ASCII: encoded rather than one 209-column line
  std::string emojis;
  for (int i = 0; i < 40; ++i) emojis += "😀";
  check_encoded(emojis);
}

TEST_CASE("ASCII that a decoder would misread is encoded too", "[subject]") {
  check_encoded("=?utf-8?q?faux?=");
  check_encoded(" espace au début");
  check_encoded("espace à la fin ");
  check_encoded("a=?b");
  CHECK(encode_unstructured_header("a_b=c?d", kSubject) == "a_b=c?d");  // no "=?": nothing to misread
  check_encoded(std::string(70, 'x'));  // 9 + 70 > 78
  CHECK(encode_unstructured_header(std::string(69, 'x'), kSubject) == std::string(69, 'x'));
}

TEST_CASE("a header name longer than 40 columns is a programming error", "[subject]") {
  CHECK_THROWS_AS(encode_unstructured_header("é", 41), std::invalid_argument);
}
