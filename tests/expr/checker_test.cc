// The type checker: types, names, options, and where each error points.
#include <catch2/catch.hpp>

#include "test_support.h"

namespace formc::expr {
namespace {

using testing::compile_text;
using K = Type::Kind;

Type type_of(std::string_view text) {
  const auto c = compile_text(text, Type::any());
  INFO(text << " -> " << c->first());
  REQUIRE(c->expr);
  return c->expr->type();
}

TEST_CASE("checker: types of well-formed expressions") {
  CHECK(type_of("duree_conservation_donnees_caractere_personnel > 36") == Type::boolean());
  CHECK(type_of("duree_conservation_donnees_caractere_personnel + 1") == Type::integer());
  CHECK(type_of("nombre_1 / 2") == Type::decimal());
  CHECK(type_of("nombre_1 * 2.5") == Type::decimal());
  CHECK(type_of("nombre_1 % 7") == Type::integer());
  CHECK(type_of("-nombre_1") == Type::integer());
  CHECK(type_of("-0.5") == Type::decimal());
  CHECK(type_of("safety_certification_end_date - safety_certification_begin_date") == Type::integer());
  CHECK(type_of("safety_certification_end_date + 30") == Type::date());
  CHECK(type_of("30 + safety_certification_end_date") == Type::date());
  CHECK(type_of("today() - 7") == Type::date());
  CHECK(type_of("date(\"2024-01-31\")") == Type::date());
  CHECK(type_of("year(today())") == Type::integer());
  CHECK(type_of("len(intitule)") == Type::integer());
  CHECK(type_of("len(scopes)") == Type::integer());
  CHECK(type_of("count(cadre_juridique_document)") == Type::integer());
  CHECK(type_of("[1, 2.5]") == Type::list(K::Decimal));
  CHECK(type_of("[\"a\", \"b\"]") == Type::list(K::String));
  CHECK(type_of("[]") == Type::list(K::Any));
  CHECK(type_of("scopes") == Type::list(K::String));
  CHECK(type_of("intitule == null") == Type::boolean());
  CHECK(type_of("null == null") == Type::boolean());
  CHECK(type_of("\"france_connect\" in modalities") == Type::boolean());
  CHECK(type_of("intitule contains \"API\"") == Type::boolean());
  CHECK(type_of("any_of(scopes, [\"dgfip_IndLep\"])") == Type::boolean());
  CHECK(type_of("present(cadre_juridique_url) or count(cadre_juridique_document) > 0") == Type::boolean());
  CHECK(type_of("operational_acceptance_done") == Type::boolean());
}

TEST_CASE("checker: an integer field compared with a string is an error at the string") {
  const auto c = compile_text("duree_conservation_donnees_caractere_personnel > \"36\"");
  CHECK_FALSE(c->expr);
  CHECK(c->messages() == std::vector<std::string>{
                             "1:50 expr-type-mismatch: '>' cannot compare "
                             "'duree_conservation_donnees_caractere_personnel' (integer) with a string"});
  // The literal is blamed even on the left.
  CHECK(compile_text("\"36\" < nombre_1")->first() ==
        "1:1 expr-type-mismatch: '<' cannot compare 'nombre_1' (integer) with a string");
  // Two non-literals: the right operand.
  CHECK(compile_text("nombre_1 == intitule")->first() ==
        "1:13 expr-type-mismatch: '==' cannot compare 'nombre_1' (integer) with a string");
}

TEST_CASE("checker: unknown fields get a did-you-mean note") {
  const auto c = compile_text("duree_conservation_donnees_caractere_personel > 36");
  CHECK(c->messages() == std::vector<std::string>{
                             "1:1 expr-unknown-field: unknown field 'duree_conservation_donnees_caractere_personel'",
                             "  note 1:1: did you mean 'duree_conservation_donnees_caractere_personnel'?"});
  CHECK(compile_text("scope contains \"x\"")->messages().at(1) == "  note 1:1: did you mean 'scopes'?");
  CHECK(compile_text("zzz == 1")->messages() == std::vector<std::string>{"1:1 expr-unknown-field: unknown field 'zzz'"});
  CHECK(compile_text("today == 1")->first() == "1:1 expr-unknown-field: 'today' is a function; call it: today(...)");
}

TEST_CASE("checker: unknown functions, fields called as functions, arity") {
  CHECK(compile_text("presnt(intitule)")->messages() ==
        std::vector<std::string>{"1:1 expr-unknown-function: unknown function 'presnt'",
                                 "  note 1:1: did you mean 'present'?"});
  CHECK(compile_text("size(scopes) > 3")->messages() ==
        std::vector<std::string>{"1:1 expr-unknown-function: unknown function 'size'"});
  CHECK(compile_text("intitule(1)")->first() == "1:1 expr-unknown-function: 'intitule' is a field, not a function");
  CHECK(compile_text("present(intitule, description)")->messages() ==
        std::vector<std::string>{"1:1 expr-arity: present() takes 1 argument, not 2",
                                 "  note 1:1: present(any) -> boolean"});
  CHECK(compile_text("today(1) > date(\"2024-01-01\")")->first() == "1:1 expr-arity: today() takes 0 arguments, not 1");
}

TEST_CASE("checker: select and multiselect values must be options") {
  CHECK(compile_text("contact_technique_type == \"persn\"")->messages() ==
        std::vector<std::string>{"1:27 expr-unknown-option: 'persn' is not an option of 'contact_technique_type'",
                                 "  note 1:27: did you mean 'person'?",
                                 "  note 1:1: options of 'contact_technique_type': 'person', 'organization'"});
  CHECK(compile_text("technical_team_type in [\"editor\", \"othr\"]")->first() ==
        "1:35 expr-unknown-option: 'othr' is not an option of 'technical_team_type'");
  CHECK(compile_text("\"franceconnect\" in modalities")->first() ==
        "1:1 expr-unknown-option: 'franceconnect' is not an option of 'modalities'");
  CHECK(compile_text("modalities contains \"x\"")->first() ==
        "1:21 expr-unknown-option: 'x' is not an option of 'modalities'");
  CHECK(compile_text("any_of(scopes, [\"dgfip_IndLep\", \"nope\"])")->first() ==
        "1:33 expr-unknown-option: 'nope' is not an option of 'scopes'");
  CHECK(compile_text("volumetrie_appels_par_minute == 75")->first() ==
        "1:33 expr-unknown-option: '75' is not an option of 'volumetrie_appels_par_minute'");
  CHECK(compile_text("volumetrie_appels_par_minute in [50, 200]")->expr);
  CHECK(compile_text("volumetrie_appels_par_minute > 50")->expr);  // ordering is not an option test
  CHECK(compile_text("tags contains \"anything\"")->expr);          // no options: free values
  // Every wrong value is reported.
  CHECK(compile_text("technical_team_type in [\"a\", \"b\"]")->diags.all().size() == 2);
}

TEST_CASE("checker: conditions must be boolean") {
  CHECK(compile_text("nombre_1 + 1")->first() ==
        "1:1 expr-not-boolean: a condition must be boolean, but this is an integer");
  CHECK(compile_text("intitule")->first() ==
        "1:1 expr-not-boolean: a condition must be boolean, but this is 'intitule' (string); e.g. "
        "present(intitule) or intitule == ...");
  CHECK(compile_text("null")->first() == "1:1 expr-not-boolean: a condition must be boolean, but this is a null");
  CHECK(compile_text("len(intitule)", Type::integer())->expr);
  CHECK(compile_text("len(intitule)", Type::decimal())->expr);
  CHECK(compile_text("intitule", Type::integer())->first() ==
        "1:1 expr-type-mismatch: expected an integer, but this is 'intitule' (string)");
}

TEST_CASE("checker: operand types of each operator") {
  CHECK(compile_text("intitule and true")->first() ==
        "1:1 expr-type-mismatch: 'and' needs boolean operands; this is 'intitule' (string)");
  CHECK(compile_text("not nombre_1")->first() == "1:5 expr-type-mismatch: 'not' needs a boolean, not 'nombre_1' (integer)");
  CHECK(compile_text("-intitule == 1")->first() == "1:2 expr-type-mismatch: unary '-' needs a number, not 'intitule' (string)");
  CHECK(compile_text("intitule + 1 > 0")->first() ==
        "1:1 expr-type-mismatch: '+' cannot combine 'intitule' (string) and an integer");
  CHECK(compile_text("nombre_1 / 2 % 2 == 0")->first() == "1:1 expr-type-mismatch: '%' needs integers, not a decimal");
  CHECK(compile_text("safety_certification_end_date + safety_certification_begin_date == null")->first() ==
        "1:33 expr-type-mismatch: '+' cannot combine 'safety_certification_end_date' (date) and "
        "'safety_certification_begin_date' (date) (dates support date + days, date - days and date - date)");
  CHECK(compile_text("operational_acceptance_done > false")->first() ==
        "1:1 expr-type-mismatch: '>' orders numbers, strings or dates, not 'operational_acceptance_done' (boolean)");
  CHECK(compile_text("scopes == [\"a\"]")->first().rfind("1:1 expr-type-mismatch: '==' compares single values", 0) == 0);
  CHECK(compile_text("intitule in \"abc\"")->first() ==
        "1:13 expr-type-mismatch: the right side of 'in' must be a list, not a string; for a substring write: "
        "text contains \"part\"");
  CHECK(compile_text("scopes in [\"a\"]")->first().rfind("1:1 expr-type-mismatch: the left side of 'in'", 0) == 0);
  CHECK(compile_text("nombre_1 in [\"a\"]")->first() == "1:13 expr-type-mismatch: cannot look for 'nombre_1' (integer) in a list of string");
  CHECK(compile_text("scopes contains 1")->first() == "1:17 expr-type-mismatch: cannot look for an integer in 'scopes' (list of string)");
  CHECK(compile_text("intitule contains 1")->first() == "1:19 expr-type-mismatch: a string can only contain a string, not an integer");
  CHECK(compile_text("cadre_juridique_document contains \"a\"")->first().rfind("1:1 expr-type-mismatch: the left side of 'contains'", 0) == 0);
  CHECK(compile_text("count(intitule) > 1")->first() ==
        "1:7 expr-type-mismatch: count() needs a list or documents (len() counts characters), not 'intitule' (string)");
  CHECK(compile_text("len(cadre_juridique_document) > 1")->first() ==
        "1:5 expr-type-mismatch: len() needs a string or a list, not 'cadre_juridique_document' (document)");
  CHECK(compile_text("year(intitule) > 1")->first() == "1:6 expr-type-mismatch: year() needs a date, not 'intitule' (string)");
  CHECK(compile_text("any_of(intitule, [\"a\"])")->first().rfind("1:8 expr-type-mismatch: any_of() needs a list", 0) == 0);
  CHECK(compile_text("any_of(scopes, [1])")->first() ==
        "1:16 expr-type-mismatch: any_of() compares 'scopes' (list of string) with a list of integer");
}

TEST_CASE("checker: null is only compared with == and !=") {
  CHECK(compile_text("nombre_1 > null")->first() ==
        "1:12 expr-type-mismatch: null can only be compared with == or != (e.g. x == null); use present(x) or blank(x)");
  CHECK(compile_text("present(null)")->first().rfind("1:9 expr-type-mismatch: null can only", 0) == 0);
  CHECK(compile_text("scopes == null")->first() ==
        "1:11 expr-type-mismatch: 'scopes' (list of string) is never null (it is empty instead); use present(...) or "
        "blank(...)");
  CHECK(compile_text("null != intitule")->expr);
}

TEST_CASE("checker: list literals hold literal values of one type") {
  CHECK(compile_text("nombre_1 in [1, nombre_2]")->first().rfind("1:17 expr-invalid-literal: list elements must be literal values", 0) == 0);
  CHECK(compile_text("nombre_1 in [1, null]")->first().rfind("1:17 expr-invalid-literal: list elements", 0) == 0);
  CHECK(compile_text("nombre_1 in [1, \"2\"]")->first() ==
        "1:17 expr-type-mismatch: list elements must all have the same type: a string after an integer");
  CHECK(compile_text("nombre_1 in [-1, 2.5, 3]")->expr);
  CHECK(compile_text("safety_certification_end_date in [date(\"2024-01-01\"), date(\"2024-12-31\")]")->expr);
  CHECK(compile_text("intitule in []")->expr);
}

TEST_CASE("checker: dates and regular expressions are validated at compile time") {
  CHECK(compile_text("safety_certification_end_date > date(\"2024-02-30\")")->first() ==
        "1:38 expr-invalid-literal: '2024-02-30' is not a valid date: write date(\"YYYY-MM-DD\") with a real calendar "
        "day between 0001-01-01 and 9999-12-31");
  CHECK(compile_text("safety_certification_end_date > date(intitule)")->first() ==
        "1:38 expr-type-mismatch: date() takes a string literal: date(\"2024-01-31\")");
  CHECK(compile_text("date(\"2024-02-29\") < today()")->expr);
  CHECK(compile_text("matches(cadre_juridique_url, \"\\\\A(https?)://\")")->first() ==
        "1:30 expr-invalid-regex: invalid regular expression: \\A, \\z and \\Z are Ruby anchors; use ^ and $ (at byte 0 "
        "of the pattern)");
  CHECK(compile_text("matches(intitule, \"(?=a)\")")->first().rfind("1:19 expr-invalid-regex: invalid regular expression: only plain groups", 0) == 0);
  CHECK(compile_text("matches(intitule, \"a{2\")")->first().rfind("1:19 expr-invalid-regex", 0) == 0);
  CHECK(compile_text("matches(intitule, intitule)")->first() ==
        "1:19 expr-type-mismatch: the pattern of matches() must be a string literal, so that formc can check it");
  CHECK(compile_text("matches(nombre_1, \"a\")")->first() == "1:9 expr-type-mismatch: matches() needs a string, not 'nombre_1' (integer)");
  CHECK(compile_text("matches(cadre_juridique_url, \"^https?://[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}(/.*)?$\")")->expr);
}

TEST_CASE("checker: independent errors are all reported, dependent ones are not") {
  const auto c = compile_text("unknown_a > 1 and unknown_b == \"x\" and (nombre_1 + \"s\") > 2");
  CHECK(c->diags.error_count() == 3);  // two unknown fields + one mismatch; the '>' above the mismatch is silent
}

TEST_CASE("checker: referenced fields are listed once, in order of first use") {
  const auto c = compile_text("present(intitule) and (nombre_1 > 2 or intitule == \"x\") and \"params\" in modalities");
  REQUIRE(c->expr);
  CHECK(referenced_fields(*c->expr) == std::vector<std::string>{"intitule", "nombre_1", "modalities"});
}

TEST_CASE("checker: a 100,000-term chain checks without recursion") {
  std::string text = "nombre_1 > 0";
  for (int i = 1; i < 100000; ++i) text += " or nombre_1 > " + std::to_string(i);
  const auto c = compile_text(text);
  REQUIRE(c->expr);
  CHECK(referenced_fields(*c->expr) == std::vector<std::string>{"nombre_1"});
}

}  // namespace
}  // namespace formc::expr

namespace formc::expr {
namespace {

// schema/EXPRESSIONS.md §11 re-expresses the block library's conditional
// rules; every one of them must compile against the fields it names.
TEST_CASE("checker: the block library's rules from EXPRESSIONS.md compile") {
  using K = Type::Kind;
  SimpleFieldScope s = testing::datapass_scope();
  s.add({"specific_requirements_document", Type::document(), {}});
  s.add({"france_connect_authorization_id", Type::string(), {}});
  s.add({"manual_code_insee", Type::string(), {}});
  s.add({"premiere_date_transmission", Type::date(), {}});
  s.add({"type", Type::string(), {"particulier", "collectivite_ou_administration", "entreprise_ou_association"}});
  s.add({"integrateur", Type::string(), {"editor", "internal", "none"}});
  s.add({"dgfip_modalities", Type::list(K::String), {"with_france_connect", "with_spi", "with_etat_civil"}});
  s.add({"dgfip_scopes", Type::list(K::String),
         {"dgfip_annee_n_moins_1", "dgfip_annee_n_moins_2", "dgfip_annee_n_moins_3",
          "dgfip_annee_n_moins_2_si_indispo_n_moins_1", "dgfip_IndLep"}});
  const std::vector<std::string> rules = {
      "duree_conservation_donnees_caractere_personnel > 36",
      "present(cadre_juridique_url) or count(cadre_juridique_document) > 0",
      "blank(cadre_juridique_url) or matches(cadre_juridique_url, "
      "\"^((http|https)://)?[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}(/[\\\\w\\\\-._~:/?#\\\\[\\\\]@!$&'()*+,;%=]*)?$\")",
      "specific_requirements or any_of(dgfip_scopes, [\"dgfip_annee_n_moins_1\", \"dgfip_annee_n_moins_2\", "
      "\"dgfip_annee_n_moins_3\", \"dgfip_annee_n_moins_2_si_indispo_n_moins_1\"])",
      "not (\"dgfip_IndLep\" in dgfip_scopes) or count(dgfip_scopes) == 1",
      "not all_of(dgfip_scopes, [\"dgfip_annee_n_moins_1\", \"dgfip_annee_n_moins_2_si_indispo_n_moins_1\"])",
      "specific_requirements",
      "not (\"france_connect\" in modalities) or all_of(scopes, [\"cnaf_quotient_familial\"])",
      "contact_technique_type != \"organization\"",
      "\"with_france_connect\" in dgfip_modalities",
      "volumetrie_appels_par_minute > 50",
      "safety_certification_end_date > safety_certification_begin_date",
      "operational_acceptance_done",
      "technical_team_type in [\"editor\", \"other\"]",
      "\"france_connect\" in modalities",
      "matches(manual_code_insee, \"^([013-9]\\\\d|2[AB1-9])\\\\d{3}$\")",
      "premiere_date_transmission >= today()",
      "type == \"particulier\"",
      "type in [\"collectivite_ou_administration\", \"entreprise_ou_association\"]",
      "integrateur == \"editor\"",
      "integrateur == \"none\"",
  };
  for (const auto& rule : rules) {
    support::SourceManager sources;
    support::DiagnosticEngine diags;
    const auto file = sources.add("<rule>", rule);
    INFO(rule);
    const auto e = compile(rule, verbatim_mapper(file), s, diags);
    INFO((diags.all().empty() ? std::string() : diags.all().front().message));
    CHECK(e);
  }
}

}  // namespace
}  // namespace formc::expr
