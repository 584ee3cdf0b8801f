// Unit tests of the JSON Schema generator: its patterns against the C++
// runtime they must agree with, plain text, scopes_config, and the schema of
// the fixture definition (tests/json_schema/fixtures) as data. ajv runs the
// schemas in schemas_test.js.
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "driver/session.h"
#include "formc/runtime/formats.h"
#include "gen/json_schema/authoring_schema.h"
#include "gen/json_schema/json_schema_generator.h"
#include "gen/paths.h"

namespace js = formc::gen::json_schema;
using Json = nlohmann::ordered_json;

namespace {

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string four(int v) {
  std::string s = std::to_string(v);
  return std::string(4 - s.size(), '0') + s;
}

const formc::model::Module& fixture_module() {
  static formc::driver::Session* session = [] {
    formc::driver::CommonOptions options;
    options.paths = {FORMC_JSON_SCHEMA_FIXTURES};
    options.library = FORMC_STANDARD_LIBRARY;
    auto* s = new formc::driver::Session(options);
    if (!s->load()) s->print_diagnostics();
    return s;
  }();
  return session->module();
}

const Json& fixture_schema(const std::string& uid) {
  static std::map<std::string, Json> cache;
  auto it = cache.find(uid);
  if (it == cache.end()) {
    const auto& module = fixture_module();
    const auto* form = module.find_form(uid);
    REQUIRE(form != nullptr);
    it = cache.emplace(uid, js::form_schema(*module.find_definition(form->definition_id), *form)).first;
  }
  return it->second;
}

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("the calendar date pattern is exactly rt::is_valid_date") {
  const std::regex pattern(js::calendar_date_pattern(), std::regex::ECMAScript);
  std::size_t checked = 0;
  for (int year : {0, 1, 4, 100, 400, 1600, 1700, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 9996, 9999}) {
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        const std::string date = four(year) + "-" + two(month) + "-" + two(day);
        INFO(date);
        CHECK(std::regex_match(date, pattern) == formc::rt::is_valid_date(date));
        ++checked;
      }
    }
  }
  for (const char* s : {"", "2024-1-01", "2024-01-1", "20240101", "2024/01/01", " 2024-01-01", "2024-01-01 ", "x2024-01-01"}) {
    INFO(s);
    CHECK_FALSE(std::regex_match(std::string(s), pattern));
    CHECK_FALSE(formc::rt::is_valid_date(s));
  }
  CHECK(checked > 7000);
}

TEST_CASE("date bound patterns order dates like the calendar") {
  std::vector<std::string> days;
  for (int year : {1999, 2023, 2024, 2025, 2030, 2031}) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= 31; ++day) {
        const std::string d = four(year) + "-" + two(month) + "-" + two(day);
        if (formc::rt::is_valid_date(d)) days.push_back(d);
      }
    }
  }
  for (const char* bound : {"2024-01-01", "2024-02-29", "2025-12-31", "2030-09-10", "2000-10-19"}) {
    const std::regex at_least(js::date_at_least_pattern(bound), std::regex::ECMAScript);
    const std::regex at_most(js::date_at_most_pattern(bound), std::regex::ECMAScript);
    for (const auto& d : days) {
      INFO(bound << " " << d);
      CHECK(std::regex_match(d, at_least) == (d >= bound));
      CHECK(std::regex_match(d, at_most) == (d <= bound));
    }
  }
}

TEST_CASE("plain_text reduces allowlisted HTML to text") {
  CHECK(js::plain_text("") == "");
  CHECK(js::plain_text("Nom du projet") == "Nom du projet");
  CHECK(js::plain_text("<p><strong>Décrivez</strong> votre projet</p><p>Suite</p>") == "Décrivez votre projet\nSuite");
  CHECK(js::plain_text("Voir <a href=\"https://www.cnil.fr/fr\">Plus d'infos</a>.") ==
        "Voir Plus d'infos (https://www.cnil.fr/fr).");
  CHECK(js::plain_text("<a href=\"https://a.fr\">https://a.fr</a>") == "https://a.fr");
  CHECK(js::plain_text("<a href=\"mailto:x@y.fr\">écrire</a>") == "écrire (x@y.fr)");
  CHECK(js::plain_text("des&nbsp;<em>conditions</em> &amp; règles&#8239;!") == "des conditions & règles\u202f!");
  CHECK(js::plain_text("<ul><li>un</li><li>deux</li></ul>") == "- un\n- deux");
  CHECK(js::plain_text("a <script>alert(1)</script> b") == "a b");
  CHECK(js::plain_text("  trop   d’espaces \n\n  ici ") == "trop d’espaces\nici");
}

TEST_CASE("allowed scopes honour scopes_config, included and prefilled scopes") {
  const auto& module = fixture_module();
  const auto* def = module.find_definition("json_schema_fixture");
  REQUIRE(def != nullptr);
  using V = std::vector<std::string>;
  CHECK(js::allowed_scopes(*def, *module.find_form("json-schema-fixture")) ==
        V{"scope_a", "scope_b", "scope_hidden", "scope_included", "scope_hidden_prefilled"});
  // displayed: [a, b], hide: [b] (hide wins), prefilled: hidden_prefilled; included always.
  CHECK(js::allowed_scopes(*def, *module.find_form("json-schema-fixture-displayed")) ==
        V{"scope_a", "scope_included", "scope_hidden_prefilled"});
  // hide: [hidden, hidden_prefilled], prefilled: hidden_prefilled; disabled scopes stay.
  CHECK(js::allowed_scopes(*def, *module.find_form("json-schema-fixture-hide")) ==
        V{"scope_a", "scope_b", "scope_included", "scope_hidden_prefilled"});
  const Json& schema = fixture_schema("json-schema-fixture-displayed");
  CHECK(strings(schema["properties"]["scopes"]["items"]["enum"]) == V{"scope_a", "scope_included", "scope_hidden_prefilled"});
  CHECK(schema["properties"]["scopes"]["$comment"].get<std::string>().find("Not selectable here: scope_b, scope_hidden.") !=
        std::string::npos);
}

TEST_CASE("the fixture schema: header, closed object, submit requirements") {
  const Json& s = fixture_schema("json-schema-fixture");
  CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(s["$id"] == "urn:datapass-forms:form:json-schema-fixture");
  // Display paths, relative to the configuration root: the same bytes from any directory.
  CHECK(s["$comment"] ==
        "Generated by formc from authorization_definitions/json_schema_fixture.yml and "
        "authorization_request_forms/json_schema_fixture.yml. DO NOT EDIT.");
  CHECK(s["title"] == "API Fixture — Demande libre");
  CHECK(s["additionalProperties"] == false);
  const auto required = strings(s["required"]);
  for (const char* name : {"intitule", "scopes", "fixture_checkbox", "terms_of_service_accepted", "data_protection_officer_informed"}) {
    INFO(name);
    CHECK(std::find(required.begin(), required.end(), name) != required.end());
  }
  for (const char* name : {"code_projet", "site_web", "technical_team_value", "contact_technique_email"}) {
    INFO(name);
    CHECK(std::find(required.begin(), required.end(), name) == required.end());
  }
  // Present means a non-whitespace character; checkboxes must be checked.
  CHECK(s["properties"]["intitule"]["pattern"] == "[^\\t\\n\\v\\f\\r ]");
  CHECK(s["properties"]["fixture_checkbox"]["const"] == true);
  CHECK(s["properties"]["terms_of_service_accepted"]["const"] == true);
  // Contact requirements live in $defs/contact_<kind>, referenced from allOf.
  const Json& contact = s["$defs"]["contact_contact_technique"];
  CHECK(strings(contact["required"]) == std::vector<std::string>{"contact_technique_email", "contact_technique_phone_number"});
  CHECK(contact["properties"]["contact_technique_email"]["pattern"] == "[^\\t\\n\\v\\f\\r ]");
  CHECK(s["properties"]["contact_technique_phone_number"]["$ref"] == "#/$defs/mobile_phone");
  CHECK(s["$defs"]["mobile_phone"]["then"]["pattern"] == formc::rt::kMobilePhonePattern);
  CHECK(s["$defs"]["email"]["then"]["pattern"] == formc::rt::kEmailPattern);
  CHECK(s["$defs"]["date"]["then"]["pattern"] == js::calendar_date_pattern());
  bool referenced = false;
  for (const auto& e : s["allOf"]) referenced = referenced || e.value("$ref", "") == "#/$defs/contact_contact_technique";
  CHECK(referenced);
}

TEST_CASE("conditions: visible_if guards the value, required_if the presence") {
  const Json& s = fixture_schema("json-schema-fixture");
  // site_web: visible when "params" in modalities; required when also nombre_utilisateurs >= 1000.
  CHECK(s["properties"]["site_web"] == Json{{"title", "Site web"}, {"type", Json::array({"string", "null"})}});
  int visible = 0, required = 0;
  for (const auto& e : s["allOf"]) {
    if (!e.contains("then") || !e["then"].contains("properties") || !e["then"]["properties"].contains("site_web")) continue;
    if (e["then"].contains("required")) {
      ++required;
      CHECK(e["if"]["allOf"].size() == 2);  // flattened: not (A and (A and B))
      CHECK(strings(e["then"]["required"]) == std::vector<std::string>{"site_web"});
    } else {
      ++visible;
      CHECK(e["then"]["properties"]["site_web"]["$ref"] == "#/$defs/url");
    }
  }
  CHECK(visible == 1);
  CHECK(required == 1);
}

TEST_CASE("what JSON Schema cannot say is left out, named in $comment and in schema_gaps") {
  const Json& s = fixture_schema("json-schema-fixture");
  int comments = 0;
  for (const auto& e : s["allOf"]) {
    if (e.size() == 1 && e.contains("$comment")) {
      ++comments;
      CHECK(e["$comment"].get<std::string>().find("checked by the C++ validator only") != std::string::npos);
    }
  }
  CHECK(comments == 2);  // safety_certification_end_after_begin, intitule_shorter_than_description
  CHECK(s["properties"]["premiere_date_transmission"]["$comment"] ==
        "Not expressed here, checked by the C++ validator: its minimum date 'today'.");
  const auto& module = fixture_module();
  const auto gaps = js::schema_gaps(*module.find_definition("json_schema_fixture"));
  std::vector<std::string> messages;
  for (const auto& g : gaps) {
    CHECK(g.span.valid());
    messages.push_back(g.message);
  }
  CHECK(messages == std::vector<std::string>{
                        "'min' 'today' of field 'premiere_date_transmission' cannot be expressed in JSON Schema",
                        "rule 'safety_certification_end_after_begin' (safety_certification_end_date > "
                        "safety_certification_begin_date) cannot be expressed in JSON Schema",
                        "rule 'intitule_shorter_than_description' (len(intitule) <= len(description)) cannot be "
                        "expressed in JSON Schema"});
  const auto* def = module.find_definition("json_schema_fixture");
  for (const auto& r : def->rules) {
    INFO(r.code);
    CHECK(js::expressible(r.check) == (r.code != "intitule_shorter_than_description"));
  }
}

TEST_CASE("the generator writes one schema per form, deterministically") {
  const auto& module = fixture_module();
  formc::gen::OutputSet a, b;
  js::JsonSchemaGenerator().generate(module, a);
  js::JsonSchemaGenerator().generate(module, b);
  CHECK(a.files() == b.files());
  CHECK(a.files().size() == module.forms.size());
  for (const auto& form : module.forms) {
    INFO(form.uid);
    REQUIRE(a.contains(formc::gen::paths::schema(form.uid)));
    const std::string& text = a.files().at(formc::gen::paths::schema(form.uid));
    CHECK(text.back() == '\n');
    CHECK(text == js::form_schema(*module.find_definition(form.definition_id), form).dump(2) + "\n");
  }
  CHECK(js::JsonSchemaGenerator().name() == "json-schema");
}

TEST_CASE("the authoring schema is draft-07 with a kind per input folder") {
  const Json s = js::authoring_schema();
  CHECK(s["$schema"] == "http://json-schema.org/draft-07/schema#");
  for (const char* kind : {"definitions_file", "forms_file", "blocks_file", "definition_extensions_file", "contact_kinds_file",
                           "service_providers_file", "eligibility_rules_file", "locales_file"}) {
    INFO(kind);
    CHECK(s["definitions"].contains(kind));
  }
  CHECK(s.dump() == js::authoring_schema().dump());
  // The field keys are the loader's (model/library.cc field_keys()).
  std::vector<std::string> keys;
  for (const auto& [k, v] : s["definitions"]["field"]["properties"].items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"name", "type", "label", "hint", "placeholder", "required", "required_if",
                                         "visible_if", "submit_only", "min", "max", "min_length", "max_length", "pattern",
                                         "pattern_message", "mobile", "options", "content_types", "max_size", "max_count",
                                         "max_items", "autocomplete", "prefillable"});
}
