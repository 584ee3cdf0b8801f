// Quoted-printable bodies: French text stays readable, lines stay short,
// and decoding (test_support.h) gives the text back.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "notify/quoted_printable.h"
#include "test_support.h"

using formd::notify::encode_quoted_printable_text;
using formd::notify::testing::crlf_lines;
using formd::notify::testing::decode_quoted_printable;

namespace {

// What a decoder must give back: CRLF as LF, one final line break.
std::string normalised(std::string text) {
  if (text.ends_with("\r\n")) {
    text.resize(text.size() - 2);
  } else if (text.ends_with('\n')) {
    text.pop_back();
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out + "\n";
}

void check_shape(const std::string& encoded) {
  REQUIRE(encoded.ends_with("\r\n"));
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const auto c = static_cast<unsigned char>(encoded[i]);
    INFO("byte " << i);
    REQUIRE(c < 0x80);
    if (c == '\r') REQUIRE(encoded[i + 1] == '\n');
    if (c == '\n') REQUIRE(encoded[i - 1] == '\r');
  }
  for (const std::string& line : crlf_lines(encoded)) {
    INFO(line);
    CHECK(line.size() <= 76);
    CHECK_FALSE(line.starts_with("."));
    CHECK_FALSE(line.starts_with("From "));
    CHECK_FALSE(line.ends_with(" "));
    CHECK_FALSE(line.ends_with("\t"));
  }
}

}  // namespace

TEST_CASE("French text is encoded readably and decodes back", "[quoted-printable]") {
  const std::string text =
      "Bonjour,\n\nVotre demande « API Particulier » a été validée.\nÀ bientôt,\nL’équipe DataPass\n";
  const std::string encoded = encode_quoted_printable_text(text);
  CHECK(encoded ==
        "Bonjour,\r\n\r\nVotre demande =C2=AB API Particulier =C2=BB a =C3=A9t=C3=A9 valid=C3=A9e.\r\n"
        "=C3=80 bient=C3=B4t,\r\nL=E2=80=99=C3=A9quipe DataPass\r\n");
  check_shape(encoded);
  CHECK(decode_quoted_printable(encoded) == text);
}

TEST_CASE("long lines get soft breaks at 76 columns, characters are never cut in an escape", "[quoted-printable]") {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "données é ";
  text += "fin";
  const std::string encoded = encode_quoted_printable_text(text);
  check_shape(encoded);
  CHECK(crlf_lines(encoded).size() > 5);
  CHECK(decode_quoted_printable(encoded) == text + "\n");
}

TEST_CASE("'=', trailing whitespace and controls are escaped", "[quoted-printable]") {
  CHECK(encode_quoted_printable_text("a=b") == "a=3Db\r\n");
  CHECK(encode_quoted_printable_text("fin \nsuite\t\nmilieu \t ok") == "fin=20\r\nsuite=09\r\nmilieu \t ok\r\n");
  CHECK(encode_quoted_printable_text(std::string("nul\0bell\a", 9)) == "nul=00bell=07\r\n");
  CHECK(encode_quoted_printable_text("retour\rchariot") == "retour=0Dchariot\r\n");
}

TEST_CASE("no physical line starts with '.' or 'From '", "[quoted-printable]") {
  CHECK(encode_quoted_printable_text(".\n.fin\nFrom here\nFromage\n") == "=2E\r\n=2Efin\r\n=46rom here\r\nFromage\r\n");
  // Also where a soft break would put them at the start of a line.
  const std::string encoded = encode_quoted_printable_text(std::string(75, 'a') + ".suite " + std::string(74, 'b') +
                                                           "From moi");
  check_shape(encoded);
  CHECK(decode_quoted_printable(encoded) == std::string(75, 'a') + ".suite " + std::string(74, 'b') + "From moi\n");
}

TEST_CASE("line breaks: LF and CRLF become CRLF, one final break is implied", "[quoted-printable]") {
  CHECK(encode_quoted_printable_text("") == "\r\n");
  CHECK(encode_quoted_printable_text("a") == "a\r\n");
  CHECK(encode_quoted_printable_text("a\n") == "a\r\n");
  CHECK(encode_quoted_printable_text("a\r\n") == "a\r\n");
  CHECK(encode_quoted_printable_text("a\r\nb\nc") == "a\r\nb\r\nc\r\n");
  CHECK(encode_quoted_printable_text("a\n\n") == "a\r\n\r\n");
}

TEST_CASE("random texts round-trip and keep the shape", "[quoted-printable]") {
  const std::vector<std::string> pieces = {"a", "Z", " ", "\t", "\n", "\r\n", "\r", ".", "=", "é", "€", "😀",
                                           "From ", "?", "_", "\x01", "\x7F", "très long mot ", "\xC2\xA0"};
  std::mt19937 random(20240201);
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(0, 300)(random);
    for (int i = 0; i < length; ++i) {
      text += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(random)];
    }
    INFO("round " << round);
    const std::string encoded = encode_quoted_printable_text(text);
    check_shape(encoded);
    CHECK(decode_quoted_printable(encoded) == normalised(text));
  }
}
