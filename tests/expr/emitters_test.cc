// The three code generators: exact output for representative expressions,
// escaping, flattening and what JSON Schema can and cannot express.
#include <catch2/catch.hpp>

#include "test_support.h"

namespace formc::expr {
namespace {

using testing::compile_text;

std::shared_ptr<const CheckedExpr> checked(std::string_view text, Type expected = Type::boolean()) {
  // A CheckedExpr is self-contained: it outlives the sources and diagnostics.
  const auto c = compile_text(text, expected);
  INFO(text << ": " << c->first());
  REQUIRE(c->expr);
  return c->expr;
}

std::string cpp(std::string_view text) {
  CppNaming naming;
  naming.field = [](const FieldSignature& f) { return "self." + f.name; };
  return to_cpp(*checked(text), naming);
}
std::string js(std::string_view text) { return to_js(*checked(text)); }
std::string schema(std::string_view text) {
  const auto s = to_json_schema(*checked(text));
  return s ? s->dump() : "<none>";
}

TEST_CASE("to_cpp: readable calls into formc::rt") {
  CHECK(cpp("duree_conservation_donnees_caractere_personnel > 36") ==
        "formc::rt::gt(self.duree_conservation_donnees_caractere_personnel, 36)");
  CHECK(cpp("present(cadre_juridique_url) or count(cadre_juridique_document) > 0") ==
        "(formc::rt::present(self.cadre_juridique_url) || formc::rt::gt(formc::rt::count(self.cadre_juridique_document), 0))");
  CHECK(cpp("technical_team_type in [\"editor\", \"other\"]") ==
        "formc::rt::in(self.technical_team_type, std::array<std::string_view, 2>{\"editor\", \"other\"})");
  CHECK(cpp("safety_certification_end_date > date(\"2024-01-31\") + 7") ==
        "formc::rt::gt(self.safety_certification_end_date, formc::rt::add(formc::rt::date(2024, 1, 31), 7))");
  CHECK(cpp("operational_acceptance_done") == "formc::rt::truthy(self.operational_acceptance_done)");
  CHECK(cpp("not operational_acceptance_done and intitule != null") ==
        "(!formc::rt::truthy(self.operational_acceptance_done) && !formc::rt::is_null(self.intitule))");
  CHECK(cpp("nombre_1 in [-1, 2.5]") == "formc::rt::in(self.nombre_1, std::array<double, 2>{-1.0, 2.5})");
  CHECK(cpp("matches(intitule, \"\\\\d+\")") == "formc::rt::matches(self.intitule, \"[0-9]+\")");
  CHECK(cpp("intitule == \"é\\\"\\\\\\n\"") == "formc::rt::eq(self.intitule, \"\\303\\251\\\"\\\\\\n\")");
  CHECK(cpp("today() > safety_certification_end_date") == "formc::rt::gt(formc::rt::today(), self.safety_certification_end_date)");
  CHECK(cpp("intitule contains \"x\" and tags contains \"y\"") ==
        "(formc::rt::contains_text(self.intitule, \"x\") && formc::rt::contains(self.tags, \"y\"))");
  CHECK(cpp("intitule in []") == "formc::rt::in(self.intitule, std::array<std::string_view, 0>{})");
  CHECK(cpp("len(scopes) > len(intitule)") == "formc::rt::gt(formc::rt::count(self.scopes), formc::rt::len(self.intitule))");
}

TEST_CASE("to_cpp / to_js: and/or chains are flat, explicit parentheses are kept") {
  CHECK(cpp("true and false and true or false") == "((true && false && true) || false)");
  CHECK(cpp("true and (false and true)") == "(true && (false && true))");
  CHECK(js("true or false or (true and false)") == "(true || false || (true && false))");
}

TEST_CASE("to_js: field names and strings are quoted and escaped") {
  CHECK(js("duree_conservation_donnees_caractere_personnel > 36") ==
        "F.gt(F.int(d, \"duree_conservation_donnees_caractere_personnel\"), 36)");
  CHECK(js("intitule == \"</script><!--\"") == "F.eq(F.str(d, \"intitule\"), \"\\u003c/script\\u003e\\u003c!--\")");
  CHECK(js("intitule == \"a\\u2028b\\u{1F600}é&\"") ==
        "F.eq(F.str(d, \"intitule\"), \"a\\u2028b\\ud83d\\ude00\\u00e9\\u0026\")");
  CHECK(js("\"france_connect\" in modalities") == "F.inList(\"france_connect\", F.list(d, \"modalities\"))");
  CHECK(js("operational_acceptance_done") == "F.t(F.bool(d, \"operational_acceptance_done\"))");
  CHECK(js("safety_certification_end_date - safety_certification_begin_date > 30") ==
        "F.gt(F.tdiff(F.date(d, \"safety_certification_end_date\"), F.date(d, \"safety_certification_begin_date\")), 30)");
  CHECK(js("nombre_1 / 2 > 1.5 and nombre_1 % 2 == 1 and -nombre_1 < 0") ==
        "(F.gt(F.ddiv(F.int(d, \"nombre_1\"), 2), 1.5) && F.eq(F.imod(F.int(d, \"nombre_1\"), 2), 1) && "
        "F.lt(F.ineg(F.int(d, \"nombre_1\")), 0))");
  CHECK(js("date(\"2024-01-31\") + 1 > today() and count(cadre_juridique_document) > 0") ==
        "(F.gt(F.tadd(F.ymd(2024, 1, 31), 1), F.today()) && F.gt(F.count(F.docs(d, \"cadre_juridique_document\")), 0))");
  CHECK(js("intitule == null or null == null") == "(F.isNull(F.str(d, \"intitule\")) || true)");
}

TEST_CASE("to_json_schema: expressible conditions") {
  CHECK(schema("duree_conservation_donnees_caractere_personnel > 36") ==
        R"({"type":"object","required":["duree_conservation_donnees_caractere_personnel"],"properties":{"duree_conservation_donnees_caractere_personnel":{"type":"integer","maximum":9007199254740991,"exclusiveMinimum":36}}})");
  CHECK(schema("contact_technique_type == \"person\"") ==
        R"({"type":"object","required":["contact_technique_type"],"properties":{"contact_technique_type":{"const":"person"}}})");
  CHECK(schema("contact_technique_type != \"person\"") ==
        R"({"not":{"type":"object","required":["contact_technique_type"],"properties":{"contact_technique_type":{"const":"person"}}}})");
  CHECK(schema("technical_team_type in [\"editor\", \"other\"]") ==
        R"({"type":"object","required":["technical_team_type"],"properties":{"technical_team_type":{"enum":["editor","other"]}}})");
  CHECK(schema("\"france_connect\" in modalities") ==
        R"({"type":"object","required":["modalities"],"properties":{"modalities":{"type":"array","items":{"type":"string"},"contains":{"const":"france_connect"}}}})");
  CHECK(schema("present(cadre_juridique_url) or count(cadre_juridique_document) > 0") ==
        R"({"anyOf":[{"type":"object","required":["cadre_juridique_url"],"properties":{"cadre_juridique_url":{"type":"string","pattern":"[^\\t\\n\\v\\f\\r ]"}}},{"type":"object","required":["cadre_juridique_document"],"properties":{"cadre_juridique_document":{"type":"array","items":{"type":"object"},"minItems":1}}}]})");
  CHECK(schema("len(intitule) < 3") ==
        R"({"type":"object","properties":{"intitule":{"anyOf":[{"not":{"type":"string"}},{"type":"string","maxLength":2}]}}})");
  CHECK(schema("1 < 2 and intitule == null") ==
        R"({"allOf":[true,{"not":{"type":"object","required":["intitule"],"properties":{"intitule":{"type":"string"}}}}]})");
  CHECK(schema("starts_with(intitule, \"a.b\")") ==
        R"({"type":"object","required":["intitule"],"properties":{"intitule":{"type":"string","pattern":"^a\\.b"}}})");
  CHECK(schema("nombre_1 > 1 or nombre_1 > 2 or nombre_1 > 3").find(R"({"anyOf":[{"type")") == 0);
}

TEST_CASE("to_json_schema: what JSON Schema cannot say exactly") {
  CHECK(schema("safety_certification_end_date > safety_certification_begin_date") == "<none>");
  CHECK(schema("nombre_1 + 1 > 2") == "<none>");
  CHECK(schema("intitule < \"b\"") == "<none>");
  CHECK(schema("safety_certification_end_date > today()") == "<none>");
  CHECK(schema("safety_certification_end_date > date(\"2024-01-01\")") == "<none>");
  CHECK(schema("year(safety_certification_end_date) == 2024") == "<none>");
  CHECK(schema("present(intitule) and nombre_1 == nombre_2") == "<none>");  // one part suffices
  CHECK_FALSE(to_json_schema(*checked("nombre_1 + 1", Type::any())));      // not a condition
}

TEST_CASE("emitters: 10,000-term expressions are emitted in linear time without recursion") {
  std::string ors = "nombre_1 == 0";
  for (int i = 1; i < 10000; ++i) ors += " or nombre_1 == " + std::to_string(i);
  const auto e = checked(ors);
  CppNaming naming;
  naming.field = [](const FieldSignature& f) { return "s." + f.name; };
  const std::string c = to_cpp(*e, naming);
  CHECK(c.rfind("(formc::rt::eq(s.nombre_1, 0) || formc::rt::eq(s.nombre_1, 1) || ", 0) == 0);
  CHECK(std::count(c.begin(), c.end(), '(') == 10001);  // flat: one pair per call plus the outer one
  CHECK(to_js(*e).size() > 10000 * 10);
  const auto s = to_json_schema(*e);
  REQUIRE(s);
  CHECK(s->at("anyOf").size() == 10000);
}

}  // namespace
}  // namespace formc::expr
