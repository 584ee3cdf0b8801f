// The generated class of API Pro Santé Connect (definitions/), end to end:
// JSON in and out with DataPass's flat names, validation in every context,
// the forms' metadata, prefill(), enums, and malformed input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpp/ans/api_pro_sante_connect.h"
#include "formc/runtime/abi.h"
#include "formc/runtime/checks.h"

using formc::rt::Context;
using formc::rt::Error;
using PSC = formc_generated::ans::APIProSanteConnect;
using json = nlohmann::json;

namespace {

// A complete request, as DataPass exports it.
json valid_request() {
  return json::parse(R"({
    "intitule": "Portail des professionnels de santé",
    "description": "Un service en ligne pour les professionnels de santé de la région.",
    "cadre_juridique_nature": "Arrêté du 24 mars 2021",
    "cadre_juridique_url": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292",
    "destinataire_donnees_caractere_personnel": "agents instructeurs",
    "duree_conservation_donnees_caractere_personnel": 24,
    "scopes": ["idnat", "donnees_sectorielles"],
    "responsable_traitement_family_name": "Martin",
    "responsable_traitement_given_name": "Claire",
    "responsable_traitement_email": "claire.martin@example.fr",
    "responsable_traitement_phone_number": "0199001234",
    "responsable_traitement_job_title": "Directrice",
    "delegue_protection_donnees_type": "person",
    "delegue_protection_donnees_family_name": "Durand",
    "delegue_protection_donnees_given_name": "Paul",
    "delegue_protection_donnees_email": "dpo@example.fr",
    "delegue_protection_donnees_phone_number": "+33 1 99 00 12 34",
    "delegue_protection_donnees_job_title": "DPO",
    "contact_technique_type": "organization",
    "contact_technique_email": "tech@example.fr",
    "contact_technique_phone_number": "01.99.00.12.34",
    "terms_of_service_accepted": true,
    "data_protection_officer_informed": true
  })");
}

PSC read(const json& j) {
  auto r = PSC::from_json(j);
  INFO(j.dump());
  REQUIRE(r.ok());
  return r.value;
}

std::set<std::pair<std::string, std::string>> codes(const formc::rt::ValidationResult& r) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& e : r.errors) out.emplace(e.field, e.code);
  return out;
}

std::set<std::string> fields_with(const formc::rt::ValidationResult& r, std::string_view code) {
  std::set<std::string> out;
  for (const auto& e : r.errors) {
    if (e.code == code) out.insert(e.field);
  }
  return out;
}

std::string dump(const formc::rt::ValidationResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.field + " " + e.code + " " + e.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("the generated header checks the runtime ABI it was generated for") {
  STATIC_REQUIRE(FORMC_RUNTIME_ABI_VERSION == 1);
  STATIC_REQUIRE(formc::rt::kRuntimeAbiVersion == 1);
}

TEST_CASE("from_json reads DataPass's flat attribute names into typed members") {
  const PSC r = read(valid_request());
  CHECK(r.intitule == "Portail des professionnels de santé");
  CHECK(r.duree_conservation_donnees_caractere_personnel == 24);
  CHECK(r.scopes == std::vector<std::string>{"idnat", "donnees_sectorielles"});
  CHECK(r.contact_technique.email == "tech@example.fr");
  CHECK(r.contact_technique.type == "organization");
  CHECK_FALSE(r.contact_technique.family_name.has_value());
  CHECK(r.responsable_traitement.job_title == "Directrice");
  CHECK(r.terms_of_service_accepted == true);
  CHECK(r.maquette_projet.empty());
}

TEST_CASE("to_json round-trips with the same flat names") {
  json in = valid_request();
  in["maquette_projet"] = json::array({{{"name", "maquette.pdf"}, {"content_type", "application/pdf"}, {"size", 1234}}});
  const PSC r = read(in);
  REQUIRE(r.maquette_projet.size() == 1);
  CHECK(r.maquette_projet[0] == formc::rt::Document{"maquette.pdf", "application/pdf", 1234});
  CHECK(json(r.to_json()) == in);
  CHECK(json::parse(r.to_json_text()) == in);
  // Field order is the form's order.
  CHECK(r.to_json().begin().key() == "intitule");
  // And again through the text reader.
  const auto again = PSC::from_json_text(r.to_json_text());
  REQUIRE(again.ok());
  CHECK(again.value == r);
}

TEST_CASE("from_json_text and from_json agree") {
  const std::string text = valid_request().dump();
  const auto a = PSC::from_json_text(text);
  const auto b = PSC::from_json(json::parse(text));
  REQUIRE(a.ok());
  CHECK(a.value == b.value);
}

TEST_CASE("a document's size is a byte count: negative sizes are refused like the schema refuses them") {
  json in = valid_request();
  in["maquette_projet"] = json::array({{{"name", "maquette.pdf"}, {"content_type", "application/pdf"}, {"size", -1}}});
  const auto from_dom = PSC::from_json(in);
  const auto from_text = PSC::from_json_text(in.dump());
  REQUIRE(from_dom.errors.size() == 1);
  CHECK(from_dom.errors[0].field == "maquette_projet");
  CHECK(from_dom.errors[0].code == "type");
  CHECK(from_text.errors == from_dom.errors);
}

TEST_CASE("a complete request is valid in every context") {
  const PSC r = read(valid_request());
  for (const auto& ctx : {Context::draft(), Context::submit(), Context::at_step("basic_infos"), Context::at_step("contacts")}) {
    const auto result = r.validate(ctx);
    INFO(ctx.to_string() << "\n" << dump(result));
    CHECK(result.valid());
  }
  for (const auto& form : PSC::forms()) {
    INFO(form.uid);
    CHECK(r.validate(Context::submit(), form).valid());
  }
}

TEST_CASE("draft checks types and formats only") {
  PSC r;
  CHECK(r.validate(Context::draft()).valid());
  r.contact_technique.email = "not an email";
  r.responsable_traitement.phone_number = "12";
  r.cadre_juridique_url = "javascript:alert(1)";
  const auto result = r.validate(Context::draft());
  CHECK(codes(result) == std::set<std::pair<std::string, std::string>>{
                             {"cadre_juridique_url", "format_url"},
                             {"responsable_traitement_phone_number", "format_phone"},
                             {"contact_technique_email", "format_email"},
                         });
  const Error* phone = result.find("responsable_traitement_phone_number");
  REQUIRE(phone);
  CHECK(phone->message == "« Téléphone (Responsable de traitement) » doit être un numéro de téléphone français. Exemple : 0199001234 ou +33199001234.");
  CHECK(result.find("cadre_juridique_url")->message == "« URL du texte relatif au traitement » n'est pas un lien valide.");
}

TEST_CASE("submit requires everything, checkboxes included, with DataPass's wording") {
  const PSC empty;
  const auto result = empty.validate(Context::submit());
  const auto required = fields_with(result, "required");
  for (const char* f : {"intitule", "description", "cadre_juridique_nature", "destinataire_donnees_caractere_personnel",
                        "duree_conservation_donnees_caractere_personnel", "scopes", "contact_technique_email",
                        "contact_technique_family_name", "delegue_protection_donnees_job_title"}) {
    INFO(f);
    CHECK(required.count(f) == 1);
  }
  CHECK(required.count("maquette_projet") == 0);  // optional
  CHECK(required.count("contact_technique_type") == 0);
  CHECK(fields_with(result, "must_be_checked") ==
        std::set<std::string>{"terms_of_service_accepted", "data_protection_officer_informed"});
  CHECK(result.find("intitule")->message == "« Nom du projet » doit être rempli(e).");
  CHECK(result.find("terms_of_service_accepted")->message == "Vous devez accepter les conditions générales d'utilisation.");
  // Whitespace is not a value.
  PSC blank = read(valid_request());
  blank.intitule = " \t\n";
  CHECK(codes(blank.validate(Context::submit())) == std::set<std::pair<std::string, std::string>>{{"intitule", "required"}});
}

TEST_CASE("the CGU and DPO checkboxes are only required on submit") {
  json j = valid_request();
  j.erase("terms_of_service_accepted");
  j["data_protection_officer_informed"] = false;
  const PSC r = read(j);
  CHECK(r.validate(Context::at_step("contacts")).valid());
  CHECK(fields_with(r.validate(Context::submit()), "must_be_checked") ==
        std::set<std::string>{"terms_of_service_accepted", "data_protection_officer_informed"});
}

TEST_CASE("a step validates the form's steps up to it, static blocks excluded") {
  const PSC empty;
  SECTION("default form: steps in order") {
    const auto basic = fields_with(empty.validate(Context::at_step("basic_infos")), "required");
    CHECK(basic == std::set<std::string>{"intitule", "description"});
    const auto legal = empty.validate(Context::at_step("legal"));
    CHECK(fields_with(legal, "required") == std::set<std::string>{"intitule", "description", "cadre_juridique_nature"});
    CHECK(fields_with(legal, "cadre_juridique_document_or_url") ==
          std::set<std::string>{"cadre_juridique_url", "cadre_juridique_document"});
    CHECK(fields_with(legal, "must_be_checked").empty());
  }
  SECTION("editor form: legal is static, so steps never check it; submit does") {
    const auto& editeur = PSC::form(PSC::Form::ApiProSanteConnectEditeur);
    const auto personal = fields_with(empty.validate(Context::at_step("personal_data"), editeur), "required");
    CHECK(personal.count("cadre_juridique_nature") == 0);
    CHECK(personal.count("destinataire_donnees_caractere_personnel") == 1);
    CHECK(personal.count("scopes") == 0);  // a later step
    CHECK(fields_with(empty.validate(Context::submit(), editeur), "required").count("cadre_juridique_nature") == 1);
  }
  SECTION("a step the form does not have") {
    const auto& etablissement = PSC::form(PSC::Form::ApiProSanteConnectEtablissementEditeur);
    const auto r = empty.validate(Context::at_step("scopes"), etablissement);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == "unknown_step");
  }
}

TEST_CASE("personal data: the justification is required when the retention exceeds 36 months") {
  json j = valid_request();
  j["duree_conservation_donnees_caractere_personnel"] = 48;
  const auto r48 = read(j).validate(Context::submit());
  CHECK(codes(r48) == std::set<std::pair<std::string, std::string>>{
                          {"duree_conservation_donnees_caractere_personnel_justification", "required"}});
  j["duree_conservation_donnees_caractere_personnel_justification"] = "Obligation légale d'archivage.";
  CHECK(read(j).validate(Context::submit()).valid());
  j["duree_conservation_donnees_caractere_personnel"] = 36;
  j.erase("duree_conservation_donnees_caractere_personnel_justification");
  CHECK(read(j).validate(Context::submit()).valid());
  j["duree_conservation_donnees_caractere_personnel"] = -1;
  CHECK(codes(read(j).validate(Context::draft())) ==
        std::set<std::pair<std::string, std::string>>{{"duree_conservation_donnees_caractere_personnel", "min"}});
}

TEST_CASE("legal: a URL or a document, on both fields") {
  json j = valid_request();
  j.erase("cadre_juridique_url");
  auto r = read(j).validate(Context::submit());
  CHECK(fields_with(r, "cadre_juridique_document_or_url") ==
        std::set<std::string>{"cadre_juridique_url", "cadre_juridique_document"});
  CHECK(r.find("cadre_juridique_url")->message == "Vous devez fournir un lien vers le texte ou un document");
  j["cadre_juridique_url"] = "   ";  // blank is absent
  CHECK(read(j).validate(Context::submit()).errors.size() == 2);
  j.erase("cadre_juridique_url");
  j["cadre_juridique_document"] = json::array({{{"name", "arrete.pdf"}, {"content_type", "application/pdf"}, {"size", 2048}}});
  CHECK(read(j).validate(Context::submit()).valid());
  j["cadre_juridique_document"] = json::array({{{"name", "arrete.docx"}, {"content_type", "application/msword"}, {"size", 20 << 20}}});
  CHECK(codes(read(j).validate(Context::draft())) == std::set<std::pair<std::string, std::string>>{
                                                        {"cadre_juridique_document", "file_too_large"},
                                                        {"cadre_juridique_document", "content_type"}});
  json seven = json::array();
  for (int i = 0; i < 7; ++i) seven.push_back({{"name", "a.pdf"}, {"content_type", "application/pdf"}, {"size", 1}});
  j["cadre_juridique_document"] = seven;
  CHECK(codes(read(j).validate(Context::draft())) ==
        std::set<std::pair<std::string, std::string>>{{"cadre_juridique_document", "too_many_files"}});
}

TEST_CASE("contacts: names and job title are required only for a person") {
  json j = valid_request();
  SECTION("an organization needs no names") {
    CHECK(read(j).validate(Context::submit()).valid());  // contact_technique is an organization
  }
  SECTION("a person (or no type: DataPass's default) needs them") {
    for (const json& type : {json("person"), json(nullptr), json("")}) {
      j["contact_technique_type"] = type;
      const auto r = read(j).validate(Context::submit());
      CHECK(fields_with(r, "required") == std::set<std::string>{"contact_technique_family_name", "contact_technique_given_name",
                                                                "contact_technique_job_title"});
    }
  }
  SECTION("another type is not an option") {
    j["contact_technique_type"] = "robot";
    const auto r = read(j).validate(Context::draft());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == "not_an_option");
    CHECK(r.errors[0].message == "« Ce contact est (Contact technique) » : 'robot' ne fait pas partie des choix possibles.");
  }
}

TEST_CASE("scopes: options of the definition, allowed by the form's scopes_config, no repeats") {
  json j = valid_request();
  j["scopes"] = json::array({"idnat", "adresse_postale"});
  auto r = read(j).validate(Context::draft());
  CHECK(codes(r) == std::set<std::pair<std::string, std::string>>{{"scopes", "not_an_option"}});
  CHECK(r.find("scopes", "not_an_option")->message == "« adresse_postale » n'est pas une donnée disponible.");
  j["scopes"] = json::array({"idnat", "idnat"});
  r = read(j).validate(Context::draft());
  CHECK(codes(r) == std::set<std::pair<std::string, std::string>>{{"scopes", "duplicate"}});
  CHECK(r.find("scopes", "duplicate")->message == "« Les données » contient 'idnat' plusieurs fois.");
  // The definition has two scopes: three items cannot all be distinct scopes.
  j["scopes"] = json::array({"idnat", "adresse_postale", "idnat"});
  r = read(j).validate(Context::draft());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == Error{"scopes", "too_many_items", "« Les données » : au plus 2 éléments."});
  for (const auto& form : PSC::forms()) {
    // None of the PSC forms restricts its scopes (the corpus tests cover scopes_config).
    CHECK(std::all_of(form.allowed_scopes.begin(), form.allowed_scopes.end(), [](bool b) { return b; }));
    CHECK_FALSE(form.scopes_config.has_displayed);
  }
}

TEST_CASE("80,000 distinct list items: one error per list, read and validated from JSON text") {
  // What a hostile client can send to a public server. Timing lives in the
  // benchmark (tests/bench/validator, bench_lists); here: the errors stay bounded.
  json j = valid_request();
  json scopes = json::array();
  json files = json::array();
  for (int i = 0; i < 80000; ++i) {
    scopes.push_back("scope_" + std::to_string(i));
    files.push_back({{"name", "piece_" + std::to_string(i) + ".exe"}, {"content_type", "application/x-msdownload"}, {"size", 1 << 30}});
  }
  j["scopes"] = scopes;
  j["cadre_juridique_document"] = files;
  const auto r = PSC::validate_json_text(j.dump(), Context::submit(), PSC::default_form());
  INFO(dump(r));
  CHECK(r.errors == std::vector<Error>{
                        {"cadre_juridique_document", "too_many_files", "« Ajoutez votre document » accepte au plus 6 fichier(s)."},
                        {"scopes", "too_many_items", "« Les données » : au plus 2 éléments."},
                    });
}

TEST_CASE("enums convert to and from DataPass's values") {
  using Scope = PSC::Scope;
  CHECK(to_string(Scope::Idnat) == "idnat");
  CHECK(to_string(Scope::DonneesSectorielles) == "donnees_sectorielles");
  Scope s{};
  CHECK(from_string("donnees_sectorielles", s));
  CHECK(s == Scope::DonneesSectorielles);
  CHECK_FALSE(from_string("Idnat", s));
  CHECK(formc::rt::as_enum<PSC::ContactType>("organization") == PSC::ContactType::Organization);
  CHECK_FALSE(formc::rt::as_enum<PSC::ContactType>("robot").has_value());
  const PSC r = read(valid_request());
  CHECK(formc::rt::as_enums<Scope>(r.scopes) == std::vector<Scope>{Scope::Idnat, Scope::DonneesSectorielles});
  PSC w;
  formc::rt::set_enum(w.contact_technique.type, PSC::ContactType::Person);
  CHECK(w.contact_technique.type == "person");
}

TEST_CASE("per-form metadata is static data") {
  const auto& def = PSC::definition();
  CHECK(def.id == "api_pro_sante_connect");
  CHECK(def.class_name == "APIProSanteConnect");
  CHECK(def.cgu_link == "https://esante.gouv.fr/cgu/pro-sante-connect");
  REQUIRE(def.blocks.size() == 5);
  CHECK(def.blocks[0].slug == "informations-de-base");
  CHECK(def.scopes.size() == 2);
  CHECK(def.fields.back().name == "data_protection_officer_informed");
  REQUIRE(PSC::forms().size() == 3);
  CHECK(PSC::default_form().uid == "api-pro-sante-connect");
  const auto& editeur = PSC::form(PSC::Form::ApiProSanteConnectEditeur);
  CHECK(editeur.uid == "api-pro-sante-connect-editeur");
  CHECK(editeur.use_case == "editeur_logiciel");
  REQUIRE(editeur.static_blocks.size() == 1);
  CHECK(editeur.static_blocks[0] == "legal");
  REQUIRE(editeur.steps.size() == 4);
  CHECK(editeur.steps[1].block == "personal_data");
  CHECK(PSC::find_form("api-pro-sante-connect-etablissement-editeur")->service_provider_id == "demo_sante_logiciels");
  CHECK(PSC::find_form("nope") == nullptr);
  CHECK(json::parse(editeur.initialize_with)["scopes"] == json::array({"idnat", "donnees_sectorielles"}));
  CHECK(def.stage.type.empty());
}

TEST_CASE("prefill applies initialize_with and the included scopes") {
  PSC r;
  r.prefill(PSC::form(PSC::Form::ApiProSanteConnectEtablissementEditeur));
  CHECK(r.cadre_juridique_nature == "Arrêté du 24 mars 2021");
  CHECK(r.cadre_juridique_url == "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292");
  CHECK(r.scopes == std::vector<std::string>{"donnees_sectorielles", "idnat"});  // sorted, as DataPass stores them
  CHECK(r.contact_technique.type == "organization");
  CHECK(r.contact_technique.phone_number == "0199001234");
  CHECK(r.validate(Context::draft()).valid());
  // What the applicant still has to fill in on that form.
  const auto missing = fields_with(r.validate(Context::submit(), PSC::form(PSC::Form::ApiProSanteConnectEtablissementEditeur)), "required");
  CHECK(missing.count("cadre_juridique_nature") == 0);
  CHECK(missing.count("scopes") == 0);
  CHECK(missing.count("contact_technique_email") == 0);
  CHECK(missing.count("contact_technique_family_name") == 0);  // an organization
  CHECK(missing.count("intitule") == 1);
  PSC d;
  d.prefill(PSC::default_form());
  CHECK(d.scopes.empty());
  CHECK(d.cadre_juridique_nature.has_value());
}

TEST_CASE("malformed input gives typed errors, never an exception") {
  SECTION("wrong JSON types") {
    json j = valid_request();
    j["intitule"] = 12;
    j["scopes"] = "idnat";
    j["duree_conservation_donnees_caractere_personnel"] = "vingt";
    j["contact_technique_email"] = json::array();
    j["maquette_projet"] = json::array({{{"name", "x.pdf"}}});
    const auto r = PSC::from_json(j);
    CHECK(codes(formc::rt::ValidationResult{r.errors}) == std::set<std::pair<std::string, std::string>>{
                                                              {"intitule", "type"},
                                                              {"scopes", "type"},
                                                              {"duree_conservation_donnees_caractere_personnel", "type"},
                                                              {"contact_technique_email", "type"},
                                                              {"maquette_projet", "type"}});
    const formc::rt::ValidationResult as_result{r.errors};
    const Error* e = as_result.find("duree_conservation_donnees_caractere_personnel");
    REQUIRE(e);
    CHECK(e->message == "« Durée de conservation des données en mois » doit être un nombre entier.");
    CHECK_FALSE(r.value.intitule.has_value());
    // validate() reports them in place, and no `required` on top.
    const auto v = r.value.validate(Context::submit());
    CHECK(v.find("intitule", "type"));
    CHECK_FALSE(v.find("intitule", "required"));
    CHECK(PSC::validate_json_text(j.dump(), Context::submit(), PSC::default_form()).errors == v.errors);
  }
  SECTION("integral numbers are integers") {
    json j = valid_request();
    j["duree_conservation_donnees_caractere_personnel"] = 24.0;
    CHECK(read(j).duree_conservation_donnees_caractere_personnel == 24);
    j["duree_conservation_donnees_caractere_personnel"] = 24.5;
    CHECK_FALSE(PSC::from_json(j).ok());
  }
  SECTION("unknown keys") {
    json j = valid_request();
    j["siret"] = "13002526500013";
    const auto r = PSC::from_json(j);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == Error{"siret", "unknown_field", "« siret » n'est pas un champ de ce formulaire."});
    CHECK(r.value.validate(Context::draft()).errors == r.errors);
  }
  SECTION("not an object, not JSON") {
    CHECK(PSC::from_json(json::array()).errors == std::vector<Error>{{"", "type", "Le document doit être un objet JSON."}});
    const auto bad = PSC::from_json_text(R"({"intitule": "x",})");
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].code == "invalid_json");
    CHECK_FALSE(bad.value.intitule.has_value());
    const auto v = PSC::validate_json_text("{\"intitule\": \"\xff\"}", Context::draft(), PSC::default_form());
    REQUIRE(v.errors.size() == 1);
    CHECK(v.errors[0].code == "invalid_json");
  }
  SECTION("the final checkboxes must be booleans") {
    json j = valid_request();
    j["terms_of_service_accepted"] = "yes";
    const auto r = PSC::from_json(j);
    CHECK(r.errors == std::vector<Error>{{"terms_of_service_accepted", "type", "doit être vrai ou faux."}});
    const auto v = r.value.validate(Context::submit());
    CHECK(codes(v) == std::set<std::pair<std::string, std::string>>{{"terms_of_service_accepted", "type"},
                                                                     {"terms_of_service_accepted", "must_be_checked"}});
    CHECK(v.errors.front().code == "type");  // reported first, with the document-level errors
  }
}
