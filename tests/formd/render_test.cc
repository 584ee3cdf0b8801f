// Tests of formd::render: slot filling (compiler/gen/html/slots.h, reference
// tests/html/fill.js) and HTML form posts (runtime/formd/render/form_post.h).
// The IR is built by hand: no YAML, no compiler run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/ir.h"
#include "render/form_post.h"
#include "render/slot_filler.h"

namespace {

using formc::model::ContactKindRef;
using formc::model::Definition;
using formc::model::Field;
using formc::model::FieldType;
using formc::model::Form;
using formc::model::Located;
using formc::model::Option;
using formc::model::Scope;
using formd::render::apply_form_post;
using formd::render::escape_html;
using formd::render::fill_slots;
using formd::render::PostResult;
using formd::render::SlotContext;
using formd::render::SlotError;
using nlohmann::json;

Field make_field(std::string name, FieldType type, std::string label = "", std::vector<Option> options = {}) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  f.label = std::move(label);
  f.options = std::move(options);
  return f;
}

Option option(std::string value, std::string label) {
  Option o;
  o.value = std::move(value);
  o.label = std::move(label);
  return o;
}

Scope scope(std::string value, std::string name) {
  Scope s;
  s.value = std::move(value);
  s.name = std::move(name);
  return s;
}

// One definition with a field of every type, a contact and some scopes.
Definition make_definition() {
  Definition d;
  d.id = "test";
  formc::model::Block projet;
  projet.name = "projet";
  projet.fields = {
      make_field("intitule", FieldType::Text, "Nom du projet"),
      make_field("description", FieldType::Textarea, "Description"),
      make_field("email", FieldType::Email, "Courriel"),
      make_field("phone", FieldType::Phone, "Téléphone"),
      make_field("url", FieldType::Url, "Site"),
      make_field("volume", FieldType::Integer, "Volumétrie"),
      make_field("date_debut", FieldType::Date, "Date de début"),
      make_field("accepte", FieldType::Checkbox, "J'accepte"),
      make_field("nature", FieldType::Select, "Nature", {option("a", "Option <A>"), option("b", "Option B")}),
      make_field("taille", FieldType::Radio, "Taille", {option("1", "Petite"), option("2", "Grande")}),
      make_field("canaux", FieldType::Multiselect, "Canaux", {option("web", "Site web"), option("app", "Appli")}),
      make_field("maquette", FieldType::Document, "Maquette"),
      make_field("scopes", FieldType::Scopes, "Données"),
      make_field("no_label", FieldType::Text),
      make_field("1st-name", FieldType::Text, "Prénom"),
  };
  formc::model::Block contacts;
  contacts.name = "contacts";
  Field email = make_field("responsable_traitement_email", FieldType::Email, "Email");
  email.contact_kind = "responsable_traitement";
  Field other = make_field("contact_technique_email", FieldType::Email, "Email");
  other.contact_kind = "contact_technique";  // no entry in d.contacts
  contacts.fields = {email, other};
  d.blocks = {projet, contacts};
  ContactKindRef ref;
  ref.kind = "responsable_traitement";
  ref.label = "Responsable de traitement";
  d.contacts = {ref};

  Scope included = scope("inclus", "Donnée incluse");
  included.included = true;
  Scope disabled = scope("desactive", "Donnée désactivée");
  disabled.disabled = true;
  Scope old_ro = scope("obsolete", "Donnée obsolète");
  old_ro.deprecated_since = "2020-01-01";
  old_ro.deprecated_writable = false;
  Scope old_rw = scope("obsolete_modifiable", "Obsolète modifiable");
  old_rw.deprecated_since = "2020-01-01";
  d.scopes = {scope("nom", "Nom <de> naissance"), scope("prenom", ""), included, disabled, old_ro, old_rw,
              scope("config_off", "Désactivée par le formulaire"), scope("cachee", "Cachée par le formulaire")};
  return d;
}

const Definition& definition() {
  static const Definition d = make_definition();
  return d;
}

Form make_form() {
  Form f;
  f.uid = "test-form";
  f.definition_id = "test";
  f.scopes_config.disabled = {Located{"config_off", {}}};
  f.scopes_config.hide = {Located{"cachee", {}}};
  return f;
}

std::string fill(std::string_view tmpl, const json& values, SlotContext ctx = {}) {
  ctx.definition = &definition();
  ctx.values = &values;
  return fill_slots(tmpl, ctx);
}

const std::string kBlank = R"(<span class="formc-blank">Non renseigné</span>)";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

}  // namespace

// ---- Escaping and scanning -------------------------------------------------

TEST_CASE("escape_html escapes the five characters and keeps UTF-8", "[slots]") {
  CHECK(escape_html(R"(<a href="x">Tom & Jerry's</a>)") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  CHECK(escape_html("Données – été ✓") == "Données – été ✓");
  CHECK(escape_html("") == "");
  std::string out = "x";
  formd::render::append_escaped(out, "<&>");
  CHECK(out == "x&lt;&amp;&gt;");
}

TEST_CASE("text without slots is copied unchanged", "[slots]") {
  const json values = json::object();
  CHECK(fill("", values) == "");
  CHECK(fill("<p>a { b } c</p>", values) == "<p>a { b } c</p>");
  CHECK(fill("a } } b", values) == "a } } b");
}

TEST_CASE("hostile values are escaped and never expanded", "[slots]") {
  const json values = {{"intitule", R"(<script>alert("x")</script>)"},
                       {"description", "{{value:email}} it's"},
                       {"email", "SHOULD-NOT-APPEAR"}};
  CHECK(fill(R"(<input value="{{value:intitule}}">)", values) ==
        R"(<input value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">)");
  const std::string out = fill("<textarea>{{value:description}}</textarea>", values);
  CHECK(out == "<textarea>{{value:email}} it&#39;s</textarea>");
  CHECK(out.find("SHOULD-NOT-APPEAR") == std::string::npos);
}

TEST_CASE("a replacement is never re-scanned, even when it completes a token", "[slots]") {
  const json values = {{"intitule", "{{"}, {"email", "SHOULD-NOT-APPEAR"}, {"url", "}}"}};
  // The first value opens a token whose end is in the template: left as text.
  CHECK(fill("{{value:intitule}}value:email}}", values) == "{{value:email}}");
  CHECK(fill("{{value:url}}{{value:intitule}}", values) == "}}{{");
}

TEST_CASE("arguments are percent-decoded", "[slots]") {
  const json values = {{"nature", "a b:c"}, {"café", "crème"}, {"canaux", json::array({"x%y"})}};
  CHECK(fill("{{checked:nature:a%20b%3Ac}}", values) == "checked");
  CHECK(fill("{{value:caf%C3%A9}}", values) == "crème");
  CHECK(fill("{{value:caf%c3%a9}}", values) == "crème");
  CHECK(fill("{{checked:canaux:x%25y}}", values) == "checked");
  const json emoji = {{"\xF0\x9F\x98\x80", "ok"}};
  CHECK(fill("{{value:%F0%9F%98%80}}", emoji) == "ok");
  CHECK(fill("{{selected:nature:}}", json::object()) == "selected");  // empty argument
}

TEST_CASE("malformed, unknown and unterminated slots throw SlotError", "[slots]") {
  const json values = json::object();
  SECTION("unterminated, with its offset") {
    CHECK_THROWS_WITH(fill("abcd{{value:x", values), Catch::Contains("offset 4") && Catch::Contains("unterminated"));
    CHECK_THROWS_AS(fill("{{", values), SlotError);
    CHECK_THROWS_AS(fill("ok {{value:a}} {{value:b}", values), SlotError);
  }
  SECTION("unknown kind") {
    CHECK_THROWS_WITH(fill("xx{{bogus:a}}", values), Catch::Contains("offset 2") && Catch::Contains("bogus"));
  }
  SECTION("malformed token") {
    for (const char* t : {"{{}}", "{{Value:x}}", "{{value:x y}}", "{{value:a/b}}", "{{value:a\"b}}",
                          "{{ value:x}}", "{{value;x}}", "{{{value:x}}", "{{value:{{x}}"}) {
      INFO(t);
      CHECK_THROWS_AS(fill(t, values), SlotError);
    }
  }
  SECTION("bad %-escapes") {
    for (const char* t : {"{{value:%zz}}", "{{value:%4}}", "{{value:%}}", "{{value:a%g1}}", "{{value:%FF}}",
                          "{{value:%C3}}", "{{value:%ED%A0%80}}", "{{value:%C0%AF}}", "{{value:%F4%90%80%80}}"}) {
      INFO(t);
      CHECK_THROWS_AS(fill(t, values), SlotError);
    }
  }
  SECTION("wrong number of arguments") {
    for (const char* t : {"{{value}}", "{{value:a:b}}", "{{checked:a}}", "{{error_summary:x}}", "{{values_json:}}",
                          "{{state:a}}", "{{hidden:field}}"}) {
      INFO(t);
      CHECK_THROWS_AS(fill(t, values), SlotError);
    }
  }
  CHECK_NOTHROW(fill("{{value:x}}", values));
}

// ---- Slot kinds --------------------------------------------------------------

TEST_CASE("value writes strings, integers, and nothing for other JSON", "[slots]") {
  const json values = {{"s", "texte"},     {"i", 42},         {"n", -7},   {"t", true},
                       {"f", false},       {"a", json::array({"x", "y"})}, {"o", {{"k", "v"}}}, {"z", nullptr}};
  CHECK(fill("{{value:s}}|{{value:i}}|{{value:n}}", values) == "texte|42|-7");
  CHECK(fill("{{value:t}}{{value:f}}{{value:a}}{{value:o}}{{value:z}}{{value:absent}}", values) == "");
  SlotContext no_values;
  CHECK(fill_slots("[{{value:s}}]", no_values) == "[]");
  const json not_object = json::array({1, 2});
  CHECK(fill("[{{value:s}}]", not_object) == "[]");
}

TEST_CASE("checked follows fill.js", "[slots]") {
  const json values = {{"canaux", json::array({"web", "app"})}, {"ints", {1, 2}},   {"oui", true}, {"non", false},
                       {"nature", "a"},            {"taille", 2},      {"vide", ""},  {"liste_vide", json::array()}};
  CHECK(fill("{{checked:canaux:web}}", values) == "checked");
  CHECK(fill("{{checked:canaux:autre}}", values) == "");
  CHECK(fill("{{checked:ints:2}}", values) == "checked");
  CHECK(fill("{{checked:oui:1}}", values) == "checked");
  CHECK(fill("{{checked:oui:true}}", values) == "");
  CHECK(fill("{{checked:non:1}}", values) == "");
  CHECK(fill("{{checked:nature:a}}", values) == "checked");
  CHECK(fill("{{checked:nature:b}}", values) == "");
  CHECK(fill("{{checked:taille:2}}", values) == "checked");
  CHECK(fill("{{checked:vide:}}", values) == "");
  CHECK(fill("{{checked:liste_vide:}}", values) == "");
  CHECK(fill("{{checked:absent:1}}", values) == "");
}

TEST_CASE("selected: placeholder when blank, else equality", "[slots]") {
  const json values = {{"nature", "b"}, {"taille", 1}, {"vide", ""}, {"nul", nullptr}};
  CHECK(fill("{{selected:nature:}}", values) == "");
  CHECK(fill("{{selected:vide:}}{{selected:nul:}}{{selected:absent:}}", values) == "selectedselectedselected");
  CHECK(fill("{{selected:nature:b}}", values) == "selected");
  CHECK(fill("{{selected:nature:a}}", values) == "");
  CHECK(fill("{{selected:taille:1}}", values) == "selected");
  CHECK(fill("{{selected:vide:x}}", values) == "");
}

TEST_CASE("hidden asks the context", "[slots]") {
  const json values = json::object();
  CHECK(fill("<div {{hidden:field:intitule}}>", values) == "<div >");
  SlotContext ctx;
  std::vector<std::pair<std::string, std::string>> asked;
  ctx.hidden = [&](std::string_view kind, std::string_view name) {
    asked.emplace_back(kind, name);
    return kind == "scope";
  };
  CHECK(fill("{{hidden:field:intitule}}|{{hidden:scope:nom%2Fx}}", values, ctx) == "|hidden");
  REQUIRE(asked.size() == 2);
  CHECK(asked[0] == std::pair<std::string, std::string>{"field", "intitule"});
  CHECK(asked[1] == std::pair<std::string, std::string>{"scope", "nom/x"});
}

TEST_CASE("state and messages show errors, then validity", "[slots]") {
  const json values = json::object();
  SlotContext ctx;
  ctx.errors = {{"intitule", {"doit être rempli", "<trop> court"}}, {"email", {}}};
  ctx.valid_fields = {"description", "intitule"};
  const std::string tmpl = R"(<div class="fr-input-group{{state:F:fr-input-group}}">{{messages:F}}</div>)";
  auto with = [&](const std::string& field) {
    std::string t = tmpl;
    for (auto pos = t.find(":F"); pos != std::string::npos; pos = t.find(":F")) t.replace(pos, 2, ":" + field);
    return fill(t, values, ctx);
  };
  CHECK(with("intitule") ==
        R"(<div class="fr-input-group fr-input-group--error"><p class="fr-message fr-message--error">doit être rempli</p>)"
        R"(<p class="fr-message fr-message--error">&lt;trop&gt; court</p></div>)");
  CHECK(with("email") == R"(<div class="fr-input-group fr-input-group--error"></div>)");
  CHECK(with("description") ==
        R"(<div class="fr-input-group fr-input-group--valid"><p class="fr-message fr-message--valid">Champ valide</p></div>)");
  CHECK(with("url") == R"(<div class="fr-input-group"></div>)");
}

TEST_CASE("documents lists the attached file names", "[slots]") {
  const json values = {{"maquette", {{{"filename", "plan <v2>.pdf"}}, "brut.pdf", {{"size", 3}}, 7}},
                       {"vide", json::array()},
                       {"texte", "a.pdf"}};
  CHECK(fill("{{documents:maquette}}", values) ==
        R"(<ul class="formc-documents__list"><li>plan &lt;v2&gt;.pdf</li><li>brut.pdf</li></ul>)");
  CHECK(fill("{{documents:vide}}{{documents:texte}}{{documents:absent}}", values) == "");
}

TEST_CASE("disabled marks a file input only where the server says so", "[slots]") {
  const std::string tmpl = R"(<input type="file" name="maquette[]" {{disabled:maquette}}><input type="file" name="plan" {{disabled:plan}}>)";
  CHECK(fill(tmpl, json::object()) == R"(<input type="file" name="maquette[]" ><input type="file" name="plan" >)");
  SlotContext ctx;
  ctx.disabled = [](std::string_view field) { return field == "maquette"; };
  CHECK(fill(tmpl, json::object(), ctx) ==
        R"(<input type="file" name="maquette[]" disabled><input type="file" name="plan" >)");
  CHECK_THROWS_AS(fill("{{disabled}}", json::object()), formd::render::SlotError);
}

TEST_CASE("display: blank values", "[slots][display]") {
  const json values = {{"intitule", ""},      {"description", " \n\t "}, {"canaux", json::array()},
                       {"nature", nullptr},   {"volume", "  "}};
  for (const char* f : {"intitule", "description", "canaux", "nature", "volume", "accepte", "inconnu"}) {
    INFO(f);
    CHECK(fill(std::string("{{display:") + f + "}}", values) == kBlank);
  }
}

TEST_CASE("display: every field type", "[slots][display]") {
  const json values = {
      {"intitule", "Projet <b>&</b>"},
      {"description", "ligne 1\r\nligne <2>\nligne 3\rfin"},
      {"email", "a@b.fr"},
      {"volume", 1200},
      {"date_debut", "2024-05-01"},
      {"accepte", true},
      {"nature", "a"},
      {"taille", "2"},
      {"canaux", json::array({"app", "inconnu<"})},
      {"maquette", json::array({json{{"filename", "x&y.pdf"}}})},
      {"scopes", {"nom", "prenom", "hors_liste"}},
      {"1st-name", "Zoé"},
      {"inconnu", "<i>brut</i>"},
      {"inconnu_liste", json::array({"a", 1})},
      {"inconnu_bool", false},
  };
  auto display = [&](const std::string& f) { return fill("{{display:" + f + "}}", values); };
  CHECK(display("intitule") == "Projet &lt;b&gt;&amp;&lt;/b&gt;");
  CHECK(display("description") == "ligne 1<br>ligne &lt;2&gt;<br>ligne 3<br>fin");
  CHECK(display("email") == "a@b.fr");
  CHECK(display("volume") == "1200");
  CHECK(display("date_debut") == "2024-05-01");
  CHECK(display("accepte") == "Oui");
  CHECK(display("nature") == "Option &lt;A&gt;");
  CHECK(display("taille") == "Grande");
  CHECK(display("canaux") == "<ul><li>Appli</li><li>inconnu&lt;</li></ul>");
  CHECK(display("maquette") == "<ul><li>x&amp;y.pdf</li></ul>");
  // Scope names, the value when the scope has no name or is unknown.
  CHECK(display("scopes") == "<ul><li>Nom &lt;de&gt; naissance</li><li>prenom</li><li>hors_liste</li></ul>");
  CHECK(display("1st-name") == "Zoé");
  CHECK(display("inconnu") == "&lt;i&gt;brut&lt;/i&gt;");
  CHECK(display("inconnu_liste") == "<ul><li>a</li><li>1</li></ul>");
  CHECK(display("inconnu_bool") == "Non");
}

TEST_CASE("display: fallbacks inside known types", "[slots][display]") {
  const json values = {{"accepte", false}, {"nature", "zz"}, {"taille", 1}, {"volume", "douze"}};
  CHECK(fill("{{display:accepte}}", values) == "Non");
  CHECK(fill("{{display:nature}}", values) == "zz");     // not an option: the raw value
  CHECK(fill("{{display:taille}}", values) == "Petite");  // integer option compared as text
  CHECK(fill("{{display:volume}}", values) == "douze");
  SlotContext no_definition;
  no_definition.values = &values;
  CHECK(fill_slots("{{display:nature}}", no_definition) == "zz");
}

TEST_CASE("step_url escapes the context's URL, '#' when unset", "[slots]") {
  const json values = json::object();
  CHECK(fill(R"(<a href="{{step_url:projet}}">)", values) == R"(<a href="#">)");
  SlotContext ctx;
  ctx.step_url = [](std::string_view block) { return "/demandes/42/etapes/" + std::string(block) + "?a=1&b=\"2\""; };
  CHECK(fill("{{step_url:projet}}", values, ctx) == "/demandes/42/etapes/projet?a=1&amp;b=&quot;2&quot;");
}

TEST_CASE("values_json dumps the values, escaped", "[slots]") {
  const json values = {{"intitule", "<\"Été\" & 'co'>"}, {"volume", 3}};
  CHECK(fill(R"(data-formc-values="{{values_json}}")", values) ==
        R"(data-formc-values="{&quot;intitule&quot;:&quot;&lt;\&quot;Été\&quot; &amp; &#39;co&#39;&gt;&quot;,&quot;volume&quot;:3}")");
  SlotContext none;
  CHECK(fill_slots("{{values_json}}", none) == "{}");
  const json null_values;
  CHECK(fill("{{values_json}}", null_values) == "{}");
}

// ---- Error summary ---------------------------------------------------------

namespace {
const std::string kSummaryStart =
    R"(<div class="fr-alert fr-alert--error" role="alert"><h2 class="fr-alert__title">Le formulaire contient )";
}

TEST_CASE("error_summary is empty without errors on the page", "[slots][summary]") {
  const json values = json::object();
  CHECK(fill("{{error_summary}}", values) == "");
  SlotContext ctx;
  ctx.errors = {{"email", {"invalide"}}};
  ctx.page_fields = {"intitule", "description"};
  CHECK(fill("{{error_summary}}", values, ctx) == "");
}

TEST_CASE("error_summary of one error", "[slots][summary]") {
  const json values = json::object();
  SlotContext ctx;
  ctx.errors = {{"intitule", {"doit être rempli", "second message"}}};
  CHECK(fill("{{error_summary}}", values, ctx) ==
        kSummaryStart + R"(1 erreur</h2><ul><li><a href="#intitule">Nom du projet : doit être rempli</a></li></ul></div>)");
}

TEST_CASE("error_summary without page lists every error in errors order", "[slots][summary]") {
  const json values = json::object();
  SlotContext ctx;
  ctx.errors = {{"volume", {"<pas> un nombre"}},
                {"email", {"invalide"}},
                {"no_label", {"requis"}},
                {"1st-name", {"requis"}},
                {"inconnu", {}},
                {"responsable_traitement_email", {"requis"}},
                {"contact_technique_email", {"requis"}},
                {"", {"Au moins un contact", "Document incomplet"}}};
  const std::string out = fill("{{error_summary}}", values, ctx);
  CHECK(out == kSummaryStart + "9 erreurs</h2><ul>"
                                "<li>Au moins un contact</li>"
                                "<li>Document incomplet</li>"
                                R"(<li><a href="#f_1st_name">Prénom : requis</a></li>)"
                                R"(<li><a href="#contact_technique_email">Email : requis</a></li>)"
                                R"(<li><a href="#email">Courriel : invalide</a></li>)"
                                R"(<li><a href="#inconnu">inconnu</a></li>)"
                                R"(<li><a href="#no_label">no_label : requis</a></li>)"
                                R"(<li><a href="#responsable_traitement_email">Responsable de traitement – Email : requis</a></li>)"
                                R"(<li><a href="#volume">Volumétrie : &lt;pas&gt; un nombre</a></li>)"
                                "</ul></div>");
}

TEST_CASE("error_summary with a page keeps its fields, in page order", "[slots][summary]") {
  const json values = json::object();
  SlotContext ctx;
  ctx.errors = {{"volume", {"trop grand"}}, {"email", {"invalide"}}, {"url", {"hors page"}}, {"", {"global"}}};
  ctx.page_fields = {"volume", "intitule", "email"};
  CHECK(fill("{{error_summary}}", values, ctx) ==
        kSummaryStart + "3 erreurs</h2><ul><li>global</li>"
                        R"(<li><a href="#volume">Volumétrie : trop grand</a></li>)"
                        R"(<li><a href="#email">Courriel : invalide</a></li></ul></div>)");
}

// ---- A real generated fragment ---------------------------------------------

TEST_CASE("fills a fragment generated by formc", "[slots][generated]") {
  const auto path = source_root() / "generated/html/forms/api-pro-sante-connect/basic_infos.html";
  const std::string tmpl = read_file(path);
  REQUIRE(tmpl.find("{{value:intitule}}") != std::string::npos);
  const json values = {{"intitule", R"(<script>"Projet" & 'co'</script>)"},
                       {"description", "desc"},
                       {"maquette_projet", json::array({json{{"filename", "m.pdf"}}})}};
  SlotContext ctx;
  ctx.values = &values;
  ctx.errors = {{"description", {"trop court"}}};
  ctx.page_fields = {"intitule", "description", "maquette_projet"};
  const std::string out = fill_slots(tmpl, ctx);
  CHECK(out.find("{{") == std::string::npos);
  CHECK(out.find("}}") == std::string::npos);
  CHECK(out.find(R"(value="&lt;script&gt;&quot;Projet&quot; &amp; &#39;co&#39;&lt;/script&gt;")") != std::string::npos);
  CHECK(out.find("<script>") == std::string::npos);
  CHECK(out.find(R"(class="fr-input-group fr-input-group--error")") != std::string::npos);
  CHECK(out.find(R"(<a href="#description">description : trop court</a>)") != std::string::npos);
  CHECK(out.find("<li>m.pdf</li>") != std::string::npos);
}

TEST_CASE("every generated fragment fills without error", "[slots][generated]") {
  const auto root = source_root() / "generated/html";
  REQUIRE(std::filesystem::is_directory(root));
  const json values = {{"intitule", "x"}};
  SlotContext ctx;
  ctx.values = &values;
  ctx.hidden = [](std::string_view, std::string_view) { return true; };
  ctx.step_url = [](std::string_view b) { return "/etapes/" + std::string(b); };
  int filled = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".html") continue;
    INFO(entry.path().string());
    std::string out;
    CHECK_NOTHROW(out = fill_slots(read_file(entry.path()), ctx));
    CHECK(out.find("{{") == std::string::npos);
    ++filled;
  }
  CHECK(filled > 10);
}

// ---- Form posts --------------------------------------------------------------

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::vector<const Field*> page(std::initializer_list<const char*> names) {
  std::vector<const Field*> fields;
  for (const char* n : names) {
    const Field* f = definition().find_field(n);
    REQUIRE(f);
    fields.push_back(f);
  }
  return fields;
}

PostResult post(std::initializer_list<const char*> fields, const Params& params, json base = json::object(),
                std::size_t max_value_bytes = 1000) {
  static const Form form = make_form();
  return apply_form_post(definition(), form, page(fields), params, std::move(base), max_value_bytes);
}

bool has_problem(const PostResult& r, const std::string& name, const std::string& fragment) {
  for (const auto& p : r.problems) {
    if (p.name == name && p.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("text types are kept as posted, blank ones removed", "[post]") {
  const json base = {{"intitule", "ancien"}, {"email", "old@x.fr"}, {"url", "https://old"}, {"taille", "1"}};
  const auto r = post({"intitule", "description", "email", "phone", "url", "date_debut", "nature", "taille"},
                      {{"intitule", "  Mon projet  "},
                       {"description", "a\r\nb"},
                       {"email", "   "},
                       {"phone", "0102030405"},
                       {"url", ""},
                       {"date_debut", "2024-01-31"},
                       {"nature", "b"}},
                      base);
  REQUIRE(r.ok());
  CHECK(r.data == json{{"intitule", "  Mon projet  "},
                       {"description", "a\r\nb"},
                       {"phone", "0102030405"},
                       {"date_debut", "2024-01-31"},
                       {"nature", "b"}});  // email, url blank; taille (radio) not posted
}

TEST_CASE("integers are parsed when they are decimal int64", "[post]") {
  auto volume = [](const std::string& text) {
    const auto r = post({"volume"}, {{"volume", text}}, {{"volume", 1}});
    REQUIRE(r.ok());
    return r.data.contains("volume") ? r.data["volume"] : json("<removed>");
  };
  CHECK(volume("42") == json(42));
  CHECK(volume(" 42\t") == json(42));
  CHECK(volume("-7") == json(-7));
  CHECK(volume("007") == json(7));
  CHECK(volume("9223372036854775807") == json(INT64_MAX));
  CHECK(volume("-9223372036854775808") == json(INT64_MIN));
  CHECK(volume("9223372036854775808") == json("9223372036854775808"));
  CHECK(volume("+5") == json("+5"));
  CHECK(volume(" 12a ") == json(" 12a "));  // as posted: the validator reports `type`
  CHECK(volume("1 2") == json("1 2"));
  CHECK(volume("-") == json("-"));
  CHECK(volume("1.5") == json("1.5"));
  CHECK(volume("") == json("<removed>"));
  CHECK(volume("  ") == json("<removed>"));
  CHECK(volume("４２") == json("４２"));  // fullwidth digits are not decimal digits
}

TEST_CASE("checkbox: '1' is true, absent is false, anything else a problem", "[post]") {
  CHECK(post({"accepte"}, {{"accepte", "1"}}).data == json{{"accepte", true}});
  CHECK(post({"accepte"}, {}, {{"accepte", true}}).data == json{{"accepte", false}});
  const auto bad = post({"accepte"}, {{"accepte", "on"}}, {{"accepte", true}});
  CHECK_FALSE(bad.ok());
  CHECK(has_problem(bad, "accepte", "Valeur invalide"));
  CHECK(bad.data == json{{"accepte", true}});
}

TEST_CASE("multiselect: F[] in posted order without repeats", "[post]") {
  SECTION("posted as F[]") {
    const auto r = post({"canaux"}, {{"canaux[]", "app"}, {"canaux[]", "web"}, {"canaux[]", "app"}, {"canaux[]", ""}});
    REQUIRE(r.ok());
    CHECK(r.data == json{{"canaux", json::array({"app", "web"})}});
  }
  SECTION("plain F accepted once") {
    const auto r = post({"canaux"}, {{"canaux", "web"}, {"canaux[]", "autre"}});
    REQUIRE(r.ok());
    CHECK(r.data == json{{"canaux", json::array({"web", "autre"})}});
    const auto twice = post({"canaux"}, {{"canaux", "web"}, {"canaux", "app"}});
    CHECK(has_problem(twice, "canaux", "plusieurs fois"));
  }
  SECTION("nothing posted removes the key") {
    const auto r = post({"canaux"}, {}, {{"canaux", json::array({"web"})}, {"autre", 1}});
    REQUIRE(r.ok());
    CHECK(r.data == json{{"autre", 1}});
  }
}

TEST_CASE("scopes: included forced, disabled kept from base, unknown kept", "[post][scopes]") {
  const json base = {{"scopes", {"desactive", "config_off", "cachee", "nom"}}};
  SECTION("posted values plus the server's decisions") {
    const auto r = post({"scopes"},
                        {{"scopes[]", "prenom"},
                         {"scopes[]", "hors_liste"},
                         {"scopes[]", "obsolete"},             // disabled: ignored
                         {"scopes[]", "obsolete_modifiable"},  // deprecated but writable
                         {"scopes[]", "inclus"},
                         {"scopes[]", "prenom"}},
                        base);
    REQUIRE(r.ok());
    // "nom" was in base but is enabled and not posted: unchecked.
    CHECK(r.data["scopes"] == json{"prenom", "hors_liste", "obsolete_modifiable", "inclus", "desactive",
                                   "config_off", "cachee"});
  }
  SECTION("nothing posted: included ones and base's disabled ones") {
    const auto r = post({"scopes"}, {}, json::object());
    REQUIRE(r.ok());
    CHECK(r.data["scopes"] == json::array({"inclus"}));
    const auto with_base = post({"scopes"}, {}, {{"scopes", json::array({"obsolete"})}});
    CHECK(with_base.data["scopes"] == json::array({"inclus", "obsolete"}));
  }
  SECTION("disabled scopes cannot be added by a post") {
    const auto r = post({"scopes"}, {{"scopes[]", "desactive"}, {"scopes[]", "config_off"}, {"scopes[]", "cachee"}});
    REQUIRE(r.ok());
    CHECK(r.data["scopes"] == json::array({"inclus"}));
  }
  SECTION("unknown scope values are still length-limited") {
    const auto r = post({"scopes"}, {{"scopes[]", std::string(20, 'x')}}, json::object(), 10);
    CHECK(has_problem(r, "scopes[]", "trop longue"));
  }
}

TEST_CASE("document fields are never read", "[post]") {
  const json base = {{"maquette", json::array({json{{"filename", "a.pdf"}}})}};
  const auto r = post({"maquette", "intitule"}, {{"maquette[]", "b.pdf"}, {"maquette", "c.pdf"}, {"intitule", "x"}}, base);
  REQUIRE(r.ok());
  CHECK(r.data == json{{"maquette", json::array({json{{"filename", "a.pdf"}}})}, {"intitule", "x"}});
}

TEST_CASE("unknown names are problems, page controls are skipped", "[post]") {
  const auto r = post({"intitule"},
                      {{"_csrf", "t"}, {"_version", "3"}, {"_action", "next"}, {"intitule", "x"}, {"pirate", "1"},
                       {"email", "a@b.fr"}, {"intitule[]", "y"}, {"", "z"}});
  CHECK(r.problems.size() == 4);
  CHECK(has_problem(r, "pirate", "Champ inconnu : pirate"));
  CHECK(has_problem(r, "email", "Champ inconnu"));  // a field of the definition, not of this page
  CHECK(has_problem(r, "intitule[]", "Champ inconnu"));
  CHECK(has_problem(r, "", "Champ inconnu"));
  CHECK(r.data == json{{"intitule", "x"}});
}

TEST_CASE("a single-valued field posted twice is a problem", "[post]") {
  for (const char* f : {"intitule", "volume", "accepte", "taille"}) {
    INFO(f);
    const auto r = post({f}, {{f, "1"}, {f, "1"}, {f, "2"}}, {{f, "base"}});
    REQUIRE(r.problems.size() == 1);
    CHECK(has_problem(r, f, "plusieurs fois"));
    CHECK(r.data == json{{f, "base"}});  // left as it was
  }
}

TEST_CASE("values longer than the limit are problems", "[post]") {
  const auto ok = post({"intitule"}, {{"intitule", std::string(10, 'a')}}, json::object(), 10);
  CHECK(ok.ok());
  const auto r = post({"intitule", "canaux"}, {{"intitule", std::string(11, 'a')}, {"canaux[]", std::string(11, 'b')}},
                      json::object(), 10);
  CHECK(r.problems.size() == 2);
  CHECK(has_problem(r, "intitule", "trop longue"));
  CHECK(has_problem(r, "canaux[]", "10 octets"));
}

TEST_CASE("fields that are not on the page keep their base value", "[post]") {
  const json base = {{"email", "a@b.fr"}, {"volume", 12}, {"scopes", json::array({"nom"})}, {"hors_definition", {{"k", 1}}}};
  const auto r = post({"intitule"}, {{"intitule", "x"}}, base);
  REQUIRE(r.ok());
  json expected = base;
  expected["intitule"] = "x";
  CHECK(r.data == expected);
  const auto from_null = post({"intitule"}, {{"intitule", "x"}}, json());
  CHECK(from_null.data == json{{"intitule", "x"}});
}
