// DataPass class names <-> definition ids (Rails classify + DataPass's
// acronyms and String#classify patches).
//
// The expected class names are DataPass's own: every pair below is what the
// forms of DataPass v2 write in `authorization_request` for that definition
// (shared/reference/datapass-v2), or a DGFIP class named in DATAPASS.md.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/class_names.h"

using formc::model::camelize;
using formc::model::class_name_for;
using formc::model::ClassNameIndex;
using formc::model::singularize;

namespace {

// Every definition of the reference corpus, with the class its forms name.
const std::vector<std::pair<std::string, std::string>>& corpus_pairs() {
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"annuaire_des_entreprises", "AnnuaireDesEntreprises"},
      {"api_captchetat", "APICaptchEtat"},
      {"api_declaration_auto_entrepreneur", "APIDeclarationAutoEntrepreneur"},
      {"api_declaration_cesu", "APIDeclarationCESU"},
      {"api_droits_cnam", "APIDroitsCNAM"},
      {"api_entreprise", "APIEntreprise"},
      {"api_gfe_echange_collectivites", "APIGFEEchangeCollectivites"},
      {"api_gfe_echange_editeurs_restauration", "APIGFEEchangeEditeursRestauration"},
      {"api_indemnites_journalieres_cnam", "APIIndemnitesJournalieresCNAM"},
      {"api_ingres", "APIIngres"},
      {"api_inser_jeunes_sup", "APIInserJeunesSup"},
      {"api_particulier", "APIParticulier"},
      {"api_particulier_demarche_numerique", "APIParticulierDemarcheNumerique"},
      {"api_pro_sante_connect", "APIProSanteConnect"},
      {"api_scolarite", "APIScolarite"},
      {"formulaire_qf", "FormulaireQF"},
      {"france_connect", "FranceConnect"},
      {"hubee_cert_dc", "HubEECertDC"},
      {"hubee_dila", "HubEEDila"},
      {"le_taxi", "LeTaxi"},
      {"pro_connect_identity_provider", "ProConnectIdentityProvider"},
      {"pro_connect_service_provider", "ProConnectServiceProvider"},
      {"produits_dinum", "ProduitsDinum"},
  };
  return pairs;
}

// DGFIP definitions (not in the corpus subset) whose classes DATAPASS.md names.
const std::vector<std::pair<std::string, std::string>>& dgfip_pairs() {
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"api_e_contacts", "APIEContacts"},
      {"api_e_contacts_sandbox", "APIEContactsSandbox"},
      {"api_sfip_r2p", "APISFiPR2P"},
      {"api_sfip_r2p_sandbox", "APISFiPR2PSandbox"},
      {"api_ensu_documents", "APIENSUDocuments"},
      {"api_sfip", "APISFiP"},
      {"api_sfip_sandbox", "APISFiPSandbox"},
      {"api_r2p", "APIR2P"},
      {"api_infinoe", "APIINFINOE"},
      {"api_ficoba_sandbox", "APIFicobaSandbox"},
      {"api_impot_particulier", "APIImpotParticulier"},
  };
  return pairs;
}

}  // namespace

TEST_CASE("singularize follows Rails' English rules", "[class_names]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"entreprises", "entreprise"}, {"api_entreprises", "api_entreprise"},
      {"documents", "document"},     {"contacts", "contact"},
      {"queries", "query"},          {"boxes", "box"},
      {"matches", "match"},          {"dishes", "dish"},
      {"addresses", "address"},      {"address", "address"},
      {"status", "status"},          {"statuses", "status"},
      {"aliases", "alias"},          {"buses", "bus"},
      {"analyses", "analysis"},      {"crises", "crisis"},
      {"axes", "axis"},              {"wives", "wife"},
      {"halves", "half"},            {"hives", "hive"},
      {"movies", "movie"},           {"series", "series"},
      {"news", "news"},              {"matrices", "matrix"},
      {"vertices", "vertex"},        {"mice", "mouse"},
      {"octopi", "octopus"},         {"quizzes", "quiz"},
      {"databases", "database"},     {"shoes", "shoe"},
      {"heroes", "hero"},            {"data", "datum"},
      {"equipment", "equipment"},    {"information", "information"},
      {"taxi", "taxi"},              {"cnam", "cnam"},
      {"dinum", "dinum"},            {"api_droits_cnam", "api_droits_cnam"},
      {"produits_dinum", "produits_dinum"},
  };
  for (const auto& [plural, singular] : cases) {
    INFO(plural);
    CHECK(singularize(plural) == singular);
  }
}

TEST_CASE("singularize is safe on odd inputs", "[class_names]") {
  CHECK(singularize("") == "");
  CHECK(singularize("s") == "");  // Rails: "s".singularize == ""
  const std::string long_word(10'000, 's');
  CHECK_NOTHROW((void)singularize(long_word));
}

TEST_CASE("camelize applies DataPass's acronyms word by word", "[class_names]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"api_particulier", "APIParticulier"},
      {"hubee_cert_dc", "HubEECertDC"},
      {"api_sfip_r2p", "APISFiPR2P"},
      {"api_captchetat", "APICaptchEtat"},
      {"dgfip", "DGFIP"},
      {"api_infinoe_sandbox", "APIINFINOESandbox"},
      {"api_gfe_x", "APIGFEX"},
      {"apim_tokens", "APIMTokens"},  // camelize never singularises
      {"gdpr_contacts", "GDPRContacts"},
      {"formulaire_qf", "FormulaireQF"},
      {"api_declaration_cesu", "APIDeclarationCESU"},
      {"api_ensu_documents", "APIENSUDocuments"},
      {"api_droits_cnam", "APIDroitsCNAM"},
      {"le_taxi", "LeTaxi"},
      {"produits_dinum", "ProduitsDinum"},
  };
  for (const auto& [snake, camel] : cases) {
    INFO(snake);
    CHECK(camelize(snake) == camel);
  }
}

TEST_CASE("class_name_for every definition of the DataPass v2 corpus", "[class_names]") {
  for (const auto& [id, class_name] : corpus_pairs()) {
    INFO(id);
    CHECK(class_name_for(id) == class_name);
  }
}

TEST_CASE("class_name_for DataPass's classify exceptions and DGFIP classes", "[class_names]") {
  for (const auto& [id, class_name] : dgfip_pairs()) {
    INFO(id);
    CHECK(class_name_for(id) == class_name);
  }
  // Plain classify would singularise these; DataPass patches them.
  CHECK(class_name_for("annuaire_des_entreprises") == "AnnuaireDesEntreprises");
  CHECK(class_name_for("api_e_contacts") == "APIEContacts");
  CHECK(class_name_for("api_ensu_documents") == "APIENSUDocuments");
  CHECK(camelize(singularize("annuaire_des_entreprises")) == "AnnuaireDesEntreprise");
}

TEST_CASE("ClassNameIndex resolves class names both ways and plain ids", "[class_names]") {
  ClassNameIndex index;
  for (const auto& [id, class_name] : corpus_pairs()) index.add(id);
  for (const auto& [id, class_name] : dgfip_pairs()) index.add(id);

  for (const auto& [id, class_name] : corpus_pairs()) {
    INFO(class_name);
    CHECK(index.resolve(class_name) == std::optional<std::string>(id));
    CHECK(index.resolve(id) == std::optional<std::string>(id));  // a definition id works too
  }
  CHECK(index.resolve("APIEContacts") == std::optional<std::string>("api_e_contacts"));
  CHECK(index.resolve("APISFiPR2P") == std::optional<std::string>("api_sfip_r2p"));
  CHECK(index.resolve("APISFiPR2PSandbox") == std::optional<std::string>("api_sfip_r2p_sandbox"));
  CHECK(index.resolve("HubEECertDC") == std::optional<std::string>("hubee_cert_dc"));
  CHECK(index.resolve("APIENSUDocuments") == std::optional<std::string>("api_ensu_documents"));
  CHECK(index.resolve("api_sfip_r2p") == std::optional<std::string>("api_sfip_r2p"));

  // Class names are case-sensitive constants; near misses do not resolve.
  CHECK_FALSE(index.resolve("ApiParticulier").has_value());
  CHECK_FALSE(index.resolve("APIParticuliers").has_value());
  CHECK_FALSE(index.resolve("HubeeCertDc").has_value());
  CHECK_FALSE(index.resolve("").has_value());
  CHECK_FALSE(index.resolve("api-particulier").has_value());  // a form uid is not a definition

  const auto names = index.class_names();
  CHECK(std::find(names.begin(), names.end(), "APIParticulier") != names.end());
  CHECK(std::find(names.begin(), names.end(), "AnnuaireDesEntreprises") != names.end());
}

TEST_CASE("ClassNameIndex: two ids never silently share a class name", "[class_names]") {
  // api_entreprises would classify to APIEntreprise, api_entreprise's class.
  ClassNameIndex index;
  index.add("api_entreprise");
  index.add("api_entreprises");
  CHECK(index.resolve("APIEntreprise") == std::optional<std::string>("api_entreprise"));
  CHECK(index.resolve("APIEntreprises") == std::optional<std::string>("api_entreprises"));
}
