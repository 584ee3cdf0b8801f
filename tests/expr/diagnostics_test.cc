// Expression errors point at the exact line and column of the YAML file, for
// block (`|`), double-quoted and plain scalars. The mappers here are written by
// hand, the way the loader builds them: one file offset per byte of the value.
#include <catch2/catch.hpp>

#include "test_support.h"

namespace formc::expr {
namespace {

// A mapper from value bytes to file offsets; offsets has one entry per value
// byte plus one for the end of the value.
OffsetMapper table_mapper(support::FileId file, std::vector<std::uint32_t> offsets) {
  return [file, offsets = std::move(offsets)](std::uint32_t begin, std::uint32_t end) {
    const auto at = [&](std::uint32_t i) { return offsets[std::min<std::size_t>(i, offsets.size() - 1)]; };
    return support::Span{file, at(begin), end > begin ? at(end) : at(begin)};
  };
}

// The value of the `|` block scalar whose content lines start at byte `first`
// and are indented by `indent` spaces, with the file offset of each byte.
std::string block_scalar(std::string_view text, std::uint32_t first, std::uint32_t indent,
                         std::vector<std::uint32_t>& offsets) {
  std::string value;
  std::uint32_t pos = first;
  while (pos < text.size()) {
    std::uint32_t spaces = 0;
    while (pos + spaces < text.size() && text[pos + spaces] == ' ') ++spaces;
    if (spaces < indent) break;  // end of the block
    pos += indent;
    while (pos < text.size() && text[pos] != '\n') {
      offsets.push_back(pos);
      value += text[pos++];
    }
    offsets.push_back(pos);
    value += '\n';
    ++pos;
  }
  offsets.push_back(pos);
  return value;
}

// The value of the double-quoted scalar whose opening quote is at `quote`.
std::string quoted_scalar(std::string_view text, std::uint32_t quote, std::vector<std::uint32_t>& offsets) {
  std::string value;
  std::uint32_t pos = quote + 1;
  while (text[pos] != '"') {
    offsets.push_back(pos);
    if (text[pos] == '\\') {
      value += text[pos + 1];  // \" and \\ only, enough for this test
      pos += 2;
    } else {
      value += text[pos++];
    }
  }
  offsets.push_back(pos);
  return value;
}

const char* const kYaml =
    "definitions:\n"                                                                       // 1
    "  personal_data:\n"                                                                   // 2
    "    rules:\n"                                                                         // 3
    "      - check: |\n"                                                                   // 4
    "          duree_conservation_donnees_caractere_personnel <= 36\n"                     // 5
    "            or present(duree_conservation_donnees_caractere_personel)\n"              // 6
    "            or intitule == \"Démarche\" and nombre_1 > \"36\"\n"                      // 7
    "        message: \"La justification est requise au-delà de 36 mois\"\n"               // 8
    "      - check: \"contact_technique_type == \\\"persn\\\" and scopes contains \\\"é\\\"\"\n"  // 9
    "        visible_if: nombre_1 > 'x' and not intitule\n"                                // 10
    "        required_if: |\n"                                                             // 11
    "          present(intitule) and\n";                                                   // 12

struct YamlFixture {
  support::SourceManager sources;
  support::DiagnosticEngine diags;
  support::FileId file = sources.add("definitions/personal_data.yml", kYaml);
  const SimpleFieldScope scope = testing::datapass_scope();

  std::uint32_t offset_of(std::string_view needle, std::size_t nth = 0) const {
    const std::string& text = sources.file(file).text();
    std::size_t at = text.find(needle);
    while (nth-- > 0) at = text.find(needle, at + 1);
    REQUIRE(at != std::string::npos);
    return static_cast<std::uint32_t>(at);
  }

  std::vector<std::string> located() const {
    std::vector<std::string> out;
    for (const auto& d : diags.all()) {
      const auto l = sources.locate(d.span);
      out.push_back(fmt::format("{}:{}:{}: {} [{}]", sources.file(d.span.file).path(), l.line, l.column, d.message,
                                support::info(d.code).code));
      for (const auto& n : d.notes) {
        const auto nl = sources.locate(n.span);
        out.push_back(fmt::format("  {}:{}: note: {}", nl.line, nl.column, n.message));
      }
    }
    return out;
  }
};

TEST_CASE("diagnostics: errors inside a | block scalar point at their line and column") {
  YamlFixture y;
  std::vector<std::uint32_t> offsets;
  const std::string value = block_scalar(kYaml, y.offset_of("          duree"), 10, offsets);
  REQUIRE(value.rfind("duree_conservation_donnees_caractere_personnel <= 36\n  or present(", 0) == 0);
  CHECK_FALSE(compile(value, table_mapper(y.file, offsets), y.scope, y.diags));
  CHECK(y.located() ==
        std::vector<std::string>{
            "definitions/personal_data.yml:6:24: unknown field 'duree_conservation_donnees_caractere_personel' "
            "[expr-unknown-field]",
            "  6:24: note: did you mean 'duree_conservation_donnees_caractere_personnel'?",
            // Columns count code points: the é of "Démarche" is one column.
            "definitions/personal_data.yml:7:54: '>' cannot compare 'nombre_1' (integer) with a string "
            "[expr-type-mismatch]",
        });
  // The span covers the whole token, in bytes of the file.
  const auto& mismatch = y.diags.all()[1];
  CHECK(mismatch.span.end - mismatch.span.begin == 4);  // "36" with its quotes
}

TEST_CASE("diagnostics: errors inside a double-quoted scalar account for escapes") {
  YamlFixture y;
  std::vector<std::uint32_t> offsets;
  const std::string value = quoted_scalar(kYaml, y.offset_of("\"contact_technique_type"), offsets);
  REQUIRE(value == "contact_technique_type == \"persn\" and scopes contains \"é\"");
  CHECK_FALSE(compile(value, table_mapper(y.file, offsets), y.scope, y.diags));
  CHECK(y.located() ==
        std::vector<std::string>{
            "definitions/personal_data.yml:9:43: 'persn' is not an option of 'contact_technique_type' "
            "[expr-unknown-option]",
            "  9:43: note: did you mean 'person'?",
            "  9:17: note: options of 'contact_technique_type': 'person', 'organization'",
            // Two escaped quotes precede it: the value offset 54 is file column 17 + 54 + 2.
            "definitions/personal_data.yml:9:73: 'é' is not an option of 'scopes' [expr-unknown-option]",
            "  9:57: note: options of 'scopes': 'dgfip_annee_n_moins_1', 'dgfip_annee_n_moins_2', 'dgfip_IndLep', "
            "'cnaf_quotient_familial'",
        });
  // The span of "persn" starts at the backslash of \" and ends after the closing \".
  const auto& d = y.diags.all()[0];
  CHECK(std::string_view(kYaml).substr(d.span.begin, d.span.end - d.span.begin) == "\\\"persn\\\"");
}

TEST_CASE("diagnostics: errors inside a plain scalar") {
  YamlFixture y;
  const std::uint32_t base = y.offset_of("nombre_1 > 'x'");
  const std::string value = "nombre_1 > 'x' and not intitule";
  CHECK_FALSE(compile(value, verbatim_mapper(y.file, base), y.scope, y.diags));
  CHECK(y.located() == std::vector<std::string>{
                           "definitions/personal_data.yml:10:32: '>' cannot compare 'nombre_1' (integer) with a "
                           "string [expr-type-mismatch]",
                           "definitions/personal_data.yml:10:44: 'not' needs a boolean, not 'intitule' (string) "
                           "[expr-type-mismatch]",
                       });
}

TEST_CASE("diagnostics: a syntax error at the end of a block scalar points after the last token") {
  YamlFixture y;
  std::vector<std::uint32_t> offsets;
  const std::string value = block_scalar(kYaml, y.offset_of("          present(intitule) and"), 10, offsets);
  REQUIRE(value == "present(intitule) and\n");
  CHECK_FALSE(compile(value, table_mapper(y.file, offsets), y.scope, y.diags));
  // Not 13:1 (after the trailing newline): right after `and`.
  CHECK(y.located() == std::vector<std::string>{"definitions/personal_data.yml:12:32: unexpected end of expression; "
                                                "expected an operand [expr-syntax]"});
}

}  // namespace
}  // namespace formc::expr
