// Building the IR from small roots written to a temporary directory, with the
// standard block library, through the same Session the CLI uses.

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "driver/session.h"
#include "expr/checked_expr.h"
#include "model/ir.h"
#include "model/ir_json.h"
#include "support/diagnostics.h"
#include "validate/validator.h"

namespace fs = std::filesystem;
using formc::model::Definition;
using formc::model::Field;
using formc::model::FieldType;
using formc::model::Form;
using formc::support::DiagCode;

namespace {

// A configuration root in a fresh temporary directory, removed afterwards.
class TempRoot {
 public:
  explicit TempRoot(const std::map<std::string, std::string>& files) {
    static std::mt19937_64 rng(std::random_device{}());
    dir_ = fs::temp_directory_path() / ("formc-model-test-" + std::to_string(::getpid()) + "-" + std::to_string(rng()));
    fs::create_directories(dir_);
    for (const auto& [path, text] : files) {
      const fs::path p = dir_ / path;
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << text;
    }
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;
  [[nodiscard]] std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

struct Built {
  std::unique_ptr<TempRoot> root;
  std::unique_ptr<formc::driver::Session> session;

  const formc::model::Module& module() const { return session->module(); }
  const Definition& def(std::string_view id) const {
    const auto* d = module().find_definition(id);
    INFO("definition " << id);
    REQUIRE(d != nullptr);
    return *d;
  }
  const Form& form(std::string_view uid) const {
    const auto* f = module().find_form(uid);
    INFO("form " << uid);
    REQUIRE(f != nullptr);
    return *f;
  }
  std::vector<const formc::support::Diagnostic*> diags(DiagCode code) const {
    std::vector<const formc::support::Diagnostic*> out;
    for (const auto& d : session->diagnostics().all()) {
      if (d.code == code) out.push_back(&d);
    }
    return out;
  }
  std::string all_diagnostics() const {
    std::string out;
    for (const auto& d : session->diagnostics().all()) {
      out += std::string(formc::support::info(d.code).code) + ": " + d.message + "\n";
    }
    return out;
  }
  std::uint32_t line_of(const formc::support::Span& span) const { return session->sources().locate(span).line; }
};

std::unique_ptr<formc::driver::Session> load_root(const std::string& path) {
  formc::driver::CommonOptions options;
  options.paths = {path};
  options.library = FORMC_STANDARD_LIBRARY;
  auto session = std::make_unique<formc::driver::Session>(options);
  (void)session->load();
  return session;
}

Built build(const std::map<std::string, std::string>& files) {
  Built b;
  b.root = std::make_unique<TempRoot>(files);
  b.session = load_root(b.root->path());
  return b;
}

std::vector<std::string> field_names(const formc::model::Block& block) {
  std::vector<std::string> out;
  for (const auto& f : block.fields) out.push_back(f.name);
  return out;
}

using Names = std::vector<std::string>;

const char* const kDefinition =
    "api_demo:\n"
    "  name: \"API Démo\"\n"
    "  description: \"Une API.\"\n"
    "  provider: dinum\n"
    "  kind: 'api'\n"
    "  support_email: \"support@demo.gouv.fr\"\n"
    "  blocks:\n"
    "    - name: basic_infos\n"
    "    - name: scopes\n"
    "    - name: contacts\n";

}  // namespace

TEST_CASE("forms resolve to definitions by class name and by id", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) +
                                              "annuaire_des_entreprises:\n  name: A\n  kind: service\n  blocks: [{name: basic_infos}]\n"
                                              "hubee_cert_dc:\n  name: H\n  blocks: [{name: basic_infos}]\n"},
      {"authorization_request_forms/f.yml",
       "by-class:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"
       "by-id:\n  authorization_request: api_demo\n  steps: [{name: basic_infos}]\n"
       "annuaire:\n  authorization_request: AnnuaireDesEntreprises\n  steps: [{name: basic_infos}]\n"
       "hubee:\n  authorization_request: HubEECertDC\n  steps: [{name: basic_infos}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  CHECK(b.form("by-class").definition_id == "api_demo");
  CHECK(b.form("by-id").definition_id == "api_demo");
  CHECK(b.form("annuaire").definition_id == "annuaire_des_entreprises");
  CHECK(b.form("hubee").definition_id == "hubee_cert_dc");
  CHECK(b.def("api_demo").class_name == "APIDemo");
  CHECK(b.def("hubee_cert_dc").class_name == "HubEECertDC");
  CHECK(b.module().forms_of("api_demo").size() == 2);
  CHECK(b.def("api_demo").source_file == "authorization_definitions/d.yml");
}

TEST_CASE("an unresolved class name gets a did-you-mean note", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml", kDefinition},
      {"authorization_request_forms/f.yml",
       "ok:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"
       "typo:\n  authorization_request: APIDemos\n  steps: [{name: basic_infos}]\n"},
  });
  const auto found = b.diags(DiagCode::UnresolvedDefinition);
  REQUIRE(found.size() == 1);
  CHECK(b.line_of(found[0]->span) == 5);
  REQUIRE(found[0]->notes.size() == 1);
  CHECK(found[0]->notes[0].message == "did you mean 'APIDemo'?");
  CHECK(b.form("typo").definition_id.empty());
}

TEST_CASE("an unknown key gets a did-you-mean note", "[model]") {
  // In a definition or a form DataPass skips it: an ignored-key warning.
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) + "  suport_email: x@y.fr\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  step: [{name: basic_infos}]\n"},
  });
  CHECK(b.diags(DiagCode::UnknownKey).empty());
  const auto found = b.diags(DiagCode::IgnoredKey);
  REQUIRE(found.size() == 2);
  std::vector<std::string> notes;
  for (const auto* d : found) {
    REQUIRE(d->notes.size() == 1);
    notes.push_back(d->notes[0].message);
  }
  std::sort(notes.begin(), notes.end());
  CHECK(notes == Names{"did you mean 'steps'?", "did you mean 'support_email'?"});
}

TEST_CASE("contacts expand into the template's fields, honouring except", "[model][contacts]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "  contacts:\n"
           "    - contact_technique\n"
           "    - kind: delegue_protection_donnees\n"
           "      except: [phone_number, job_title]\n"
           "    - kind: contact_metier\n"
           "      mobile_phone: true\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: contacts}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const auto* block = b.def("api_demo").find_block("contacts");
  REQUIRE(block != nullptr);
  CHECK(field_names(*block) == Names{
                                   "contact_technique_type", "contact_technique_family_name",
                                   "contact_technique_given_name", "contact_technique_email",
                                   "contact_technique_phone_number", "contact_technique_job_title",
                                   "delegue_protection_donnees_type", "delegue_protection_donnees_family_name",
                                   "delegue_protection_donnees_given_name", "delegue_protection_donnees_email",
                                   "contact_metier_type", "contact_metier_family_name", "contact_metier_given_name",
                                   "contact_metier_email", "contact_metier_phone_number", "contact_metier_job_title",
                               });
  for (const auto& f : block->fields) {
    INFO(f.name);
    CHECK(f.block == "contacts");
    CHECK_FALSE(f.prefillable);  // anti-impersonation: never from query parameters
    CHECK_FALSE(f.contact_kind.empty());
    CHECK(f.name.rfind(f.contact_kind, 0) == 0);
  }
  const Field* type = b.def("api_demo").find_field("contact_technique_type");
  REQUIRE(type != nullptr);
  CHECK(type->type == FieldType::Radio);
  REQUIRE(type->options.size() == 2);
  CHECK(type->options[0].value == "person");
  CHECK(b.def("api_demo").find_field("contact_technique_phone_number")->type == FieldType::Phone);
  CHECK_FALSE(b.def("api_demo").find_field("contact_technique_phone_number")->mobile);
  CHECK(b.def("api_demo").find_field("contact_metier_phone_number")->mobile);
  // {kind} is substituted in the template's conditions, which are compiled.
  const Field* family = b.def("api_demo").find_field("delegue_protection_donnees_family_name");
  REQUIRE(family != nullptr);
  REQUIRE(family->required_if.has_value());
  CHECK(family->required_if->source.find("delegue_protection_donnees_type") != std::string::npos);
  CHECK(family->required_if->source.find("{kind}") == std::string::npos);
  CHECK(family->required_if->expr != nullptr);
  // The contact kinds themselves are recorded with their library wording.
  const auto& contacts = b.def("api_demo").contacts;
  REQUIRE(contacts.size() == 3);
  CHECK(contacts[1].except == Names{"phone_number", "job_title"});
}

TEST_CASE("without a contacts key, the contacts block's default kinds are used", "[model][contacts]") {
  auto b = build({
      {"authorization_definitions/d.yml", kDefinition},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: contacts}]\n"},
  });
  const auto& contacts = b.def("api_demo").contacts;
  Names kinds;
  for (const auto& c : contacts) kinds.push_back(c.kind);
  CHECK(kinds == Names{"responsable_traitement", "delegue_protection_donnees", "contact_technique"});
  CHECK(b.def("api_demo").find_field("responsable_traitement_email") != nullptr);
  CHECK(b.def("api_demo").find_field("contact_metier_email") == nullptr);
}

TEST_CASE("extension keys: modalities, volumetries, extra_fields, extra_checkboxes", "[model][extensions]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       "api_demo:\n"
       "  name: Démo\n"
       "  kind: 'api'\n"
       "  blocks:\n"
       "    - name: basic_infos\n"
       "    - name: modalities\n"
       "    - name: volumetrie\n"
       "  modalities:\n"
       "    - {value: rie, label: \"Via le RIE\"}\n"
       "    - {value: internet, label: \"Via Internet\"}\n"
       "  volumetries:\n"
       "    - {value: 50, label: \"50 appels / minute\"}\n"
       "    - {value: 200, label: \"200 appels / minute\"}\n"
       "  extra_fields:\n"
       "    basic_infos:\n"
       "      - {name: date_prevue_mise_en_production, type: date, label: \"Date\", required: false}\n"
       "  extra_checkboxes:\n"
       "    - {name: dpd_homologation_checkbox, type: checkbox, label: \"J'atteste\"}\n"},
      {"authorization_request_forms/f.yml",
       "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}, {name: modalities}, {name: volumetrie}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  const Field* modalities = d.find_field("modalities");
  REQUIRE(modalities != nullptr);
  REQUIRE(modalities->options.size() == 2);
  CHECK(modalities->options[0].value == "rie");
  CHECK(modalities->options[1].label == "Via Internet");

  const Field* volumetry = d.find_field("volumetrie_appels_par_minute");
  REQUIRE(volumetry != nullptr);
  CHECK(volumetry->integer_options);
  REQUIRE(volumetry->options.size() == 2);
  CHECK(volumetry->options[1].value == "200");

  const auto* basic = d.find_block("basic_infos");
  REQUIRE(basic != nullptr);
  CHECK(field_names(*basic) == Names{"intitule", "description", "maquette_projet", "date_prevue_mise_en_production"});
  CHECK(d.find_field("date_prevue_mise_en_production")->block == "basic_infos");
  CHECK_FALSE(d.find_field("date_prevue_mise_en_production")->required);

  REQUIRE(d.extra_checkboxes.size() == 1);
  CHECK(d.extra_checkboxes[0].name == "dpd_homologation_checkbox");
  CHECK(d.extra_checkboxes[0].type == FieldType::Checkbox);
  CHECK(d.extra_checkboxes[0].submit_only);
}

TEST_CASE("a definition_extensions file applies, the definition's own keys win", "[model][extensions]") {
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) + "    - name: modalities\n" +
                                              "  modalities:\n    - {value: own, label: Propre}\n"},
      {"definition_extensions/x.yml",
       "api_demo:\n"
       "  modalities:\n    - {value: from_file, label: Fichier}\n"
       "  contacts: [contact_metier]\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: contacts}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  REQUIRE(d.find_field("modalities") != nullptr);
  REQUIRE(d.find_field("modalities")->options.size() == 1);
  CHECK(d.find_field("modalities")->options[0].value == "own");
  REQUIRE(d.contacts.size() == 1);  // not set by the definition: the file's value
  CHECK(d.contacts[0].kind == "contact_metier");
}

TEST_CASE("scopes are flattened in order, with their attributes", "[model][scopes]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "  scopes:\n"
           "    - &identite\n"
           "      - {name: Nom, value: nom, group: Identité}\n"
           "      - {name: Prénom, value: prenom, group: Identité, included: true}\n"
           "    - - {name: Adresse, value: adresse, link: \"https://api.gouv.fr/x\"}\n"
           "      - name: QF\n"
           "        value: quotient_familial\n"
           "        deprecated: {since: \"2025-05-20\"}\n"
           "    - {name: Revenus, value: revenus, disabled: true, feature_flag: revenus_flag}\n"
           "api_demo_bis:\n"
           "  name: Bis\n"
           "  blocks: [{name: scopes}]\n"
           "  scopes: [*identite, {name: Autre, value: autre}]\n"},
      {"authorization_request_forms/f.yml",
       "f:\n  authorization_request: APIDemo\n  steps: [{name: scopes}]\n"
       "g:\n  authorization_request: APIDemoBis\n  steps: [{name: scopes}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  Names values;
  for (const auto& s : d.scopes) values.push_back(s.value);
  CHECK(values == Names{"nom", "prenom", "adresse", "quotient_familial", "revenus"});
  CHECK(d.find_scope("prenom")->included);
  CHECK_FALSE(d.find_scope("nom")->included);
  CHECK(d.find_scope("nom")->group == "Identité");
  CHECK(d.find_scope("adresse")->link == "https://api.gouv.fr/x");
  CHECK(d.find_scope("quotient_familial")->deprecated_since == std::optional<std::string>("2025-05-20"));
  CHECK(d.find_scope("quotient_familial")->deprecated_writable);  // DataPass's code default
  CHECK(d.find_scope("revenus")->disabled);
  CHECK(d.find_scope("revenus")->feature_flag == "revenus_flag");
  // The scopes field's options are the definition's scopes.
  const Field* scopes = d.find_field("scopes");
  REQUIRE(scopes != nullptr);
  CHECK(scopes->type == FieldType::Scopes);
  REQUIRE(scopes->options.size() == 5);
  CHECK(scopes->options[2].value == "adresse");

  Names bis;
  for (const auto& s : b.def("api_demo_bis").scopes) bis.push_back(s.value);
  CHECK(bis == Names{"nom", "prenom", "autre"});
}

TEST_CASE("a duplicate scope is reported once per extra copy", "[model][scopes]") {
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) +
                                              "  scopes:\n"
                                              "    - {name: A, value: a}\n"
                                              "    - {name: A2, value: a}\n"
                                              "    - {name: A3, value: a}\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: scopes}]\n"},
  });
  // Three declarations of one value: two duplicates, each pointing at the first.
  const auto found = b.diags(DiagCode::DuplicateScope);
  CHECK(found.size() == 2);
  for (const auto* d : found) {
    REQUIRE(d->notes.size() == 1);
    CHECK(b.line_of(d->notes[0].span) == 12);
  }
}

TEST_CASE("features: DataPass's defaults and overrides", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "api_demo_bis:\n  name: Bis\n  blocks: [{name: basic_infos}]\n"
           "  features: {messaging: false, transfer: false, instructor_drafts: true, reopening: false}\n"},
      {"authorization_request_forms/f.yml",
       "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"
       "g:\n  authorization_request: APIDemoBis\n  steps: [{name: basic_infos}]\n"},
  });
  const auto& defaults = b.def("api_demo").features;
  CHECK(defaults.messaging);
  CHECK(defaults.message_templates);
  CHECK(defaults.reopening);
  CHECK(defaults.transfer);
  CHECK_FALSE(defaults.instructor_drafts);
  const auto& set = b.def("api_demo_bis").features;
  CHECK_FALSE(set.messaging);
  CHECK(set.message_templates);
  CHECK_FALSE(set.reopening);
  CHECK_FALSE(set.transfer);
  CHECK(set.instructor_drafts);
  // Other definition defaults.
  CHECK(b.def("api_demo").is_public);
  CHECK_FALSE(b.def("api_demo").unique);
  CHECK(b.def("api_demo").startable_by_applicant);
  CHECK(b.def("api_demo_bis").kind == "api");
}

TEST_CASE("stage links are parsed on definitions and forms", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       "api_demo_sandbox:\n  name: S\n  public: false\n  blocks: [{name: basic_infos}]\n"
       "  stage:\n    type: sandbox\n    next:\n      id: api_demo\n      form_id: api-demo\n"
       "api_demo:\n  name: P\n  blocks: [{name: basic_infos}]\n"
       "  stage:\n    type: production\n    previous: {id: api_demo_sandbox, form_id: api-demo-sandbox}\n"},
      {"authorization_request_forms/f.yml",
       "api-demo-sandbox:\n  authorization_request: APIDemoSandbox\n  steps: [{name: basic_infos}]\n"
       "api-demo:\n  authorization_request: APIDemo\n  startable_by_applicant: false\n  steps: [{name: basic_infos}]\n"
       "  stage:\n    previous_form_uid: api-demo-sandbox\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const auto& sandbox = b.def("api_demo_sandbox");
  REQUIRE(sandbox.stage.has_value());
  CHECK(sandbox.stage->type == "sandbox");
  REQUIRE(sandbox.stage->next.has_value());
  CHECK(sandbox.stage->next->id.value == "api_demo");
  CHECK(sandbox.stage->next->form_id.value == "api-demo");
  CHECK(b.line_of(sandbox.stage->next->id.span) == 8);
  CHECK_FALSE(sandbox.stage->previous.has_value());
  CHECK_FALSE(sandbox.is_public);
  const auto& production = b.def("api_demo");
  REQUIRE(production.stage.has_value());
  CHECK(production.stage->type == "production");
  REQUIRE(production.stage->previous.has_value());
  CHECK(production.stage->previous->form_id.value == "api-demo-sandbox");
  const auto& form = b.form("api-demo");
  REQUIRE(form.previous_form_uid.has_value());
  CHECK(form.previous_form_uid->value == "api-demo-sandbox");
  CHECK(form.startable_by_applicant == std::optional<bool>(false));
}

TEST_CASE("initialize_with value types", "[model][prefill]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) + "    - name: personal_data\n    - name: modalities\n" +
           "  scopes:\n    - {name: A, value: a}\n    - {name: B, value: b}\n    - {name: C, value: c}\n"},
      {"authorization_request_forms/f.yml",
       "f:\n"
       "  authorization_request: APIDemo\n"
       "  steps: [{name: basic_infos}, {name: personal_data}, {name: scopes}, {name: modalities}, {name: contacts}]\n"
       "  initialize_with:\n"
       "    duree_conservation_donnees_caractere_personnel: 36\n"
       "    intitule: \"   Mon projet  \"\n"
       "    description: |+\n"
       "      Décrit\n"
       "\n"
       "\n"
       "    destinataire_donnees_caractere_personnel: \"agents\\r\\ninstructeurs\\n\"\n"
       "    scopes: [a, [b, c]]\n"
       "    modalities:\n"
       "      - params\n"
       "    contact_technique_phone_number: 0184162457\n"
       "    contact_technique_type:\n"
       "g:\n"
       "  authorization_request: APIDemo\n"
       "  steps: [{name: personal_data}]\n"
       "  initialize_with:\n"
       "    duree_conservation_donnees_caractere_personnel: |\n"
       "      0\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  std::map<std::string, nlohmann::ordered_json> values;
  for (const auto& p : b.form("f").initialize_with) values[p.field] = p.value;
  CHECK(values.at("duree_conservation_donnees_caractere_personnel") == nlohmann::ordered_json(36));
  CHECK(values.at("duree_conservation_donnees_caractere_personnel").is_number_integer());
  CHECK(values.at("intitule") == "Mon projet");                    // stripped (clean_data)
  CHECK(values.at("description") == "Décrit");                     // |+ trailing newlines stripped
  CHECK(values.at("destinataire_donnees_caractere_personnel") == "agents\r\ninstructeurs");
  CHECK(values.at("scopes") == nlohmann::ordered_json::array({"a", "b", "c"}));  // flattened
  CHECK(values.at("modalities") == nlohmann::ordered_json::array({"params"}));
  CHECK(values.at("contact_technique_phone_number") == "0184162457");  // a string, leading zero kept
  CHECK(values.at("contact_technique_type").is_null());
  // Prefills keep their file order.
  REQUIRE(b.form("f").initialize_with.size() == 8);
  CHECK(b.form("f").initialize_with[0].field == "duree_conservation_donnees_caractere_personnel");
  CHECK(b.form("f").initialize_with[7].field == "contact_technique_type");
  // "0\n" (a literal block) is the string "0".
  REQUIRE(b.form("g").initialize_with.size() == 1);
  CHECK(b.form("g").initialize_with[0].value == "0");
}

TEST_CASE("a step not in the definition's blocks still instantiates the block's fields", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml", kDefinition},
      {"authorization_request_forms/f.yml",
       "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}, {name: personal_data}]\n"
       "  initialize_with:\n    duree_conservation_donnees_caractere_personnel: 12\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  const auto* block = d.find_block("personal_data");
  REQUIRE(block != nullptr);
  CHECK(field_names(*block) == Names{"destinataire_donnees_caractere_personnel",
                                     "duree_conservation_donnees_caractere_personnel",
                                     "duree_conservation_donnees_caractere_personnel_justification"});
  const bool listed = std::any_of(d.block_names.begin(), d.block_names.end(),
                                  [](const auto& n) { return n.value == "personal_data"; });
  CHECK_FALSE(listed);
  // Listed blocks come first, in `blocks` order, then the extra ones.
  REQUIRE(d.blocks.size() == 4);
  CHECK(d.blocks[0].name == "basic_infos");
  CHECK(d.blocks[3].name == "personal_data");
  CHECK(b.diags(DiagCode::StepNotInBlocks).size() == 1);
  CHECK(b.diags(DiagCode::UnresolvedField).empty());
  // Its expressions are compiled against the definition.
  const Field* justification = d.find_field("duree_conservation_donnees_caractere_personnel_justification");
  REQUIRE(justification->visible_if.has_value());
  CHECK(justification->visible_if->expr != nullptr);
}

TEST_CASE("library fields keep their declared attributes", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) + "    - name: legal\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: legal}]\n"},
  });
  const Definition& d = b.def("api_demo");
  const Field* doc = d.find_field("cadre_juridique_document");
  REQUIRE(doc != nullptr);
  CHECK(doc->type == FieldType::Document);
  CHECK_FALSE(doc->required);
  CHECK(doc->content_types == Names{"application/pdf"});
  CHECK(doc->max_size == std::optional<std::int64_t>(10485760));
  CHECK(doc->max_count == 6);
  const auto* legal = d.find_block("legal");
  REQUIRE(legal->rules.size() == 1);
  CHECK(legal->rules[0].code == "cadre_juridique_document_or_url");
  CHECK(legal->rules[0].fields == Names{"cadre_juridique_url", "cadre_juridique_document"});
  CHECK(legal->rules[0].check.expr != nullptr);
  CHECK(legal->slug == "cadre-juridique");
}

TEST_CASE("every list field has a bound, and multiselect's max_items is read and checked", "[model][lists]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "    - name: legal\n"
           "    - name: modalities\n"
           "  modalities:\n"
           "    - {value: rie, label: \"Via le RIE\"}\n"
           "    - {value: internet, label: \"Via Internet\"}\n"
           "    - {value: vpn, label: \"Via un VPN\"}\n"
           "  scopes:\n"
           "    - {name: A, value: a}\n"
           "    - {name: B, value: b}\n"
           "  extra_fields:\n"
           "    basic_infos:\n"
           "      - {name: adresses_ip, type: multiselect, label: \"Adresses IP\", required: false}\n"
           "      - {name: serveurs, type: multiselect, label: \"Serveurs\", max_items: 5, required: false}\n"
           "      - {name: une_voie, type: multiselect, label: \"Une voie\", max_items: 1, required: false,\n"
           "         options: [{value: x, label: X}, {value: y, label: Y}]}\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"},
  });
  INFO(b.all_diagnostics());
  CHECK_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  using formc::model::list_bound;
  auto bound = [&](const char* name) {
    const Field* f = d.find_field(name);
    REQUIRE(f != nullptr);
    return list_bound(*f, d);
  };
  CHECK(bound("modalities") == std::optional<std::int64_t>(3));                // its options
  CHECK(bound("adresses_ip") == formc::model::kDefaultFreeListItems);           // a free list
  CHECK(bound("serveurs") == std::optional<std::int64_t>(5));                   // max_items
  CHECK(bound("une_voie") == std::optional<std::int64_t>(1));                   // max_items below the options
  CHECK(bound("scopes") == std::optional<std::int64_t>(2));                     // the definition's scopes
  CHECK(bound("cadre_juridique_document") == std::optional<std::int64_t>(6));   // max_count
  CHECK(bound("intitule") == std::nullopt);

  auto bad = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "  extra_fields:\n"
           "    basic_infos:\n"
           "      - {name: liste, type: multiselect, label: Liste, max_items: 0}\n"
           "      - {name: texte, type: text, label: Texte, max_items: 3}\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"},
  });
  const auto diags = bad.diags(DiagCode::FieldBadConstraint);
  REQUIRE(diags.size() == 2);
  CHECK(diags[0]->message == "'max_items' must be at least 1");
  CHECK(diags[1]->message == "'max_items' does not apply to a field of type 'text'");
}

TEST_CASE("the interpreter bounds lists like the generated code: one too_many_items, items unchecked", "[model][lists]") {
  auto b = build({
      {"authorization_definitions/d.yml",
       std::string(kDefinition) +
           "  extra_fields:\n"
           "    basic_infos:\n"
           "      - {name: adresses_ip, type: multiselect, label: \"Adresses IP\", required: false}\n"
           "      - {name: une_voie, type: multiselect, label: \"Une voie\", max_items: 1, required: false,\n"
           "         options: [{value: x, label: X}, {value: y, label: Y}]}\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: basic_infos}]\n"},
  });
  INFO(b.all_diagnostics());
  REQUIRE_FALSE(b.session->diagnostics().has_errors());
  const Definition& d = b.def("api_demo");
  const Form& f = b.form("f");
  auto validate = [&](const nlohmann::json& doc) {
    std::string problem;
    const auto errors = formc::validate::validate(d, f, doc, *formc::validate::Context::parse("draft"), formc::rt::date(2026, 1, 15), problem);
    REQUIRE(errors);
    return *errors;
  };
  // Within the bound: every repeat after the first occurrence, then the option error, in order.
  auto errors = validate({{"adresses_ip", {"10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1"}}});
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == "duplicate");
  CHECK(errors[0].message == "« Adresses IP » contient '10.0.0.1' plusieurs fois.");
  CHECK(errors[1].code == "duplicate");
  errors = validate({{"une_voie", {"z"}}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "not_an_option");
  // Over the bound: one error, whatever the items.
  errors = validate({{"une_voie", {"x", "y"}}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "une_voie");
  CHECK(errors[0].code == "too_many_items");
  CHECK(errors[0].message == "« Une voie » : au plus 1 élément.");
  // 80,000 distinct items in a free list: one error (the default bound, 100).
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 80000; ++i) many.push_back("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  errors = validate({{"adresses_ip", many}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "too_many_items");
  CHECK(errors[0].message == "« Adresses IP » : au plus 100 éléments.");
  // A non-string item is a type error first, as in the generated reader.
  many.push_back(12);
  errors = validate({{"adresses_ip", many}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "type");
}

TEST_CASE("the IR is deterministic", "[model]") {
  const std::map<std::string, std::string> files = {
      {"authorization_definitions/b.yml", "api_b:\n  name: B\n  blocks: [{name: basic_infos}]\n"},
      {"authorization_definitions/a.yml", std::string(kDefinition)},
      {"authorization_request_forms/z.yml", "z:\n  authorization_request: APIB\n  steps: [{name: basic_infos}]\n"},
      {"authorization_request_forms/y.yml",
       "y2:\n  authorization_request: APIDemo\n  steps: [{name: contacts}]\n"
       "y1:\n  authorization_request: APIDemo\n  steps: [{name: scopes}]\n"},
  };
  auto first = build(files);
  auto second = build(files);
  CHECK(formc::model::to_json(first.module()).dump() == formc::model::to_json(second.module()).dump());
  // Files by path, entries in file order.
  REQUIRE(first.module().definitions.size() == 2);
  CHECK(first.module().definitions[0].id == "api_demo");
  CHECK(first.module().definitions[1].id == "api_b");
  REQUIRE(first.module().forms.size() == 3);
  CHECK(first.module().forms[0].uid == "y2");
  CHECK(first.module().forms[1].uid == "y1");
  CHECK(first.module().forms[2].uid == "z");
}

TEST_CASE("an unknown field type does not cascade into unknown-key errors", "[model]") {
  auto b = build({
      {"authorization_definitions/d.yml", std::string(kDefinition) + "    - name: projet\n"},
      {"blocks/projet.yml",
       "projet:\n  fields:\n    - name: debut\n      type: datetime\n      label: Début\n      hint: Date\n"},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: projet}]\n"},
  });
  CHECK(b.diags(DiagCode::FieldTypeUnknown).size() == 1);
  INFO(b.all_diagnostics());
  CHECK(b.diags(DiagCode::UnknownKey).empty());
}

// ---------------------------------------------------------------------------
// Hostile input through the model: an alias bomb in `scopes`.
//
// Run in a child process with a memory cap and a deadline, so that a
// regression fails this test instead of exhausting the machine.

namespace {

enum class ChildResult { Finished, TimedOut, Crashed };

// Bytes of virtual address space this process maps now (VmSize).
std::size_t current_address_space() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmSize:", 0) == 0) return static_cast<std::size_t>(std::stoull(line.substr(7))) * 1024;
  }
  return 0;
}

template <typename F>
ChildResult run_bounded(F&& work, std::chrono::seconds deadline, std::size_t memory_bytes, int& exit_code) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The cap is on top of what the process already maps (sanitizers map a lot).
    const rlim_t cap = static_cast<rlim_t>(current_address_space() + memory_bytes);
    rlimit limit{cap, cap};
    ::setrlimit(RLIMIT_AS, &limit);
    int code = 1;
    try {
      code = work();
    } catch (const std::bad_alloc&) {
      code = 4;  // out of memory under the cap
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() - start > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return ChildResult::TimedOut;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) {
    exit_code = WEXITSTATUS(status);
    return ChildResult::Finished;
  }
  return ChildResult::Crashed;
}

}  // namespace

TEST_CASE("a billion-laughs alias bomb in scopes is bounded and reported", "[model][hostile]") {
  std::string def = std::string(kDefinition) + "  scopes:\n    - &l0 [";
  for (char c = 'a'; c <= 'j'; ++c) def += std::string(c == 'a' ? "" : ", ") + "{name: " + c + ", value: " + c + "}";
  def += "]\n";
  for (int i = 1; i <= 9; ++i) {
    def += "    - &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) def += (k ? ", *l" : "*l") + std::to_string(i - 1);
    def += "]\n";
  }
  const std::map<std::string, std::string> files = {
      {"authorization_definitions/d.yml", def},
      {"authorization_request_forms/f.yml", "f:\n  authorization_request: APIDemo\n  steps: [{name: scopes}]\n"},
  };
  const TempRoot root(files);  // created and removed by this process, whatever happens to the child
  int exit_code = -1;
  const auto result = run_bounded(
      [&] {
        const auto session = load_root(root.path());
        // Exit codes: 0 when the bomb was reported, 2 when it passed silently,
        // 4 when it exhausted the memory cap.
        return session->diagnostics().has_errors() ? 0 : 2;
      },
      std::chrono::seconds(60), std::size_t{2} << 30, exit_code);
  INFO("child exit code " << exit_code << " (0: reported, 2: accepted silently, 4: exhausted 2 GiB of memory)");
  CHECK(result == ChildResult::Finished);  // neither a hang nor a crash
  CHECK(exit_code == 0);
}
