// The C++ generator's pieces on their own: the Namer's mangling rules, the
// collisions it reports for the checker, string literals and comments that
// cannot break out, and the Printer.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "expr/cpp_emitter.h"
#include "gen/cpp/cpp_generator.h"
#include "gen/cpp/registry.h"
#include "gen/cpp/namer.h"
#include "gen/cpp/printer.h"
#include "gen/output_set.h"
#include "model/ir.h"

using formc::gen::cpp::Collision;
using formc::gen::cpp::Namer;
using formc::model::FieldType;

namespace {

formc::support::Span span(std::uint32_t at) { return formc::support::Span{1, at, at + 1}; }

formc::model::Field field(std::string name, FieldType type, std::uint32_t at) {
  formc::model::Field f;
  f.name = std::move(name);
  f.type = type;
  f.span = span(at);
  f.block = "basic_infos";
  return f;
}

formc::model::Definition definition(std::string id, std::string provider = "dinum") {
  formc::model::Definition d;
  d.id = std::move(id);
  d.provider = std::move(provider);
  d.name = "Test";
  d.source_file = "authorization_definitions/test.yml";
  formc::model::Block b;
  b.name = "basic_infos";
  b.title = "Mon projet";
  d.blocks.push_back(b);
  d.block_names.push_back(formc::model::Located{"basic_infos", span(0)});
  return d;
}

}  // namespace

TEST_CASE("snake_case names: hyphens, digits, keywords, accents, generated names") {
  CHECK(Namer::snake("intitule") == "intitule");
  CHECK(Namer::snake("api-entreprise-marches-publics") == "api_entreprise_marches_publics");
  CHECK(Namer::snake("2fa") == "n_2fa");
  CHECK(Namer::snake("class") == "class_");
  CHECK(Namer::snake("delete") == "delete_");
  CHECK(Namer::snake("validate") == "validate_");
  CHECK(Namer::snake("std") == "std_");
  CHECK(Namer::snake("données_été") == "donnees_ete");
  CHECK(Namer::snake("a__b") == "a_b");
  CHECK(Namer::snake("a - b") == "a_b");
  CHECK(Namer::snake("") == "unnamed");
  CHECK(Namer::snake("œuvre") == "oeuvre");
  CHECK(Namer::snake("l’équipe") == "l_equipe");
  CHECK(Namer::snake("日本") == "u65E5u672C");
}

TEST_CASE("CamelCase names: classes, enums, enumerators") {
  CHECK(Namer::camel("api_pro_sante_connect") == "ApiProSanteConnect");
  CHECK(Namer::camel("api-pro-sante-connect-editeur") == "ApiProSanteConnectEditeur");
  CHECK(Namer::camel("eidas_1") == "Eidas1");
  CHECK(Namer::camel("dgfip_IndLep") == "DgfipIndLep");
  CHECK(Namer::camel("50") == "V50");
  CHECK(Namer::camel("0Bis") == "V0Bis");
  CHECK(Namer::camel("Données sectorielles") == "DonneesSectorielles");
  CHECK(Namer::camel("---") == "Unnamed");
  formc::model::Definition d = definition("api_pro_sante_connect");
  d.class_name = "APIProSanteConnect";
  CHECK(Namer::class_name(d) == "APIProSanteConnect");
  d.class_name.clear();
  CHECK(Namer::class_name(d) == "ApiProSanteConnect");
  CHECK(Namer::provider_namespace("") == "unknown");
  CHECK(Namer::provider_namespace("min-int") == "min_int");
}

TEST_CASE("find_cpp_collisions reports names that meet, with both spans") {
  formc::model::Module m;
  formc::model::Definition d = definition("api_test");
  d.class_name = "APITest";
  auto radio = field("niveau", FieldType::Radio, 10);
  radio.options = {{"eidas-1", "Niveau 1", "", span(11)}, {"eidas_1", "Niveau 1 bis", "", span(12)}, {"eidas_2", "Niveau 2", "", span(13)}};
  d.blocks[0].fields.push_back(radio);
  d.blocks[0].fields.push_back(field("validate", FieldType::Text, 20));
  d.blocks[0].fields.push_back(field("validate_", FieldType::Text, 21));
  d.blocks[0].fields.push_back(field("class", FieldType::Text, 22));  // becomes class_: no collision
  d.blocks[0].fields.push_back(field("scopes", FieldType::Scopes, 23));
  for (const auto& [value, at] : {std::pair{"a.b", 30u}, std::pair{"a_b", 31u}}) {
    formc::model::Scope scope;
    scope.name = value;
    scope.value = value;
    scope.span = span(at);
    d.scopes.push_back(scope);
  }
  m.definitions.push_back(d);
  formc::model::Definition twin = definition("api-test");
  twin.class_name = "APITest";
  m.definitions.push_back(twin);
  for (const char* uid : {"api-test-editeur", "api_test_editeur"}) {
    formc::model::Form f;
    f.uid = uid;
    f.definition_id = "api_test";
    f.span = span(uid[3] == '-' ? 40 : 41);
    m.forms.push_back(f);
  }

  const auto collisions = formc::gen::cpp::find_cpp_collisions(m);
  auto find = [&](const std::string& identifier) -> const Collision* {
    for (const auto& c : collisions) {
      if (c.identifier == identifier) return &c;
    }
    return nullptr;
  };
  const Collision* cls = find("APITest");
  REQUIRE(cls);
  CHECK(cls->first == "api_test");
  CHECK(cls->second == "api-test");
  CHECK(cls->scope == "namespace 'formc_generated::dinum'");
  const Collision* option = find("Eidas1");
  REQUIRE(option);
  CHECK(option->first_span == span(11));
  CHECK(option->second_span == span(12));
  CHECK(option->message() == "'eidas-1' and 'eidas_1' both become the C++ identifier 'Eidas1' in enum "
                             "'formc_generated::dinum::APITest::Niveau'");
  const Collision* member = find("validate_");
  REQUIRE(member);
  CHECK(member->first == "validate");
  CHECK(member->second == "validate_");
  CHECK(find("AB"));
  CHECK(find("ApiTestEditeur"));
  CHECK(find("api_test_impl"));  // the two definitions' .cc internals
  CHECK_FALSE(find("class_"));
  CHECK(collisions.size() == 6);
}

TEST_CASE("a field named like a generated member is reported") {
  formc::model::Module m;
  formc::model::Definition d = definition("x");
  d.blocks[0].fields.push_back(field("terms_of_service_accepted", FieldType::Checkbox, 5));
  m.definitions.push_back(d);
  const auto collisions = formc::gen::cpp::find_cpp_collisions(m);
  REQUIRE(collisions.size() == 1);
  CHECK_FALSE(collisions[0].first_span.valid());
  CHECK(collisions[0].message() ==
        "'terms_of_service_accepted' becomes the C++ identifier 'terms_of_service_accepted', which formc already uses "
        "in class 'formc_generated::dinum::X'");
}

TEST_CASE("string literals and comments cannot break out") {
  using formc::gen::cpp::comment_text;
  using formc::gen::cpp::string_literal;
  CHECK(string_literal("« Nom » doit être rempli(e).") == "\"« Nom » doit être rempli(e).\"");
  CHECK(string_literal("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
  CHECK(string_literal("\x01" "1") == "\"\\0011\"");
  CHECK(string_literal("\xff") == "\"\\377\"");
  CHECK(string_literal("\u202Eevil") == "\"\\342\\200\\256evil\"");  // bidi override, escaped
  CHECK(string_literal("?" "?=") == "\"?\\?=\"");  // no trigraph-looking sequence
  CHECK(comment_text("line\n*/ next \\") == "line */ next");
  CHECK(comment_text("\u202Ex") == "?x");
  CHECK(comment_text("abcdef", 3) == "abc…");
  // What a compiler reads specially in a // comment: a backslash before the
  // line's end (splice, even with spaces between), a carriage return (a line
  // end for GCC), trigraphs ("??/" is a backslash to -trigraphs), NUL.
  CHECK(comment_text("a \\  ") == "a");
  CHECK(comment_text("a\r#error x") == "a #error x");
  CHECK(comment_text("a\r\n#error x") == "a #error x");
  CHECK(comment_text("end ?" "?/") == "end ? ?/");
  CHECK(comment_text("?" "?" "?" "?=") == "? ? ? ?=");
  CHECK(comment_text(std::string_view("a\0b\x1b", 4)) == "a?b?");
  CHECK(comment_text("x\u2028#error y\u2029z") == "x #error y z");
  for (const std::string text : {"\\", "?" "?/", "a\rb", "*/ /* //", "\u202E", "\xff\xfe", "\\\n#error"}) {
    const std::string c = comment_text(text);
    INFO(c);
    CHECK(c.find('\n') == std::string::npos);
    CHECK(c.find('\r') == std::string::npos);
    CHECK(c.find("??") == std::string::npos);
    CHECK((c.empty() || c.back() != '\\'));
  }
  // In string literals: every '?' after a '?' is escaped, so no trigraph.
  CHECK(string_literal("?" "?" "?" "?(") == "\"?\\?\\?\\?(\"");
  CHECK(string_literal(std::string_view("a\r\0b", 4)) == "\"a\\015\\000b\"");
  // The expressions' literals (regexes, compared strings) too.
  CHECK(formc::expr::cpp_string_literal("x?" "?=y?" "?/") == "\"x?\\?=y?\\?/\"");
  CHECK(formc::expr::cpp_string_literal(std::string_view("\r\0\\", 3)) == "\"\\015\\000\\\\\"");
}

TEST_CASE("Printer substitutes variables and indents") {
  std::string out;
  formc::gen::cpp::Printer p(out);
  p.line("namespace $ns$ {", {{"ns", "x"}});
  {
    auto indent = p.indent();
    p.emit({{"name", "f"}, {"body", "a();\nb();"}}, R"cc(
      void $name$() {
        $body$
      }
    )cc");
    p.line("int cost = 5$$;");
  }
  p.line("}");
  CHECK(out == "namespace x {\n  void f() {\n    a();\n    b();\n  }\n  int cost = 5$;\n}\n");
}

TEST_CASE("the generator writes a header and a source per definition, deterministically") {
  formc::model::Module m;
  formc::model::Definition d = definition("api_test");
  d.class_name = "APITest";
  d.blocks[0].fields.push_back(field("intitule", FieldType::Text, 1));
  m.definitions.push_back(d);
  formc::gen::OutputSet a, b;
  formc::gen::cpp::CppGenerator().generate(m, a);
  formc::gen::cpp::CppGenerator().generate(m, b);
  // The class's header and source, plus the registry and the unity source.
  REQUIRE(a.files().size() == 5);
  CHECK(a.files() == b.files());
  const std::string& registry = a.files().at("cpp/formc_registry.cc");
  CHECK(registry.find("#include \"dinum/api_test.h\"") != std::string::npos);
  CHECK(registry.find("{&dinum::APITest::definition, &dinum::APITest::forms, &dinum::APITest::validate_json_text") !=
        std::string::npos);
  // The content hash is SHA-256 (64 hex digits) of this definition's two files.
  const std::string hash = formc::gen::cpp::content_hash(
      formc::gen::cpp::GeneratedFiles{a.files().at("cpp/dinum/api_test.h"), a.files().at("cpp/dinum/api_test.cc")});
  CHECK(hash.size() == 64);
  // Known answer: SHA-256 of a single NUL byte (empty header, separator, empty source).
  CHECK(formc::gen::cpp::content_hash(formc::gen::cpp::GeneratedFiles{"", ""}) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  CHECK(registry.find("\"" + hash + "\"") != std::string::npos);
  const std::string& unity = a.files().at("cpp/formc_all.cc");
  CHECK(unity.find("#include \"dinum/api_test.cc\"\n#include \"formc_registry.cc\"\n") != std::string::npos);
  const std::string& header = a.files().at("cpp/dinum/api_test.h");
  CHECK(header.rfind("// Generated by formc from authorization_definitions/test.yml. DO NOT EDIT.\n", 0) == 0);
  CHECK(header.find("static_assert(FORMC_RUNTIME_ABI_VERSION == 1,") != std::string::npos);
  CHECK(header.find("class APITest final {") != std::string::npos);
  CHECK(header.find("  std::optional<std::string> intitule;") != std::string::npos);
  const std::string& source = a.files().at("cpp/dinum/api_test.cc");
  CHECK(source.find("#include \"api_test.h\"") != std::string::npos);
  // No form: the definition's blocks serve as the default form.
  CHECK(source.find("kDefinitionForm") != std::string::npos);
}
